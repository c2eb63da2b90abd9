package apply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
)

// BenchmarkApplyLevelUpdate applies one inventory_levels/update delivery
// per iteration, each to a level of its own, inside a transaction per
// delivery as the processor's savepoint would be.
//
//	BENCH ingest_apply_level_update_us   per delivery
func BenchmarkApplyLevelUpdate(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	i := 0
	start := time.Now()
	for b.Loop() {
		i++
		payload := fmt.Sprintf(`{"inventory_item_id":%d,"location_id":7,"available":%d,"updated_at":"2026-01-01T00:00:00Z","admin_graphql_api_id":"gid://shopify/InventoryLevel/%d?inventory_item_id=%d"}`, i, i%100, i, i)
		require.NoError(b, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
			_, err := f.applier.Apply(ctx, tx, webhooks.Delivery{WebhookID: "w", Store: store, Topic: "inventory_levels/update", Payload: []byte(payload)})
			return err
		}))
	}
	fmt.Printf("BENCH ingest_apply_level_update_us %.0f us\n", float64(time.Since(start).Microseconds())/float64(i))
}

// BenchmarkApplyLevelUpdateBatch applies the same deliveries as
// BenchmarkApplyLevelUpdate, 500 per ApplyBatch (one transaction), as the
// processor does when it claims a full batch; the one-by-one figure above is
// its baseline.
//
//	BENCH ingest_apply_level_update_batched_us   per delivery
func BenchmarkApplyLevelUpdateBatch(b *testing.B) {
	const per = 500
	f := newFixture(b)
	ctx := context.Background()
	i := 0
	start := time.Now()
	for b.Loop() {
		ds := make([]webhooks.Delivery, per)
		for j := range ds {
			i++
			payload := fmt.Sprintf(`{"inventory_item_id":%d,"location_id":7,"available":%d,"updated_at":"2026-01-01T00:00:00Z","admin_graphql_api_id":"gid://shopify/InventoryLevel/%d?inventory_item_id=%d"}`, i, i%100, i, i)
			ds[j] = webhooks.Delivery{WebhookID: fmt.Sprint("w", i), Store: store, Topic: "inventory_levels/update", Payload: []byte(payload)}
		}
		require.NoError(b, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
			outcomes, err := f.applier.ApplyBatch(ctx, tx, ds)
			if err == nil && len(outcomes) != per {
				return fmt.Errorf("%d outcomes", len(outcomes))
			}
			return err
		}))
	}
	fmt.Printf("BENCH ingest_apply_level_update_batched_us %.0f us\n", float64(time.Since(start).Microseconds())/float64(i))
}
