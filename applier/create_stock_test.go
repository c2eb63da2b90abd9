package applier_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A product create stocks its variants at the link's mapped location in the
// same productSet (inventoryQuantities): no inventoryActivate follows, the
// levels are in the mirror, their baselines and reads are recorded as a
// set's would be, and a snapshot of the destination finds nothing to change.
func TestCreateStocksItsVariants(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "scarf", "Scarf", []variant{{"S", "SC-S", "8.00", 4}, {"M", "SC-M", "9.00", 0}, {"L", "SC-L", "9.50", 11}})
	f.snapshot()
	require.Equal(t, 1, f.plan())

	before := f.counter.requests.Load()
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, int64(1), f.counter.requests.Load()-before, "one request: the create with its stock")
	require.Equal(t, map[string]int{"applied": 1}, f.deltas())

	scarf := dst.ProductByHandle("scarf")
	require.NotNil(t, scarf)
	for _, v := range dst.Variants(scarf) {
		want := map[string]int{"S": 4, "M": 0, "L": 11}[v.SelectedOptions[0].Value]
		require.Equal(t, want, dst.InventoryLevel(v.InventoryItemID, dloc.ID).Quantity("available"), v.Title)
	}
	// The mirror holds the levels: nothing left to plan.
	require.Equal(t, 3, f.count(`SELECT count(*) FROM inventory_levels WHERE store = $1 AND deleted_at IS NULL`, dst.Domain()))
	require.Zero(t, f.plan())
	// Recorded as sets: baselines, confirmed reads, echoes.
	require.Equal(t, 3, f.count(`SELECT count(*) FROM inventory_sync s JOIN inventory_levels l
		ON l.store = s.destination_store AND l.inventory_item_gid = s.destination_item_gid AND l.location_gid = s.destination_location_gid
		WHERE s.destination_store = $1 AND s.baseline = l.available`, dst.Domain()))
	require.Equal(t, 3, f.count(`SELECT count(*) FROM inventory_reads r JOIN inventory_levels l
		ON l.store = r.store AND l.inventory_item_gid = r.inventory_item_gid AND l.location_gid = r.location_gid
		WHERE r.store = $1 AND r.observed_version = l.version`, dst.Domain()))
	require.Equal(t, 3, f.count(`SELECT count(*) FROM applier_writes WHERE store = $1 AND resource = 'inventory_level' AND quantity IS NOT NULL`, dst.Domain()))

	// What the create's answer put in the mirror is what a snapshot reads.
	for _, r := range f.snapshot(dst) {
		require.Zero(t, r.Stats.Changed, "a snapshot of the destination's %s changed %d mirror rows", r.Family, r.Stats.Changed)
	}
	require.Zero(t, f.plan())
}

// A create superseded by a newer plan of its key while it was under way is
// recorded as applied; the newer create, planned from a mirror that did not
// hold the product yet, finds the product id_map pairs with its source
// product and is superseded without a call, instead of failing as a handle
// conflict.
func TestCreateOfACreatedProductIsSuperseded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst := f.dsts[0]
	f.addProduct(f.src, f.srcLoc, "hat", "Hat", []variant{{"One", "HAT", "15.00", 3}})
	f.snapshot()
	require.Equal(t, 1, f.plan())
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 1}, f.deltas())

	// The planner's race, replayed: the same create planned again.
	f.exec(`INSERT INTO plan_deltas (run_id, link_id, target_store, resource, operation, key, source_gid, desired, reason)
		SELECT 'replayed', link_id, target_store, resource, operation, key, source_gid, desired, reason FROM plan_deltas`)
	before := f.counter.requests.Load()
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, int64(0), f.counter.requests.Load()-before, "nothing sent")
	require.Equal(t, map[string]int{"applied": 1, "superseded": 1}, f.deltas())
	require.Equal(t, 1, f.count(`SELECT count(*) FROM plan_deltas WHERE run_id = 'replayed' AND error LIKE 'superseded: %created for this source product%'`))
	require.Len(t, dst.Products(), 1)
	require.Zero(t, f.plan())
}
