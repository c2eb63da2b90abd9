package mirror

import (
	"fmt"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Batch is what one delivery tells the mirror: the rows of one or more
// objects, the complete child lists of some of them, and deletions.
// FromWebhook and FromGraphQL build them; Apply writes one atomically.
type Batch struct {
	Rows      []Row
	ChildSets []ChildSet
	Deletions []Deletion
}

// Add appends another batch's contents.
func (b *Batch) Add(o Batch) {
	b.Rows = append(b.Rows, o.Rows...)
	b.ChildSets = append(b.ChildSets, o.ChildSets...)
	b.Deletions = append(b.Deletions, o.Deletions...)
}

// ChildSet is the complete list of one parent's children of one kind, as a
// delivery that lists them all has it (a product webhook's variant_gids, a
// GraphQL read of every variant). Children of the parent missing from Keep
// are tombstoned: that is how a dropped variant leaves the mirror.
type ChildSet struct {
	Store  string
	Parent Ref
	// ParentResource and Child name the relation, e.g. product and variant.
	ParentResource events.Resource
	Child          events.Resource
	// Keep lists the children the parent has: their GIDs, or for collection
	// memberships the GIDs of the other side (a collection's product GIDs).
	Keep []string
	// At is the parent's updatedAt: a child written after it is newer than
	// this list and is kept. Nil when unknown.
	At *time.Time
}

// Deletion says Shopify deleted an object.
type Deletion struct {
	Store    string
	Resource events.Resource
	// GID of the object (for a collection_product, the collection and
	// product GIDs separated by a space). An inventory level disconnected by
	// webhook has none: InventoryItemGID and LocationGID find it instead.
	GID              string
	InventoryItemGID string
	LocationGID      string
	// At is when Shopify deleted it (a webhook's X-Shopify-Triggered-At): a
	// row updated after that is newer than the deletion and stays. Nil when
	// unknown.
	At *time.Time
}

func (d Deletion) validate() error {
	if d.Store == "" {
		return fmt.Errorf("%w: deletion of %s %s: no store", ErrInvalidRow, d.Resource, d.GID)
	}
	t, ok := tables[d.Resource]
	if !ok {
		return fmt.Errorf("%w: deletion of unknown resource %q", ErrInvalidRow, d.Resource)
	}
	if d.GID == "" && d.Resource == events.InventoryLevel && d.InventoryItemGID != "" && d.LocationGID != "" {
		return nil
	}
	if t.gidType != "" {
		if err := checkGID("gid", d.GID, t.gidType); err != nil {
			return fmt.Errorf("%w: deletion of %s: %v", ErrInvalidRow, d.Resource, err)
		}
	} else if _, _, ok := splitPair(d.GID); !ok {
		return fmt.Errorf("%w: deletion of %s %q: want two GIDs separated by a space", ErrInvalidRow, d.Resource, d.GID)
	}
	return nil
}

func (c ChildSet) validate() (childRef, error) {
	pt, ok := tables[c.ParentResource]
	if !ok {
		return childRef{}, fmt.Errorf("%w: child set of unknown resource %q", ErrInvalidRow, c.ParentResource)
	}
	rel, ok := pt.child(c.Child)
	if !ok {
		return childRef{}, fmt.Errorf("%w: %s has no %s children", ErrInvalidRow, c.ParentResource, c.Child)
	}
	if c.Store == "" || c.Parent.GID == "" {
		return childRef{}, fmt.Errorf("%w: child set of %s: no store or parent", ErrInvalidRow, c.ParentResource)
	}
	return rel, nil
}
