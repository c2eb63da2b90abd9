package apply_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/apply"
	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
)

const (
	store    = "apply.myshopify.com"
	levelGID = "gid://shopify/InventoryLevel/900?inventory_item_id=800"
)

type fixture struct {
	pool    *pgxpool.Pool
	mirror  *mirror.Mirror
	applier *apply.Applier
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{pool: testdb.Postgres(t)}
	_, err := f.pool.Exec(context.Background(), `INSERT INTO stores (domain, role) VALUES ($1, 'source')`, store)
	require.NoError(t, err)
	cfg := mirror.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	f.mirror, err = mirror.New(f.pool, cfg)
	require.NoError(t, err)
	f.applier = apply.New(f.mirror, nil)
	return f
}

// deliver applies one delivery in a transaction, as the processor does.
func (f *fixture) deliver(t *testing.T, topic, payload string) webhooks.Outcome {
	t.Helper()
	ctx := context.Background()
	var out webhooks.Outcome
	require.NoError(t, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		var err error
		out, err = f.applier.Apply(ctx, tx, webhooks.Delivery{WebhookID: "w", Store: store, Topic: topic,
			TriggeredAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Payload: []byte(payload)})
		return err
	}))
	return out
}

// seedLevel mirrors a level read over GraphQL: available 5, on_hand 9.
func (f *fixture) seedLevel(t *testing.T) {
	t.Helper()
	b, err := mirror.FromGraphQL(store, []byte(`{"id":"`+levelGID+`","location":{"id":"gid://shopify/Location/1"},
		"quantities":[{"name":"available","quantity":5},{"name":"on_hand","quantity":9}],"updatedAt":"2026-01-01T10:00:00Z",
		"__parentId":"gid://shopify/InventoryItem/800"}`))
	require.NoError(t, err)
	_, err = f.mirror.Apply(context.Background(), f.pool, events.Bulk, b)
	require.NoError(t, err)
}

func (f *fixture) level(t *testing.T) (available, onHand *int, deleted bool) {
	t.Helper()
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT available, on_hand, deleted_at IS NOT NULL FROM inventory_levels
		WHERE store = $1 AND gid = $2`, store, levelGID).Scan(&available, &onHand, &deleted))
	return available, onHand, deleted
}

const levelUpdate = `{"inventory_item_id":800,"location_id":1,"available":%d,"updated_at":"%s","admin_graphql_api_id":"` + levelGID + `"}`

func TestInventoryLevelWebhookSetsAvailableAndKeepsOnHand(t *testing.T) {
	f := newFixture(t)
	f.seedLevel(t)
	require.Equal(t, webhooks.Processed, f.deliver(t, "inventory_levels/update", fmt.Sprintf(levelUpdate, 7, "2026-01-01T11:00:00Z")))
	available, onHand, _ := f.level(t)
	require.Equal(t, 7, *available)
	require.Equal(t, 9, *onHand, "the payload has no on_hand; the mirror's stays")

	// An older payload (a late retry, a reordered delivery) changes nothing.
	require.Equal(t, webhooks.Ignored, f.deliver(t, "inventory_levels/update", fmt.Sprintf(levelUpdate, 2, "2026-01-01T10:30:00Z")))
	available, _, _ = f.level(t)
	require.Equal(t, 7, *available)

	// Disconnect tombstones it.
	require.Equal(t, webhooks.Processed, f.deliver(t, "inventory_levels/disconnect", `{"inventory_item_id":800,"location_id":1}`))
	_, _, deleted := f.level(t)
	require.True(t, deleted)
}

func TestProductDeleteTombstones(t *testing.T) {
	f := newFixture(t)
	product := `{"id":42,"admin_graphql_api_id":"gid://shopify/Product/42","title":"Tee","handle":"tee","status":"active","tags":"a, b",
		"body_html":"","vendor":"V","product_type":"","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","options":[],
		"variants":[{"id":43,"admin_graphql_api_id":"gid://shopify/ProductVariant/43","product_id":42,"title":"Default Title","price":"5.00",
		"position":1,"sku":"TEE","inventory_policy":"deny","taxable":true,"inventory_item_id":44,"updated_at":"2026-01-01T00:00:00Z"}],
		"variant_gids":[{"admin_graphql_api_id":"gid://shopify/ProductVariant/43","updated_at":"2026-01-01T00:00:00Z"}]}`
	require.Equal(t, webhooks.Processed, f.deliver(t, "products/create", product))
	require.Equal(t, webhooks.Processed, f.deliver(t, "products/delete", `{"id":42}`))
	var live int
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM products WHERE deleted_at IS NULL)
		+ (SELECT count(*) FROM variants WHERE deleted_at IS NULL)`).Scan(&live))
	require.Zero(t, live, "the product and its variant are tombstoned")
}

func TestUnusablePayloadsAreIgnored(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, webhooks.Ignored, f.deliver(t, "inventory_levels/update", `{"available":3}`), "no ids")
	require.Equal(t, webhooks.Ignored, f.deliver(t, "bulk_operations/finish", `{"admin_graphql_api_id":"gid://shopify/BulkOperation/1"}`))
}

func TestAppUninstalledStopsTheStore(t *testing.T) {
	f := newFixture(t)
	var got []string
	f.applier.OnUninstalled = func(s string) { got = append(got, s) }
	require.Equal(t, webhooks.Processed, f.deliver(t, "app/uninstalled", `{"id":1,"myshopify_domain":"`+store+`"}`))
	require.Equal(t, []string{store}, got)
}
