package mirror_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/testdb"
)

const store = "src.myshopify.com"

// t0 is when the fixtures' objects were last updated in "Shopify".
var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// newMirror returns a mirror on a fresh migrated database holding store.
func newMirror(t testing.TB) (*mirror.Mirror, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.Postgres(t)
	_, err := pool.Exec(t.Context(), `INSERT INTO stores (domain, role, currency) VALUES ($1, 'source', 'EUR')`, store)
	require.NoError(t, err)
	cfg := mirror.DefaultConfig()
	cfg.BatchRows = 1000
	m, err := mirror.New(pool, cfg)
	require.NoError(t, err)
	return m, pool
}

func ptr[T any](v T) *T { return &v }

func productGID(i int) string { return fmt.Sprintf("gid://shopify/Product/%d", i) }
func variantGID(i, j int) string {
	return fmt.Sprintf("gid://shopify/ProductVariant/%d", i*100+j)
}

// product and variant build the rows of product i and its variant j as a
// snapshot would read them at time at.
func product(i int, at time.Time) *mirror.Product {
	return &mirror.Product{
		Store: store, GID: productGID(i), Handle: fmt.Sprintf("product-%d", i), Title: fmt.Sprintf("Product %d", i),
		DescriptionHTML: "<p>Nice</p>", Vendor: "Acme", ProductType: "Shirt", Status: "ACTIVE",
		Tags: []string{"b", "a"}, Options: []mirror.ProductOption{{Name: "Size", Position: 1, Values: []string{"S", "M"}}},
		CreatedAt: ptr(t0.Add(-time.Hour)), UpdatedAt: ptr(at),
		Raw: json.RawMessage(fmt.Sprintf(`{"id":%q,"title":"Product %d"}`, productGID(i), i)),
	}
}

func variant(i, j int, at time.Time) *mirror.Variant {
	return &mirror.Variant{
		Store: store, GID: variantGID(i, j), ProductGID: productGID(i), Title: fmt.Sprintf("V%d", j),
		SKU: ptr(fmt.Sprintf("SKU-%d-%d", i, j)), Price: "10.00", Position: j,
		Options:          []mirror.SelectedOption{{Name: "Size", Value: "S"}},
		InventoryItemGID: ptr(fmt.Sprintf("gid://shopify/InventoryItem/%d", i*100+j)), InventoryPolicy: ptr("DENY"),
		Taxable: true, UpdatedAt: ptr(at), Raw: json.RawMessage(`{}`),
	}
}

// catalogue returns n products with two variants each.
func catalogue(n int, at time.Time) []mirror.Row {
	var rows []mirror.Row
	for i := 1; i <= n; i++ {
		rows = append(rows, product(i, at), variant(i, 1, at), variant(i, 2, at))
	}
	return rows
}

// snapshot loads rows as one products snapshot and commits it.
func snapshot(t testing.TB, m *mirror.Mirror, complete bool, rows ...mirror.Row) mirror.SnapshotResult {
	t.Helper()
	ctx := t.Context()
	s, err := m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: "products"})
	require.NoError(t, err)
	require.NoError(t, s.Add(ctx, "end", rows...))
	res, err := s.Commit(ctx, mirror.CommitOptions{Complete: complete})
	require.NoError(t, err)
	return res
}

// change is a change_outbox row.
type change struct {
	ID        int64
	Resource  string
	GID       string
	Operation string
	Before    map[string]any
	After     map[string]any
	Version   int64
	Source    string
}

func changes(t testing.TB, pool *pgxpool.Pool) []change {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT id, resource, gid, operation, before, after, version, source
		FROM change_outbox ORDER BY id`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (change, error) {
		var c change
		err := r.Scan(&c.ID, &c.Resource, &c.GID, &c.Operation, &c.Before, &c.After, &c.Version, &c.Source)
		return c, err
	})
	require.NoError(t, err)
	return out
}

func count(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}
