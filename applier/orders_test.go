package applier_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// An order placed in the destination is created in the source once, each
// line on the source variant the link's match key names (no product pairs
// in id_map: the key alone maps it), at the price charged in the
// destination, with its customer, address, shipping and tax, tagged with the
// destination and its order name; planned and applied again, nothing more
// happens. Both orders are in the mirror, linked by order_links.
func TestOrderCreatedInSourceByEachMatchKey(t *testing.T) {
	for _, key := range []string{"handle", "sku", "barcode"} {
		t.Run(key, func(t *testing.T) {
			f := orderFixture(t, key, "one_way")
			dst, dloc := f.dsts[0], f.dstLocs[0]
			// Handles differ unless matched by handle; SKUs and barcodes
			// differ unless matched by them: only the link's key can match.
			srcHandle, dstHandle := "tee", "tee-"+key
			if key == "handle" {
				dstHandle = "tee"
			}
			code := func(side, v string) string {
				if side == "dst" && key != "sku" && key != "barcode" {
					return "D-" + v
				}
				return v
			}
			mk := func(shop *fakeshop.Shop, loc *fakeshop.Location, handle, side, price string) *fakeshop.Product {
				var vs []fakeshop.VariantInput
				for _, size := range []string{"S", "M"} {
					sku, bc := code(side, "TEE-"+size), code(side, "400000000000"+size)
					if key == "barcode" && side == "dst" {
						sku = "D-TEE-" + size // only the barcode matches
					}
					if key == "sku" && side == "dst" {
						bc = "D-" + bc
					}
					vs = append(vs, fakeshop.VariantInput{OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: size}},
						Price: ptr(price), SKU: ptr(sku), Barcode: ptr(bc),
						Quantities: []fakeshop.LocationQuantity{{LocationID: loc.ID, Name: "available", Quantity: 10}}})
				}
				p, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr("Tee"), Handle: ptr(handle),
					Options: []fakeshop.OptionInput{{Name: "Size", Values: []string{"S", "M"}}}}, vs)
				require.NoError(t, err)
				return p
			}
			sp := mk(f.src, f.srcLoc, srcHandle, "src", "10.00")
			dp := mk(dst, dloc, dstHandle, "dst", "12.00") // a 20 % markup in the destination
			srcM, dstM := f.src.Variants(sp)[1], dst.Variants(dp)[1]

			o := sell(t, dst, fakeshop.LineItemInput{VariantID: dstM.ID, Quantity: 2})
			dgid := gid("Order", o.ID)
			f.mirrorOrders(f.src, dst)
			require.Equal(t, map[string]int{"create_order": 1}, f.planOrders())
			d := f.orderDelta(dgid)
			lines := d.Desired["lines"].([]any)
			require.Len(t, lines, 1)
			line := lines[0].(map[string]any)
			require.Equal(t, gid("ProductVariant", srcM.ID), line["variant_gid"])
			require.Equal(t, key, line["matched_by"])
			require.Equal(t, "DECREMENT_IGNORING_POLICY", d.Desired["inventory_behaviour"])

			require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
			require.Equal(t, "applied", f.orderDelta(dgid).Status)
			made := f.sourceOrders(dgid)
			require.Len(t, made, 1)
			so := made[0]
			require.Len(t, so.LineItems, 1)
			require.Equal(t, srcM.ID, so.LineItems[0].VariantID)
			require.Equal(t, 2, so.LineItems[0].Quantity)
			require.Equal(t, "12.00", so.LineItems[0].UnitPrice, "the price charged in the destination")
			require.Equal(t, "4.50", so.ShippingTotal)
			require.Equal(t, "2.00", so.TaxTotal)
			require.Contains(t, so.Tags, fmt.Sprintf("%s %s", dst.Domain(), o.Name))
			require.Contains(t, so.Tags, fmt.Sprintf("shopsync-order-%d@%s", o.ID, dst.Domain()))
			require.NotNil(t, so.Customer)
			require.Equal(t, "ada@example.com", *so.Customer.Email)
			require.Equal(t, "Lovelace", *so.Customer.LastName)
			require.NotNil(t, so.ShippingAddress)
			require.Equal(t, "London", so.ShippingAddress.City)
			require.Equal(t, "PAID", so.FinancialStatus)

			// Linked in the mirror, for SQL.
			var srcName, total string
			require.NoError(t, f.pool.QueryRow(f.ctx, `SELECT source_order_name, source_total_price::text FROM order_links
				WHERE destination_order_gid = $1`, dgid).Scan(&srcName, &total))
			require.Equal(t, so.Name, srcName)
			require.Equal(t, "30.50", total) // 2 x 12.00 + 4.50 shipping + 2.00 tax, as in the destination

			// Planned and applied again: nothing more.
			f.mirrorOrders(f.src, dst)
			require.Empty(t, f.planOrders())
			require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
			require.Len(t, f.sourceOrders(dgid), 1)
		})
	}
}

