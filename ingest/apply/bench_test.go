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
