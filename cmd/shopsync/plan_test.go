package main

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// planDB is a database with a source, two destinations and products to plan:
// one missing in d1, one with another title in d2.
func planDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := testdb.PostgresURL(t)
	t.Setenv("DATABASE_URL", url)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	for _, sql := range []string{
		`INSERT INTO stores (domain, role) VALUES ('src.myshopify.com', 'source'),
			('d1.myshopify.com', 'destination'), ('d2.myshopify.com', 'destination')`,
		`INSERT INTO links (source_store, destination_store, match_key) VALUES
			('src.myshopify.com', 'd1.myshopify.com', 'handle'), ('src.myshopify.com', 'd2.myshopify.com', 'handle')`,
		`INSERT INTO products (store, gid, handle, title, status, content_hash) VALUES
			('src.myshopify.com', 'gid://shopify/Product/1', 'shirt', 'Shirt', 'ACTIVE', '\x00'),
			('d2.myshopify.com', 'gid://shopify/Product/2', 'shirt', 'Old shirt', 'ACTIVE', '\x00')`,
		`INSERT INTO variants (store, gid, product_gid, sku, price, content_hash) VALUES
			('src.myshopify.com', 'gid://shopify/ProductVariant/1', 'gid://shopify/Product/1', 'S', 10, '\x00'),
			('d2.myshopify.com', 'gid://shopify/ProductVariant/2', 'gid://shopify/Product/2', 'S', 10, '\x00')`,
	} {
		_, err := pool.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	return pool
}

func countDeltas(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM plan_deltas`).Scan(&n))
	return n
}

func TestPlanDryRunText(t *testing.T) {
	pool := planDB(t)
	out, err := runShopsync(t, "plan", "--dry-run")
	require.NoError(t, err, out)
	require.Contains(t, out, "d1.myshopify.com (link 1, match by handle): 1 would change (dry run, nothing written), 0 conflict(s)")
	require.Contains(t, out, "d2.myshopify.com (link 2, match by handle): 1 would change")
	require.Regexp(t, `(?m)^  create\s+1$`, out)
	require.Regexp(t, `(?m)^  create\s+product\s+shirt\s+missing in destination$`, out)
	require.Regexp(t, `(?m)^  update\s+product\s+shirt\s+differs: title$`, out)
	require.Zero(t, countDeltas(t, pool))
}

func TestPlanDryRunJSONOneDestination(t *testing.T) {
	pool := planDB(t)
	out, err := runShopsync(t, "plan", "--dry-run", "--json", "--dest", "D2.myshopify.com")
	require.NoError(t, err, out)
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		lines = append(lines, m)
	}
	require.Len(t, lines, 2)
	require.Equal(t, "summary", lines[0]["kind"])
	require.Equal(t, "d2.myshopify.com", lines[0]["destination"])
	require.Equal(t, map[string]any{"update": float64(1)}, lines[0]["planned"])
	require.Equal(t, "delta", lines[1]["kind"])
	require.Equal(t, "update", lines[1]["operation"])
	require.Equal(t, "shirt", lines[1]["key"])
	require.Equal(t, "Shirt", lines[1]["desired"].(map[string]any)["title"])
	require.Equal(t, true, lines[1]["dry_run"])
	require.Zero(t, countDeltas(t, pool))
}

func TestPlanWritesDeltas(t *testing.T) {
	pool := planDB(t)
	out, err := runShopsync(t, "plan")
	require.NoError(t, err, out)
	require.Regexp(t, `(?m)^  new pending\s+1$`, out)
	require.Equal(t, 2, countDeltas(t, pool))
	out, err = runShopsync(t, "plan")
	require.NoError(t, err, out)
	require.Regexp(t, `(?m)^  new pending\s+0$`, out)
	require.Equal(t, 2, countDeltas(t, pool), "planning again changes nothing")

	_, err = runShopsync(t, "plan", "--dest", "nowhere.myshopify.com")
	require.ErrorContains(t, err, `no enabled link to destination "nowhere.myshopify.com"`)
	_, err = runShopsync(t, "plan", "--watch", "--dry-run")
	require.ErrorContains(t, err, "exclude each other")
}
