package planner_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// The views for data teams agree with what the planner does.
func TestViews(t *testing.T) {
	f := newFixture(t, "sku", map[string]any{"price_multiplier": "2", "field_policies": `{"vendor": "ignore"}`})
	s := shirt("10", "blue")
	f.put(src, s)
	d := twin(s, "90")
	d.Title, d.Vendor = "Edited", "Theirs" // title drifts; vendor is ignored
	d.Variants[0].Price = "20.00"          // 10.00 doubled: in sync
	d.Variants[1].Price = "12.50"          // should be 25.00
	f.put(dst, d)
	f.put(src, shirt("11", "red"))             // missing in the destination
	f.put(dst, twin(shirt("12", "own"), "92")) // the destination's own
	dup := shirt("13", "dup")
	dup.Variants[0].SKU = str("SKU-11-S") // a source duplicate: a conflict
	f.put(src, dup)
	f.plan()

	var pending, conflicts int
	f.scan([]any{&pending, &conflicts}, `SELECT pending, conflicts FROM sync_status WHERE link_id = $1`, f.link)
	require.Equal(t, 1, pending, describe(f.pending())) // blue's update; red and dup are held back
	require.Equal(t, 1, conflicts)

	rows, err := f.pool.Query(f.ctx, `SELECT side || ' ' || handle FROM unmatched_products WHERE link_id = $1 ORDER BY 1`, f.link)
	require.NoError(t, err)
	unmatched, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"destination own", "source dup", "source red"}, unmatched)

	rows, err = f.pool.Query(f.ctx, `SELECT resource || ' ' || field || ' ' || desired || ' ' || actual FROM drift
		WHERE link_id = $1 ORDER BY 1`, f.link)
	require.NoError(t, err)
	drift, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"product title Shirt blue Edited", "variant price 25.00 12.50"}, drift)
}
