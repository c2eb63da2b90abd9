package applier

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Delta is one pending plan_deltas row, with what the destination mirror
// holds of its target.
type Delta struct {
	ID             int64
	RunID          string
	LinkID         int64
	Store          string // target_store
	Source         string // the link's source store
	Resource       string
	Operation      string
	Key            string
	SourceGID      *string
	TargetGID      *string
	Desired        json.RawMessage
	PlannedVersion *int64
	Attempts       int

	// CurrentVersion is the target's mirror version now (nil when the mirror
	// has no live row for it).
	CurrentVersion *int64
	// Before is the target's mirror row as JSON (or {} when none), for the
	// audit.
	Before json.RawMessage
	// TargetOptions are the target product's options in the mirror.
	TargetOptions json.RawMessage
	TargetStatus  *string
	// HandleTaken: a create whose handle a live destination product has.
	HandleTaken bool

	// resumeKey is the batch key of an attempt that was interrupted (see
	// recover.go): the delta goes out again in the same batch, under the
	// same key.
	resumeKey string
}

func (d *Delta) targetGID() string {
	if d.TargetGID == nil {
		return ""
	}
	return *d.TargetGID
}

func (d *Delta) sourceGID() string {
	if d.SourceGID == nil {
		return ""
	}
	return *d.SourceGID
}

// stale reports whether the target changed in the mirror since the delta was
// planned: the planner will plan again from what the mirror holds now.
func (d *Delta) stale() (bool, string) {
	if d.Operation == "create" || d.PlannedVersion == nil {
		return false, ""
	}
	if d.CurrentVersion == nil {
		if d.Resource == "inventory_level" {
			return true, fmt.Sprintf("stale: the destination level was planned at version %d and is gone from the mirror", *d.PlannedVersion)
		}
		return true, fmt.Sprintf("stale: the destination %s %s is gone from the mirror", d.Resource, d.targetGID())
	}
	if *d.CurrentVersion != *d.PlannedVersion {
		return true, fmt.Sprintf("stale: the destination changed since planned (version %d, now %d)", *d.PlannedVersion, *d.CurrentVersion)
	}
	return false, ""
}

// auditOperation maps a plan operation onto the audit's create, update or
// delete.
func (d *Delta) auditOperation() string {
	switch d.Operation {
	case "create", "create_order":
		return "create"
	case "delete":
		return "delete"
	}
	return "update"
}

// loadPending reads up to limit pending deltas of store, oldest first,
// leaving out the ids in skip.
func loadPending(ctx context.Context, db *pgxpool.Pool, store string, skip []int64, limit int) ([]*Delta, error) {
	if skip == nil {
		skip = []int64{}
	}
	rows, err := db.Query(ctx, sqlText("pending.sql"), store, skip, limit)
	if err != nil {
		return nil, fmt.Errorf("applier: read pending deltas of %s: %w", store, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Delta, error) {
		d := &Delta{Store: store}
		var before, opts []byte
		err := r.Scan(&d.ID, &d.RunID, &d.LinkID, &d.Source, &d.Resource, &d.Operation, &d.Key,
			&d.SourceGID, &d.TargetGID, &d.Desired, &d.PlannedVersion, &d.Attempts,
			&d.CurrentVersion, &before, &opts, &d.TargetStatus, &d.HandleTaken)
		d.Before, d.TargetOptions = before, opts
		if len(d.Before) == 0 {
			d.Before = json.RawMessage("{}")
		}
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("applier: read pending deltas of %s: %w", store, err)
	}
	return out, nil
}

// The desired shapes, as the planner writes them (planner/sql/products.sql).
// A field missing from desired is left out of the write (a field policy);
// pointers and raw values tell missing from null.

type productDesired struct {
	Handle          *string          `json:"handle"`
	Title           *string          `json:"title"`
	DescriptionHTML *string          `json:"description_html"`
	Vendor          *string          `json:"vendor"`
	ProductType     *string          `json:"product_type"`
	Status          *string          `json:"status"`
	Tags            *[]string        `json:"tags"`
	Options         *[]optionDesired `json:"options"`
	SEO             json.RawMessage  `json:"seo"`
	Variants        []variantDesired `json:"variants"`
}

type optionDesired struct {
	Name     string   `json:"name"`
	Position int      `json:"position"`
	Values   []string `json:"values"`
}

type selectedOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type variantDesired struct {
	GID             *string          `json:"gid"`
	SourceGID       string           `json:"source_gid"`
	SKU             json.RawMessage  `json:"sku"`
	Barcode         json.RawMessage  `json:"barcode"`
	Price           *string          `json:"price"`
	CompareAtPrice  json.RawMessage  `json:"compare_at_price"`
	Position        *int             `json:"position"`
	Options         []selectedOption `json:"options"`
	InventoryPolicy *string          `json:"inventory_policy"`
	Taxable         *bool            `json:"taxable"`
}

type priceDesired struct {
	Variants []struct {
		GID            string          `json:"gid"`
		SourceGID      string          `json:"source_gid"`
		Price          *string         `json:"price"`
		CompareAtPrice json.RawMessage `json:"compare_at_price"`
	} `json:"variants"`
}

type inventoryDesired struct {
	InventoryItemGID string `json:"inventory_item_gid"`
	LocationGID      string `json:"location_gid"`
	Available        int    `json:"available"`
	ChangeFrom       *int   `json:"change_from"`
}

// present reports whether a raw JSON field was in the object (null counts).
func present(raw json.RawMessage) bool { return len(raw) > 0 }

// isNull reports whether a present raw JSON field is null.
func isNull(raw json.RawMessage) bool { return string(raw) == "null" }