// The applier stops after Shopify made the order and before it recorded it
// (as a kill would). The next run looks the order's tag up in the source,
// finds the order and records it instead of creating a second one; a delta
// planned again after the first was given up finds it the same way.
func TestOrderCreateCrashAndRetryMakesNoDuplicate(t *testing.T) {
	f := orderFixture(t, "handle", "one_way")
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "mug", "Mug", []variant{{"One", "MUG", "8.00", 5}})
	dp := f.addProduct(dst, dloc, "mug", "Mug", []variant{{"One", "MUG", "8.00", 5}})
	o := sell(t, dst, fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 1})
	dgid := gid("Order", o.ID)
	f.mirrorOrders(f.src, dst)
	require.Equal(t, map[string]int{"create_order": 1}, f.planOrders())

	ctx, kill := context.WithCancel(f.ctx)
	defer kill()
	cfg := f.config()
	cfg.Hooks.AfterSend = func(context.Context, string, []int64) error {
		kill()
		return context.Canceled
	}
	_ = f.applier(cfg).RunOnce(ctx)
	require.Len(t, f.sourceOrders(dgid), 1, "the create reached Shopify")
	require.Equal(t, "pending", f.orderDelta(dgid).Status, "and was not recorded")
	require.Zero(t, f.count(`SELECT count(*) FROM id_map WHERE resource = 'order'`))

	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, "applied", f.orderDelta(dgid).Status)
	made := f.sourceOrders(dgid)
	require.Len(t, made, 1, "the retry made a second order")
	require.Equal(t, 1, f.count(`SELECT count(*) FROM id_map WHERE resource = 'order' AND source_gid = $1 AND destination_gid = $2`,
		gid("Order", made[0].ID), dgid))
	require.Equal(t, 2, f.count(`SELECT attempts FROM plan_deltas WHERE resource = 'order' AND key = $1`, dgid))

	// The pair lost as well (say, restored from an older backup) and the
	// order planned again: the look-up still finds the first order.
	f.exec(`DELETE FROM id_map WHERE resource = 'order'`)
	require.Equal(t, map[string]int{"create_order": 1}, f.planOrders())
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Len(t, f.sourceOrders(dgid), 1)
	require.Equal(t, "applied", f.orderDelta(dgid).Status)
	require.Equal(t, 1, f.count(`SELECT count(*) FROM id_map WHERE resource = 'order' AND destination_gid = $1`, dgid))
}

