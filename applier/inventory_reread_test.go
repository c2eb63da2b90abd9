package applier_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// A destination level changed behind shopsync's back, its webhook lost: the
// set planned from the stale mirror is refused (CHANGE_FROM_QUANTITY_STALE),
// the level is read again and the set planned again from what the read
// found, never forced over the change.
func TestStaleSetRereadsTheDestination(t *testing.T) {
	f := newFixture(t, fixtureOptions{dests: 1})
	items := stockCatalog(t, f, 1, 100)
	startInventoryPipeline(t, f, pipelineOptions{mode: "one_way", planEvery: 100 * time.Millisecond})
	require.Eventually(t, func() bool {
		return f.count(`SELECT count(*)::int FROM inventory_reads`) == len(items)
	}, 20*time.Second, 20*time.Millisecond, "the applier never started following the destination's levels")
	dst, it := f.dsts[0], items[0]
	require.NoError(t, dst.SetFaults(fakeshop.Faults{WebhookDropRate: 1}))
	_, err := dst.SetInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantitySet{{ItemID: it.items[1], LocationID: it.locs[1], Quantity: 7}})
	require.NoError(t, err)
	_, err = f.src.SetInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantitySet{{ItemID: it.items[0], LocationID: it.locs[0], Quantity: 90}})
	require.NoError(t, err)

	require.Eventually(t, func() bool { return available(dst, it.items[1], it.locs[1]) == 90 }, 30*time.Second, 20*time.Millisecond)
	// Refused as stale, never forced over the change. Writers woken by each
	// plan can send the stale set a second time (planned again before the
	// re-read landed); that costs a call, and is refused the same way.
	require.GreaterOrEqual(t, f.count(`SELECT count(*)::int FROM plan_deltas
		WHERE operation = 'set_inventory' AND status = 'failed' AND error LIKE 'stale:%' AND (desired ->> 'change_from')::int = 100`), 1,
		"the set planned from the stale mirror was not refused as stale")
	require.Zero(t, f.count(`SELECT count(*)::int FROM plan_deltas
		WHERE operation = 'set_inventory' AND status = 'applied' AND (desired ->> 'change_from')::int = 100`),
		"a set planned from the stale mirror was applied over the destination's change")
	// The outcome is recorded just after Shopify answered.
	require.Eventually(t, func() bool {
		return f.count(`SELECT count(*)::int FROM plan_deltas
			WHERE operation = 'set_inventory' AND status = 'applied' AND (desired ->> 'change_from')::int = 7
			  AND (desired ->> 'available')::int = 90`) == 1
	}, 10*time.Second, 20*time.Millisecond, "the set was not planned again from the level read")
}

// Two-way, an item the destination does not stock at the mapped location
// yet: it is activated there with the source's quantity, and from then on
// its sales reach the source.
func TestUnstockedLevelIsActivatedThenFollowed(t *testing.T) {
	f := newFixture(t, fixtureOptions{dests: 1})
	f.exec(`UPDATE links SET inventory_mode = 'two_way'`)
	src, dst := f.src, f.dsts[0]
	f.addProduct(src, f.srcLoc, "mug", "Mug", []variant{{"One", "mug-1", "8.00", 40}})
	// The destination's twin exists but is stocked nowhere.
	p, err := dst.CreateProduct(fakeshop.ProductInput{Title: ptr("Mug"), Handle: ptr("mug"), Vendor: ptr("Acme"),
		Options: []fakeshop.OptionInput{{Name: "Size", Values: []string{"One"}}}},
		[]fakeshop.VariantInput{{OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: "One"}}, Price: ptr("8.00"), SKU: ptr("mug-1")}})
	require.NoError(t, err)
	dItem := dst.Variants(p)[0].InventoryItemID
	sItem := src.Variants(src.ProductByHandle("mug"))[0].InventoryItemID
	require.Nil(t, dst.InventoryLevel(dItem, f.dstLocs[0].ID))
	f.snapshot()
	f.plan()
	startInventoryPipeline(t, f, pipelineOptions{mode: "two_way", planEvery: 100 * time.Millisecond})

	require.Eventually(t, func() bool { return available(dst, dItem, f.dstLocs[0].ID) == 40 }, 30*time.Second, 20*time.Millisecond,
		"the level was never activated with the source's quantity")
	require.Eventually(t, func() bool {
		return f.count(`SELECT count(*)::int FROM inventory_sync WHERE baseline = 40`) == 1
	}, 10*time.Second, 20*time.Millisecond)
	_, err = dst.AdjustInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantityAdjust{{ItemID: dItem, LocationID: f.dstLocs[0].ID, Delta: -3}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return available(src, sItem, f.srcLoc.ID) == 37 }, 30*time.Second, 20*time.Millisecond,
		"the destination's sale never reached the source:\n%s", describeSync(f))
	require.Equal(t, 1, f.count(`SELECT count(*)::int FROM inventory_ledger WHERE delta = -3`))
}
