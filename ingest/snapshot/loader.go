package snapshot

import (
	"context"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/bulk"
)

// Batch describes the snapshot a Loader loads.
type Batch struct {
	Store  string
	Family events.Family
	RunID  int64
	// StartedAt is when the run started (ingest_runs.started_at): a mirror
	// row written after it (by a webhook, with a newer updated_at) is neither
	// overwritten nor tombstoned by this older read.
	StartedAt time.Time
	// Complete says the records are the whole family as Shopify holds it:
	// rows of the family the snapshot lacks may be tombstoned.
	Complete bool
	// OnCommit, when the Loader can, runs inside the transaction that
	// merges the snapshot into the mirror, so that the run is recorded
	// completed exactly when its rows are. A Loader that cannot reports it
	// with LoadStats.OnCommitRan false, and the runner records the
	// completion after the load instead (a crash in between reloads the
	// snapshot, which changes nothing the second time).
	OnCommit func(ctx context.Context, tx pgx.Tx) error
}

// LoadStats is what a load did.
type LoadStats struct {
	// Records is how many records the loader consumed.
	Records int64
	// Changed is how many mirror rows changed (created, updated or
	// tombstoned), one change row each.
	Changed int64
	// OnCommitRan reports that Batch.OnCommit ran in the load's transaction.
	OnCommitRan bool
}

// Loader loads one family's bulk records into the mirror. The mirror module
// provides it (a COPY into staging, then set-based upserts with the
// content-hash and updated_at guards, change rows, and tombstones when the
// batch is complete). It applies nothing unless it returns nil.
//
// records yields every record of the bulk result joined to its ancestors,
// in any order, and ends with an error if the file is malformed, truncated
// or holds fewer or more records than the bulk operation counted: a Loader
// must stop and return that error, so that nothing is applied. A Record's
// Raw is only valid until the next iteration.
type Loader interface {
	LoadSnapshot(ctx context.Context, b Batch, records iter.Seq2[bulk.Record, error]) (LoadStats, error)
}

// LoaderFunc adapts a function to Loader.
type LoaderFunc func(ctx context.Context, b Batch, records iter.Seq2[bulk.Record, error]) (LoadStats, error)

// LoadSnapshot calls f.
func (f LoaderFunc) LoadSnapshot(ctx context.Context, b Batch, records iter.Seq2[bulk.Record, error]) (LoadStats, error) {
	return f(ctx, b, records)
}