// A cancellation in the destination cancels the source order, once. The
// destination's orders reach the mirror through its webhooks here
// (orders/create, orders/cancelled), as in production.
func TestDestinationCancellationCancelsSourceOrder(t *testing.T) {
	f := orderFixture(t, "sku", "one_way")
	dst, dloc := f.dsts[0], f.dstLocs[0]
	sp := f.addProduct(f.src, f.srcLoc, "cap", "Cap", []variant{{"One", "CAP", "15.00", 6}})
	dp := f.addProduct(dst, dloc, "cap-d", "Cap", []variant{{"One", "CAP", "15.00", 6}})
	f.snapshot()
	hooks := f.mirrorWebhooks(dst, "ORDERS_CREATE", "ORDERS_CANCELLED")
	o := sell(t, dst, fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 2})
	dgid := gid("Order", o.ID)
	hooks.flush()
	// The fast path: the change event of the mirrored order plans it.
	require.NoError(t, f.planner.PlanOrderEvents(f.ctx, []events.ChangeEvent{
		{Store: dst.Domain(), Resource: events.Order, GID: dgid},
		{Store: f.src.Domain(), Resource: events.Order, GID: "gid://shopify/Order/1"}, // a source order: nothing to plan
	}))
	require.Equal(t, "create_order", f.orderDelta(dgid).Operation)
	require.Equal(t, 1, f.count(`SELECT count(*) FROM plan_deltas WHERE resource = 'order'`))
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	made := f.sourceOrders(dgid)
	require.Len(t, made, 1)
	// The webhook's mirror row has no address or customer names; the
	// applier read them from the destination before creating.
	require.Zero(t, f.count(`SELECT count(*) FROM orders WHERE gid = $1 AND raw ? 'shippingAddress'`, dgid))
	require.NotNil(t, made[0].ShippingAddress)
	require.Equal(t, "1 Analytical Way", made[0].ShippingAddress.Address1)
	require.Equal(t, "GB", made[0].ShippingAddress.CountryCode)
	require.NotNil(t, made[0].Customer)
	require.Equal(t, "Ada", *made[0].Customer.FirstName)
	require.Equal(t, "ada@example.com", *made[0].Customer.Email)
	item := f.src.Variants(sp)[0].InventoryItemID
	require.Equal(t, 4, f.src.InventoryLevel(item, f.srcLoc.ID).Quantity("available"), "one_way: the source took the sale")

	_, err := dst.CancelOrder(o.ID, "CUSTOMER", true)
	require.NoError(t, err)
	hooks.flush()
	require.Equal(t, map[string]int{"cancel_order": 1}, f.planOrders())
	d := f.orderDelta(dgid)
	require.Equal(t, "cancel_order", d.Operation)
	require.Equal(t, true, d.Desired["restock"])
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, "applied", f.orderDelta(dgid).Status)
	so := f.src.Order(made[0].ID)
	require.NotNil(t, so.CancelledAt, "the source order is cancelled")
	require.Equal(t, 6, f.src.InventoryLevel(item, f.srcLoc.ID).Quantity("available"), "and its stock is back")

	// Planned again (the source mirror may lag): nothing more.
	require.Empty(t, f.planOrders())
	f.mirrorOrders(f.src)
	require.Empty(t, f.planOrders())
}

// A line no source variant matches is not dropped: it becomes a custom line
// item (title, price, quantity), and the audit row of the create says so.
func TestUnmatchedLineBecomesCustomLineItemWithAuditWarning(t *testing.T) {
	f := orderFixture(t, "handle", "one_way")
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "tee", "Tee", []variant{{"S", "TEE-S", "10.00", 5}})
	tee := f.addProduct(dst, dloc, "tee", "Tee", []variant{{"S", "TEE-S", "10.00", 5}})
	own := f.addProduct(dst, dloc, "local-sticker", "Local sticker", []variant{{"One", "STK", "3.00", 50}})
	o := sell(t, dst,
		fakeshop.LineItemInput{VariantID: dst.Variants(tee)[0].ID, Quantity: 1},
		fakeshop.LineItemInput{VariantID: dst.Variants(own)[0].ID, Quantity: 3},
		fakeshop.LineItemInput{Title: ptr("Gift wrap"), Price: ptr("2.50"), Quantity: 1})
	dgid := gid("Order", o.ID)
	f.mirrorOrders(f.src, dst)
	require.Equal(t, map[string]int{"create_order": 1}, f.planOrders())
	require.Contains(t, f.orderDelta(dgid).Desired, "unmatched")
	require.EqualValues(t, 2, f.orderDelta(dgid).Desired["unmatched"])
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))

	made := f.sourceOrders(dgid)
	require.Len(t, made, 1)
	lines := made[0].LineItems
	require.Len(t, lines, 3, "nothing dropped")
	require.NotZero(t, lines[0].VariantID)
	require.Zero(t, lines[1].VariantID, "a custom line item")
	require.Equal(t, "Local sticker", lines[1].Title)
	require.Equal(t, 3, lines[1].Quantity)
	require.Equal(t, "3.00", lines[1].UnitPrice)
	require.Equal(t, "STK", *lines[1].SKU)
	require.Zero(t, lines[2].VariantID)
	require.Equal(t, "Gift wrap", lines[2].Title)
	require.Equal(t, "2.50", lines[2].UnitPrice)

	f.auditRows(1)
	var status, msg string
	require.NoError(t, f.ch.QueryRow(f.ctx, `SELECT status, error FROM audit_writes FINAL WHERE resource = 'order' AND key = ?`, dgid).Scan(&status, &msg))
	require.Equal(t, "ok", status)
	require.True(t, strings.HasPrefix(msg, "warning: 2 line(s) matched no source variant"), msg)
	require.Contains(t, msg, `"Local sticker" x3 (SKU STK)`)
	require.Contains(t, msg, `"Gift wrap" x1`)
}

