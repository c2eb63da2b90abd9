package webhooks

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BatchApplier is an Applier that can also apply many deliveries at once,
// with a few set-based statements instead of a few per delivery: how the
// Processor keeps up with Shopify's bursts. The Processor calls ApplyBatch
// with every delivery it claimed, in the order it claimed them (oldest
// trigger first), inside a savepoint of the claiming transaction.
//
// ApplyBatch returns one Outcome per delivery, in the same order. Any
// error rolls the savepoint back, and the Processor then applies the
// deliveries one by one through Apply, so that one bad delivery fails alone
// (and is retried alone) instead of holding back the others.
type BatchApplier interface {
	Applier
	ApplyBatch(ctx context.Context, tx pgx.Tx, ds []Delivery) ([]Outcome, error)
}
