package applier_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
)

// Source → mirror → plan → apply → destination, on fakeshop: a product
// created, one updated whole (title), one repriced, one archived after its
// source deletion, stock set; then the planner finds nothing left to do,
// and a fresh snapshot of the destination changes nothing in the mirror the
// applier wrote from its answers.
func TestApplyMakesDestinationEqualThePlan(t *testing.T) {
	f := newFixture(t, fixtureOptions{link: map[string]any{"price_multiplier": "1.10", "delete_policy": "archive"}})
	dst, dloc := f.dsts[0], f.dstLocs[0]

	f.addProduct(f.src, f.srcLoc, "shirt", "Shirt", []variant{{"S", "SH-S", "10.00", 5}, {"M", "SH-M", "20.00", 6}, {"L", "SH-L", "30.00", 7}})
	f.addProduct(f.src, f.srcLoc, "hat", "Hat", []variant{{"One", "HAT", "15.00", 3}})
	f.addProduct(f.src, f.srcLoc, "scarf", "Scarf", []variant{{"S", "SC-S", "8.00", 1}, {"M", "SC-M", "9.00", 2}})
	coat := f.addProduct(f.src, f.srcLoc, "coat", "Coat", []variant{{"M", "CO-M", "100.00", 1}})

	f.addProduct(dst, dloc, "shirt", "Old shirt", []variant{{"S", "SH-S", "11.00", 0}, {"M", "SH-M", "22.00", 0}, {"L", "SH-L", "33.00", 0}})
	f.addProduct(dst, dloc, "hat", "Hat", []variant{{"One", "HAT", "10.00", 3}})
	f.addProduct(dst, dloc, "coat", "Coat", []variant{{"M", "CO-M", "110.00", 1}})

	f.snapshot()
	require.NoError(t, f.src.DeleteProduct(coat.ID))
	f.snapshot(f.src)

	planned := f.plan()
	t.Logf("planned %d deltas", planned)
	require.Positive(t, planned)
	rounds := 0
	for ; rounds < 4; rounds++ {
		require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
		t.Logf("round %d: deltas %v, requests %d", rounds, f.deltas(), f.counter.requests.Load())
		if f.plan() == 0 {
			break
		}
	}
	require.Less(t, rounds, 3, "the plan did not converge")
	require.Zero(t, f.deltas()["failed"], "deltas failed: %v", f.deltas())
	require.Zero(t, f.deltas()["pending"])

	shirt := dst.ProductByHandle("shirt")
	require.NotNil(t, shirt)
	require.Equal(t, "Shirt", shirt.Title)
	for _, v := range dst.Variants(shirt) {
		want := map[string]int{"S": 5, "M": 6, "L": 7}[v.SelectedOptions[0].Value]
		require.Equal(t, want, dst.InventoryLevel(v.InventoryItemID, dloc.ID).Quantity("available"), v.Title)
	}
	hat := dst.ProductByHandle("hat")
	require.Equal(t, "16.50", dst.Variants(hat)[0].Price)
	scarf := dst.ProductByHandle("scarf")
	require.NotNil(t, scarf, "scarf was not created")
	require.Equal(t, "Scarf", scarf.Title)
	prices := map[string]string{}
	for _, v := range dst.Variants(scarf) {
		prices[v.SelectedOptions[0].Value] = v.Price
		require.Equal(t, map[string]int{"S": 1, "M": 2}[v.SelectedOptions[0].Value],
			dst.InventoryLevel(v.InventoryItemID, dloc.ID).Quantity("available"))
	}
	require.Equal(t, map[string]string{"S": "8.80", "M": "9.90"}, prices)
	require.Equal(t, "ARCHIVED", dst.ProductByHandle("coat").Status)
	require.Len(t, dst.Products(), 4, "one product per handle")

	// The created product and its variants are in id_map.
	require.Equal(t, 1, f.count(`SELECT count(*) FROM id_map m JOIN products p ON p.store = $1 AND p.gid = m.destination_gid
		WHERE m.resource = 'product' AND p.handle = 'scarf'`, dst.Domain()))
	require.Equal(t, 2, f.count(`SELECT count(*) FROM id_map m JOIN variants v ON v.store = $1 AND v.gid = m.destination_gid
		JOIN products p ON p.store = v.store AND p.gid = v.product_gid WHERE m.resource = 'variant' AND p.handle = 'scarf'`, dst.Domain()))
	// Every write is recorded for echo detection.
	require.Positive(t, f.count(`SELECT count(*) FROM applier_writes WHERE store = $1 AND resource = 'inventory_level' AND quantity IS NOT NULL`, dst.Domain()))
	require.Zero(t, f.count(`SELECT count(*) FROM applier_attempts`))

	// What the applier wrote into the mirror from its answers is what a
	// snapshot of the destination reads.
	for _, r := range f.snapshot(dst) {
		if r.Family == events.Products {
			require.Zero(t, r.Stats.Changed, "a snapshot of the destination changed %d mirror rows", r.Stats.Changed)
		}
	}
	require.Zero(t, f.plan())

	// One audit row per attempt.
	attempts := f.count(`SELECT coalesce(sum(attempts), 0)::int FROM plan_deltas`)
	audited := f.auditRows(attempts)
	total := 0
	for _, n := range audited {
		total += n
	}
	require.Equal(t, attempts, total, "audit rows by status: %v", audited)
}
