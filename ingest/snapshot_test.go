package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// A snapshot mirrors every family of a generated store field by field.
func TestSnapshotMirrorsTheStore(t *testing.T) {
	f := newFixture(t, fakeshop.Options{BulkShuffleWindow: 32}, fakeshop.SeedConfig{Seed: 11, Products: 60})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := f.runner(snapshot.Config{}).Snapshot(ctx, f.client)
	require.NoError(t, err)
	require.Len(t, res, 5)
	f.requireMirrored(ctx)
}

// The comparison itself: every table has rows on both sides, and a single
// column changed in the mirror is found.
func TestComparisonSeesEveryTableAndOneChangedField(t *testing.T) {
	f := newFixture(t, fakeshop.Options{}, fakeshop.SeedConfig{Seed: 12, Products: 30})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := f.runner(snapshot.Config{}).Snapshot(ctx, f.client)
	require.NoError(t, err)
	want, err := shopState(ctx, f.shop, f.tracker, f.client)
	require.NoError(t, err)
	for _, tbl := range mirrorTables {
		require.NotEmpty(t, want[tbl.table], tbl.table)
	}
	f.requireMirrored(ctx)

	_, err = f.pool.Exec(ctx, `UPDATE variants SET price = price + 1 WHERE gid = (SELECT min(gid) FROM variants)`)
	require.NoError(t, err)
	_, err = f.pool.Exec(ctx, `UPDATE inventory_levels SET deleted_at = now() WHERE gid = (SELECT min(gid) FROM inventory_levels)`)
	require.NoError(t, err)
	lines, total, _ := f.mirrorDiff(ctx, false)
	require.Equal(t, 2, total, "%v", lines)
	require.Contains(t, lines[0], "missing from the mirror")
	require.Contains(t, lines[1], ".price: shop")
}
