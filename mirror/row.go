package mirror

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Row is one mirror row: a value of one of this package's row types
// (*Location, *Product, *Variant, *InventoryItem, *InventoryLevel,
// *Collection, *CollectionProduct, *Page, *Blog, *Article, *Order,
// *OrderLineItem). Its fields are the table's columns; the mirror sets
// content_hash, version, synced_at and deleted_at.
type Row interface {
	Resource() events.Resource
	// Ref is the row's store and GID.
	Ref() Ref
	// Updated is Shopify's updatedAt of the object, nil when unknown.
	Updated() *time.Time

	encode(e *encoder)
	validate() error
}

// Ref identifies a mirror row. For a collection_product, GID is the
// collection GID and the product GID separated by a space.
type Ref struct {
	Store string
	GID   string
}

func (r Ref) String() string { return r.Store + "|" + r.GID }

// ErrInvalidRow is wrapped by the errors of rows that cannot be mirrored.
var ErrInvalidRow = errors.New("invalid row")

func invalid(r Row, format string, args ...any) error {
	return fmt.Errorf("%w: %s %s: %s", ErrInvalidRow, r.Resource(), r.Ref().GID, fmt.Sprintf(format, args...))
}

// checkRow validates what every row needs: a store and a GID of its type.
func checkRow(r Row) error {
	ref := r.Ref()
	if ref.Store == "" {
		return invalid(r, "no store")
	}
	t := tableOf(r.Resource())
	if t.gidType != "" {
		if err := checkGID("gid", ref.GID, t.gidType); err != nil {
			return invalid(r, "%v", err)
		}
	}
	if err := r.validate(); err != nil {
		return invalid(r, "%v", err)
	}
	return nil
}
