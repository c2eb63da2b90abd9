package config

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for goose
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/testdb"
)

// Migration 00008 renames values and widens CHECKs; its Down maps the new
// values to their nearest old ones, so that going back works with data in the
// tables, and going up again gives a working schema.
func TestLinkRulesMigrationDownAndUp(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("pgx", testdb.PostgresURL(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, db, schema.Migrations(schema.Postgres))
	require.NoError(t, err)

	exec := func(q string, args ...any) {
		t.Helper()
		_, err := db.ExecContext(ctx, q, args...)
		require.NoError(t, err, q)
	}
	exec(`INSERT INTO stores (domain, role) VALUES ('src.myshopify.com', 'source'), ('dst.myshopify.com', 'destination')`)
	exec(`INSERT INTO links (source_store, destination_store, delete_policy, inventory_mode, round_to, field_policies)
		VALUES ('src.myshopify.com', 'dst.myshopify.com', 'unpublish', 'none', 0.99, '{"description": "ignore", "title": "sync"}')`)
	exec(`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, reason)
		SELECT id, 'src.myshopify.com', 'order', 'create_order', 'o1', 'placed in the destination' FROM links`)
	exec(`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, target_gid, reason)
		SELECT id, 'dst.myshopify.com', 'inventory_level', 'set_inventory', 'i1', 'gid://shopify/InventoryLevel/1', 'stock differs' FROM links`)

	_, err = p.DownTo(ctx, 7)
	require.NoError(t, err)
	var deletePolicy, inventoryMode, fields string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT delete_policy, inventory_mode, field_policies::text FROM links`).Scan(&deletePolicy, &inventoryMode, &fields))
	require.Equal(t, "archive", deletePolicy, "unpublish has no old equivalent: archive hides the product too")
	require.Equal(t, "off", inventoryMode)
	require.JSONEq(t, `{"description_html": "ignore", "title": "sync"}`, fields)
	require.Equal(t, []string{"create", "update"}, operations(t, db))
	var hasRoundTo bool
	require.NoError(t, db.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'links' AND column_name = 'round_to')`).Scan(&hasRoundTo))
	require.False(t, hasRoundTo)

	_, err = p.Up(ctx)
	require.NoError(t, err)
	require.NoError(t, db.QueryRowContext(ctx, `SELECT delete_policy, inventory_mode, field_policies::text FROM links`).Scan(&deletePolicy, &inventoryMode, &fields))
	require.Equal(t, "archive", deletePolicy)
	require.Equal(t, "none", inventoryMode)
	require.JSONEq(t, `{"description": "ignore", "title": "sync"}`, fields)
	var price string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT shopsync_price(10, l)::text FROM links l`).Scan(&price))
	require.Equal(t, "10.00", price, "round_to is gone after the way back: NULL, to the cent")
}

func operations(t *testing.T, db *sql.DB) []string {
	rows, err := db.QueryContext(context.Background(), `SELECT operation FROM plan_deltas ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var op string
		require.NoError(t, rows.Scan(&op))
		out = append(out, op)
	}
	require.NoError(t, rows.Err())
	return out
}
