package applier_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// With two-way inventory on, a sale in the destination lowers the source's
// stock exactly once: inventory sync carries the destination's decrement to
// the source (adjust_inventory), and the order recreated there takes none
// (BYPASS). The destination then keeps the level both agree on.
func TestOrderTwoWayInventorySaleTakesSourceStockOnce(t *testing.T) {
	f := orderFixture(t, "handle", "two_way")
	dst, dloc := f.dsts[0], f.dstLocs[0]
	sp := f.addProduct(f.src, f.srcLoc, "sock", "Sock", []variant{{"One", "SOCK", "5.00", 10}})
	dp := f.addProduct(dst, dloc, "sock", "Sock", []variant{{"One", "SOCK", "5.00", 10}})
	f.mirrorOrders(f.src, dst)
	f.plan()
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx)) // pairs recorded, levels tracked from here

	o := sell(t, dst, fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 3})
	dItem, sItem := dst.Variants(dp)[0].InventoryItemID, f.src.Variants(sp)[0].InventoryItemID
	require.Equal(t, 7, dst.InventoryLevel(dItem, dloc.ID).Quantity("available"), "the checkout took the destination's stock")
	f.mirrorOrders(f.src, dst)
	// Plan and apply until nothing is left: the destination's change is
	// read and counted, carried to the source, and the order created.
	for range 4 {
		f.plan()
		require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
		f.mirrorOrders(f.src, dst)
	}
	dgid := gid("Order", o.ID)
	require.Equal(t, "applied", f.orderDelta(dgid).Status)
	require.Equal(t, "BYPASS", f.orderDelta(dgid).Desired["inventory_behaviour"])
	require.Len(t, f.sourceOrders(dgid), 1)
	require.Equal(t, 7, f.src.InventoryLevel(sItem, f.srcLoc.ID).Quantity("available"), "10 - 3, taken once")
	require.Equal(t, 7, dst.InventoryLevel(dItem, dloc.ID).Quantity("available"))
	require.Equal(t, 1, f.count(`SELECT count(*) FROM plan_deltas WHERE operation = 'adjust_inventory' AND status = 'applied'`))
}
