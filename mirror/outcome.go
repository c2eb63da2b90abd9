package mirror

import "github.com/shopsync/shopsync/schema/events"

// Outcome is what a write did with one object.
type Outcome string

// The outcomes.
const (
	// Applied: the mirror changed and one change row was written.
	Applied Outcome = "applied"
	// Unchanged: the mirror already held this content (a repeated delivery, or
	// a tombstone for an object already deleted or never mirrored).
	Unchanged Outcome = "unchanged"
	// Stale: the mirror holds a newer version (by Shopify's updated_at) than
	// the delivery; it was ignored.
	Stale Outcome = "stale"
)

// Result is the outcome of writing one object.
type Result struct {
	Resource events.Resource
	// GID identifies the object (for a collection_product, the collection GID
	// and the product GID separated by a space, as in change_outbox).
	GID     string
	Outcome Outcome
	// Operation is set when Outcome is Applied: create, update or delete.
	Operation events.Operation
}

// Counts sums the outcomes of one table's rows in a snapshot commit.
type Counts struct {
	Staged    int64 // rows the snapshot held
	Created   int64
	Updated   int64
	Deleted   int64 // tombstoned because a complete snapshot lacked them
	Unchanged int64
	Stale     int64 // the mirror had a newer version
}

// Changes is how many change rows the table's merge wrote.
func (c Counts) Changes() int64 { return c.Created + c.Updated + c.Deleted }
