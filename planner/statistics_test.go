package planner_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The planner analyzes the tables it plans over once they changed enough,
// and only those: a scoped plan cached while the mirror was empty is then
// re-planned with the new statistics.
func TestRefreshStatisticsAnalyzesChangedTables(t *testing.T) {
	f := newFixture(t, "handle", nil)
	analyzeCount := func(table string) int {
		return f.count(`SELECT analyze_count + autoanalyze_count FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = $1`, table)
	}
	// A first pass settles whatever the migrations and the fixture left.
	_, err := f.p.RefreshStatistics(f.ctx)
	require.NoError(t, err)

	for i := range 200 {
		f.put(src, product{GID: gid("Product", fmt.Sprint(i+1)), Handle: fmt.Sprintf("p-%d", i), Title: "T",
			Variants: []variant{sv(gid("ProductVariant", fmt.Sprint(i+1)), fmt.Sprintf("sku-%d", i), "1.00")}})
	}
	productsBefore, linksBefore := analyzeCount("products"), analyzeCount("links")
	// The counters reach pg_stat_user_tables within a second or so of the
	// writes' commits.
	var refreshErr error
	require.Eventually(t, func() bool {
		analyzed, err := f.p.RefreshStatistics(f.ctx)
		refreshErr = err
		return err != nil || len(analyzed) > 0
	}, 10*time.Second, 200*time.Millisecond, "nothing analyzed")
	require.NoError(t, refreshErr)
	require.Greater(t, analyzeCount("products"), productsBefore, "products changed by 200 rows and was not analyzed")
	require.Equal(t, linksBefore, analyzeCount("links"), "links did not change and was analyzed")
	require.Positive(t, f.count(`SELECT reltuples::int FROM pg_class WHERE oid = 'products'::regclass`),
		"products' statistics still say it is empty")

	analyzed, err := f.p.RefreshStatistics(f.ctx)
	require.NoError(t, err)
	require.NotContains(t, analyzed, "products", "analyzed again without a change")
}
