package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// sqlFence is a ```sql block of a Markdown file.
var sqlFence = regexp.MustCompile("(?ms)^```sql\n(.*?)^```")

// Every ```sql block of the README (the mirror tour for data teams) runs
// against a freshly migrated database: the tables, columns, views and
// functions it names exist and every statement is valid.
func TestReadmeSQLRuns(t *testing.T) {
	body, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	blocks := sqlFence.FindAllStringSubmatch(string(body), -1)
	require.GreaterOrEqual(t, len(blocks), 8, "the README's mirror tour has its example SQL")

	pool := testdb.Postgres(t)
	conn, err := pool.Acquire(t.Context())
	require.NoError(t, err)
	defer conn.Release()
	seedTour(t, conn.Exec)
	ran, answered := 0, 0
	for _, b := range blocks {
		sql := b[1]
		require.Truef(t, strings.HasSuffix(strings.TrimSpace(sql), ";"), "a block ends its statements with ';':\n%s", sql)
		// The examples hold no ';' but between statements.
		for _, stmt := range strings.Split(sql, ";") {
			if strings.TrimSpace(stripComments(stmt)) == "" {
				continue
			}
			rows, err := conn.Query(t.Context(), stmt)
			require.NoErrorf(t, err, "README SQL fails:\n%s", stmt)
			require.NotEmptyf(t, rows.FieldDescriptions(), "each statement is a query answering columns:\n%s", stmt)
			n := 0
			for rows.Next() {
				n++
			}
			if n > 0 {
				answered++
			}
			require.NoErrorf(t, rows.Err(), "README SQL fails:\n%s", stmt)
			ran++
		}
	}
	require.GreaterOrEqual(t, ran, 10)
	// Over the seeded stores, the examples show something, not only parse.
	require.GreaterOrEqual(t, answered, 9, "statements answering rows over the seeded stores")
}

// seedTour writes two small stores, a link between them and a little of
// everything the tour's queries read.
func seedTour(t *testing.T, exec func(context.Context, string, ...any) (pgconn.CommandTag, error)) {
	t.Helper()
	for _, sql := range []string{
		`INSERT INTO stores (domain, role) VALUES ('src.myshopify.com', 'source'), ('eu.myshopify.com', 'destination')`,
		`INSERT INTO links (id, source_store, destination_store, match_key, price_multiplier) OVERRIDING SYSTEM VALUE VALUES
			(1, 'src.myshopify.com', 'eu.myshopify.com', 'handle', 1.10)`,
		`INSERT INTO products (store, gid, handle, title, status, content_hash) VALUES
			('src.myshopify.com', 'gid://shopify/Product/1', 'shirt', 'Shirt', 'ACTIVE', '\x00'),
			('src.myshopify.com', 'gid://shopify/Product/2', 'hat', 'Hat', 'ACTIVE', '\x00'),
			('eu.myshopify.com', 'gid://shopify/Product/11', 'shirt', 'Shirt', 'ACTIVE', '\x00')`,
		`INSERT INTO variants (store, gid, product_gid, sku, price, content_hash) VALUES
			('src.myshopify.com', 'gid://shopify/ProductVariant/1', 'gid://shopify/Product/1', 'SHIRT-S', 10, '\x00'),
			('src.myshopify.com', 'gid://shopify/ProductVariant/2', 'gid://shopify/Product/2', 'DUP', 5, '\x00'),
			('src.myshopify.com', 'gid://shopify/ProductVariant/3', 'gid://shopify/Product/2', 'DUP', 5, '\x00'),
			('eu.myshopify.com', 'gid://shopify/ProductVariant/11', 'gid://shopify/Product/11', 'SHIRT-S', 10, '\x00')`,
		`INSERT INTO id_map (link_id, resource, source_gid, destination_gid) VALUES
			(1, 'product', 'gid://shopify/Product/1', 'gid://shopify/Product/11'),
			(1, 'variant', 'gid://shopify/ProductVariant/1', 'gid://shopify/ProductVariant/11')`,
		`INSERT INTO locations (store, gid, name, is_active, fulfills_online_orders, content_hash) VALUES
			('src.myshopify.com', 'gid://shopify/Location/1', 'Main Warehouse', true, true, '\x00')`,
		`INSERT INTO inventory_levels (store, gid, inventory_item_gid, location_gid, available, content_hash) VALUES
			('src.myshopify.com', 'gid://shopify/InventoryLevel/1?inventory_item_id=1', 'gid://shopify/InventoryItem/1',
			 'gid://shopify/Location/1', 7, '\x00')`,
		`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, target_gid, desired, reason, status, attempts, error) VALUES
			(1, 'eu.myshopify.com', 'product', 'update', 'shirt', 'gid://shopify/Product/11', '{}', 'price differs', 'failed', 1,
			 'Price must be greater than or equal to 0')`,
		`INSERT INTO change_outbox (store, resource, gid, operation, after, version, source) VALUES
			('src.myshopify.com', 'product', 'gid://shopify/Product/2', 'create', '{}', 1, 'webhook')`,
		`INSERT INTO orders (store, gid, name, currency, total_price, test, processed_at, content_hash) VALUES
			('eu.myshopify.com', 'gid://shopify/Order/1', '#1001', 'EUR', 11, false, now() - interval '1 day', '\x00')`,
		`INSERT INTO order_line_items (store, gid, order_gid, sku, title, quantity, unit_price, content_hash) VALUES
			('eu.myshopify.com', 'gid://shopify/LineItem/1', 'gid://shopify/Order/1', 'SHIRT-S', 'Shirt', 2, 11, '\x00')`,
	} {
		_, err := exec(t.Context(), sql)
		require.NoError(t, err, sql)
	}
}

// stripComments drops -- comments, so that a comment alone is no statement.
func stripComments(sql string) string {
	var b strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