// orderCreate's inventoryBehaviour per inventory mode: with none and
// one_way the source takes the sale itself; with two_way inventory sync has
// moved the source by the destination's own decrement already, so the
// order must not decrement it again.
func TestOrderStockTakenOncePerInventoryMode(t *testing.T) {
	for _, c := range []struct {
		mode       string
		behaviour  string
		srcAfter   int
		restocking bool
	}{
		{"none", "DECREMENT_IGNORING_POLICY", 7, true},
		{"one_way", "DECREMENT_IGNORING_POLICY", 7, true},
		{"two_way", "BYPASS", 10, false},
	} {
		t.Run(c.mode, func(t *testing.T) {
			f := orderFixture(t, "handle", c.mode)
			dst, dloc := f.dsts[0], f.dstLocs[0]
			sp := f.addProduct(f.src, f.srcLoc, "sock", "Sock", []variant{{"One", "SOCK", "5.00", 10}})
			dp := f.addProduct(dst, dloc, "sock", "Sock", []variant{{"One", "SOCK", "5.00", 10}})
			o := sell(t, dst, fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 3})
			f.mirrorOrders(f.src, dst)
			require.Equal(t, map[string]int{"create_order": 1}, f.planOrders())
			dgid := gid("Order", o.ID)
			require.Equal(t, c.behaviour, f.orderDelta(dgid).Desired["inventory_behaviour"])
			require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
			require.Equal(t, "applied", f.orderDelta(dgid).Status)
			item := f.src.Variants(sp)[0].InventoryItemID
			require.Equal(t, c.srcAfter, f.src.InventoryLevel(item, f.srcLoc.ID).Quantity("available"))

			_, err := dst.CancelOrder(o.ID, "CUSTOMER", false)
			require.NoError(t, err)
			f.mirrorOrders(dst)
			require.Equal(t, map[string]int{"cancel_order": 1}, f.planOrders())
			require.Equal(t, c.restocking, f.orderDelta(dgid).Desired["restock"])
			require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
			require.Equal(t, 10, f.src.InventoryLevel(item, f.srcLoc.ID).Quantity("available"), "back where it was")
		})
	}
}

// A destination's history (orders placed before its link was made) is not
// recreated in the source; only orders placed since are.
func TestOrdersBeforeTheLinkAreNotRecreated(t *testing.T) {
	f := orderFixture(t, "handle", "none")
	dst, dloc := f.dsts[0], f.dstLocs[0]
	dp := f.addProduct(dst, dloc, "pen", "Pen", []variant{{"One", "PEN", "1.00", 9}})
	old := sell(t, dst, fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 1})
	f.mirrorOrders(dst)
	f.exec(`UPDATE links SET created_at = (SELECT created_at FROM orders WHERE gid = $1) + interval '1 second'`, gid("Order", old.ID))
	require.Empty(t, f.planOrders())
	f.exec(`UPDATE links SET created_at = created_at - interval '1 second'`)
	require.Equal(t, map[string]int{"create_order": 1}, f.planOrders())
}
