package applier_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// addCatalog creates n products of k variants in shop, each variant priced
// price and stocked qty(i, j) at loc, handles p0..p(n-1).
func (f *fixture) addCatalog(shop *fakeshop.Shop, loc *fakeshop.Location, n, k int, price string, qty func(i, j int) int) {
	f.addCatalogPriced(shop, loc, n, k, func(int) string { return price }, qty)
}

// 300 stock levels and 15 products' prices: packed, they are two
// inventorySetQuantities (at most 250 quantities each) and 15
// productVariantsBulkUpdate, aliased into one HTTP request; unpacked, one
// request per change: 600.
func TestPackingSendsFewRequests(t *testing.T) {
	f := newFixture(t, fixtureOptions{dests: 2})
	f.addCatalog(f.src, f.srcLoc, 15, 20, "10.00", func(i, j int) int { return i + j + 1 })
	for i, d := range f.dsts {
		f.addCatalog(d, f.dstLocs[i], 15, 20, "9.00", func(int, int) int { return 0 })
	}
	f.snapshot()
	require.Equal(t, 2*(300+15), f.plan())

	packed := f.config()
	packed.Destinations = []string{f.dsts[0].Domain()}
	before := f.counter.requests.Load()
	require.NoError(t, f.applier(packed).RunOnce(f.ctx))
	require.Equal(t, int64(1), f.counter.requests.Load()-before)

	unpacked := f.config()
	unpacked.Destinations = []string{f.dsts[1].Domain()}
	unpacked.OneChangePerCall = true
	before = f.counter.requests.Load()
	require.NoError(t, f.applier(unpacked).RunOnce(f.ctx))
	require.Equal(t, int64(600), f.counter.requests.Load()-before)

	require.Equal(t, map[string]int{"applied": 630}, f.deltas())
	for i, d := range f.dsts {
		p := d.ProductByHandle("p7")
		for j, v := range d.Variants(p) {
			require.Equal(t, "10.00", v.Price)
			require.Equal(t, 7+j+1, d.InventoryLevel(v.InventoryItemID, f.dstLocs[i].ID).Quantity("available"))
		}
	}
	require.Zero(t, f.plan())
	require.Zero(t, f.counter.throttled.Load())
	f.auditRows(630)
}

// The planner keeps planning while the applier applies (as `shopsync plan
// --watch` and `shopsync apply` do): deltas superseded under way, pending
// rows updated by both; the destination converges with nothing failed.
func TestPlannerAndApplierConcurrently(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	f.addCatalog(f.src, f.srcLoc, 15, 20, "10.00", func(i, j int) int { return i + j + 1 })
	f.addCatalog(f.dsts[0], f.dstLocs[0], 15, 20, "9.00", func(int, int) int { return 0 })
	f.snapshot()

	ctx, stop := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- f.applier(f.config()).Run(ctx) }()
	require.Eventually(t, func() bool {
		return f.plan() == 0 && f.deltas()["pending"] == 0
	}, 60*time.Second, 50*time.Millisecond)
	stop()
	require.NoError(t, <-done)
	require.Zero(t, f.deltas()["failed"], "%v", f.deltas())
	p := f.dsts[0].ProductByHandle("p3")
	for j, v := range f.dsts[0].Variants(p) {
		require.Equal(t, "10.00", v.Price)
		require.Equal(t, 3+j+1, f.dsts[0].InventoryLevel(v.InventoryItemID, f.dstLocs[0].ID).Quantity("available"))
	}
}
