package webhooks

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Outcome is what applying a delivery came to.
type Outcome int

const (
	// Processed: the delivery changed the mirror, or would have had the
	// mirror not already held exactly that. Its status becomes processed.
	Processed Outcome = iota + 1
	// Ignored: the delivery had nothing to give, typically a payload older
	// than the mirror's row (updated_at) or a topic the mirror does not
	// keep. Its status becomes ignored.
	Ignored
)

func (o Outcome) String() string {
	switch o {
	case Processed:
		return StatusProcessed
	case Ignored:
		return StatusIgnored
	}
	return "invalid"
}

// Applier applies stored deliveries to the mirror. The mirror module
// provides the real one; the Processor is its only caller.
type Applier interface {
	// Apply is called once per claimed delivery, with tx the transaction
	// that claimed it (a savepoint of it). Everything Apply writes through
	// tx commits together with the delivery's new status, or not at all, so
	// a delivery is applied exactly once however processes crash. Apply must
	// not commit or roll back tx, and must use no other connection for the
	// mirror's writes.
	//
	// It returns Processed or Ignored; a delete topic (Delivery.Tombstone)
	// is expected to tombstone the row. An error rolls the savepoint back
	// and marks the delivery failed with the error's text, to be retried
	// with backoff: return one for what may pass later (a lock timeout, a
	// row the payload depends on that is not there yet). A payload that can
	// never apply should be Ignored, after logging why. The error text is
	// stored and logged, so it must not hold secrets.
	Apply(ctx context.Context, tx pgx.Tx, d Delivery) (Outcome, error)
}

// ApplierFunc adapts a function to Applier.
type ApplierFunc func(ctx context.Context, tx pgx.Tx, d Delivery) (Outcome, error)

// Apply calls f.
func (f ApplierFunc) Apply(ctx context.Context, tx pgx.Tx, d Delivery) (Outcome, error) {
	return f(ctx, tx, d)
}
