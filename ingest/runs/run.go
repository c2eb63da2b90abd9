package runs

import (
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Kind is what a run reads.
type Kind string

const (
	// Snapshot is a full read through a bulk operation.
	Snapshot Kind = "snapshot"
	// Reconcile is a catch-up read of what changed since a cursor.
	Reconcile Kind = "reconcile"
)

// Status is where a run stands (ingest_runs.status).
type Status string

const (
	Pending   Status = "pending"   // created, nothing asked of Shopify yet
	Running   Status = "running"   // the bulk operation runs (or the reconcile pass pages)
	Loading   Status = "loading"   // the bulk result is being loaded into the mirror
	Completed Status = "completed" // done; for a snapshot, the mirror holds it
	Failed    Status = "failed"    // gave up; Error says why
	Canceled  Status = "canceled"  // abandoned (e.g. a stale run closed to make room)
)

// Active reports whether a run with this status is unfinished.
func (s Status) Active() bool { return s == Pending || s == Running || s == Loading }

// Run is one row of ingest_runs.
type Run struct {
	ID     int64
	Store  string
	Family events.Family
	Kind   Kind
	// BulkOperationID is the Shopify BulkOperation GID once the operation
	// was created; empty before.
	BulkOperationID string
	Status          Status
	// Cursor is where a reconcile pass stands (an RFC 3339 updated_at
	// watermark); empty when none.
	Cursor      string
	ObjectCount int64
	Error       string
	// StartedAt is our clock when the run was created: a snapshot never
	// overwrites or tombstones a mirror row written after it.
	StartedAt  time.Time
	FinishedAt time.Time
	UpdatedAt  time.Time
}
