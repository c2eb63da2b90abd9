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

// A batch of deliveries, out of order, with a repeat, an unusable payload
// and a non-mirror topic, gets the outcome each would get alone in Shopify's
// order, and leaves the level as the newest delivery says.
func TestApplyBatchGivesEachDeliveryItsOutcome(t *testing.T) {
	f := newFixture(t)
	f.seedLevel(t)
	var uninstalled []string
	f.applier.OnUninstalled = func(s string) { uninstalled = append(uninstalled, s) }
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	d := func(id, topic, payload string) webhooks.Delivery {
		return webhooks.Delivery{WebhookID: id, Store: store, Topic: topic, TriggeredAt: at, Payload: []byte(payload)}
	}
	ds := []webhooks.Delivery{
		d("newest", "inventory_levels/update", fmt.Sprintf(levelUpdate, 7, "2026-01-01T12:00:00Z")),
		d("stale", "inventory_levels/update", fmt.Sprintf(levelUpdate, 2, "2026-01-01T09:00:00Z")),
		d("newer", "inventory_levels/update", fmt.Sprintf(levelUpdate, 6, "2026-01-01T11:00:00Z")),
		d("repeat", "inventory_levels/update", fmt.Sprintf(levelUpdate, 7, "2026-01-01T12:00:00Z")),
		d("unusable", "inventory_levels/update", `{"available":3}`),
		d("uninstalled", "app/uninstalled", `{"id":1,"myshopify_domain":"`+store+`"}`),
		d("finish", "bulk_operations/finish", `{"admin_graphql_api_id":"gid://shopify/BulkOperation/1"}`),
	}
	var outcomes []webhooks.Outcome
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		var err error
		outcomes, err = f.applier.ApplyBatch(ctx, tx, ds)
		return err
	}))
	require.Equal(t, []webhooks.Outcome{
		webhooks.Processed, // newest: applied
		webhooks.Ignored,   // older than the mirror's row
		webhooks.Processed, // superseded by newest within the batch; shares its result
		webhooks.Processed, // the same row as newest
		webhooks.Ignored,   // no ids
		webhooks.Processed,
		webhooks.Ignored,
	}, outcomes)
	require.Equal(t, []string{store}, uninstalled)
	available, onHand, deleted := f.level(t)
	require.Equal(t, 7, *available)
	require.Equal(t, 9, *onHand)
	require.False(t, deleted)
	var changes int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM change_outbox WHERE source = 'webhook'`).Scan(&changes))
	require.Equal(t, 1, changes, "one change: the newest content")
}
