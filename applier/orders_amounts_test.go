package applier_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// orderAmounts is what the mirror holds of an order's money: what the
// source order must repeat.
type orderAmounts struct {
	Subtotal, Tax, Total, Discounts, Shipping, ShippingCharged string
	TaxesIncluded                                              bool
	Codes                                                      []string
}

func (f *fixture) orderAmounts(store, orderGID string) orderAmounts {
	f.t.Helper()
	var a orderAmounts
	require.NoError(f.t, f.pool.QueryRow(f.ctx, `SELECT coalesce(subtotal_price, 0)::numeric(12,2)::text, coalesce(total_tax, 0)::numeric(12,2)::text,
		total_price::numeric(12,2)::text,
		coalesce(raw #>> '{totalDiscountsSet,shopMoney,amount}', '0')::numeric(12,2)::text,
		coalesce(raw #>> '{totalShippingPriceSet,shopMoney,amount}', '0')::numeric(12,2)::text,
		coalesce(raw #>> '{currentShippingPriceSet,shopMoney,amount}', '0')::numeric(12,2)::text,
		coalesce((raw ->> 'taxesIncluded')::boolean, false),
		ARRAY(SELECT jsonb_array_elements_text(coalesce(raw -> 'discountCodes', '[]')))
		FROM orders WHERE store = $1 AND gid = $2`, store, orderGID).Scan(
		&a.Subtotal, &a.Tax, &a.Total, &a.Discounts, &a.Shipping, &a.ShippingCharged, &a.TaxesIncluded, &a.Codes))
	return a
}

// checkout places an order in shop as a checkout would (stock claimed,
// shipping 4.50, tax 2.00 unless set), with its discounts.
func checkout(t *testing.T, shop *fakeshop.Shop, set func(*fakeshop.OrderInput), lines ...fakeshop.LineItemInput) *fakeshop.Order {
	t.Helper()
	in := fakeshop.OrderInput{
		Email: ptr("ada@example.com"), Customer: &fakeshop.Customer{Email: ptr("ada@example.com"), FirstName: ptr("Ada"), LastName: ptr("Lovelace")},
		ShippingAddress: &fakeshop.Address{FirstName: "Ada", LastName: "Lovelace", Address1: "1 Analytical Way", City: "London", CountryCode: "GB", Zip: "N1 1AA"},
		LineItems:       lines, InventoryBehaviour: "DECREMENT_IGNORING_POLICY", ShippingTotal: "4.50", TaxTotal: "2.00",
	}
	if set != nil {
		set(&in)
	}
	o, err := shop.CreateOrder(in)
	require.NoError(t, err)
	return o
}

// createdOrder plans and applies one destination order and returns the
// source order made for it, with the audit row's message.
func (f *fixture) createdOrder(dgid string) (*fakeshop.Order, string) {
	f.t.Helper()
	require.Equal(f.t, map[string]int{"create_order": 1}, f.planOrders())
	require.NoError(f.t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(f.t, "applied", f.orderDelta(dgid).Status)
	made := f.sourceOrders(dgid)
	require.Len(f.t, made, 1)
	var status, msg string
	require.EventuallyWithT(f.t, func(c *assert.CollectT) {
		assert.NoError(c, f.ch.QueryRow(f.ctx, `SELECT status, error FROM audit_writes FINAL WHERE resource = 'order' AND key = ?`, dgid).Scan(&status, &msg))
	}, 20*time.Second, 50*time.Millisecond, "no audit row for the create")
	require.Equal(f.t, "ok", status)
	return made[0], msg
}

// A destination order's discount code and amounts are recreated in the
// source: a code of any kind that took money off the items goes as that
// code with the amount taken, a free shipping code as a free shipping code;
// the source order then costs what the destination's did, and the mirror
// holds the same amounts for both. What orderCreate cannot carry (a second
// code, a discount without a code) is in the note and the audit's warning.
// Some cases mirror the destination's order from its orders/create webhook
// (REST discount_codes, shipping_lines), the others from a bulk read.
func TestOrderDiscountsRecreatedInSource(t *testing.T) {
	for _, c := range []struct {
		name      string
		discounts []fakeshop.OrderDiscount
		// what the source order holds: its one code, kind and amount
		code, kind, amount string
		warning            string // in the audit row, "" for none
		// extra is what the source order costs beyond the destination's
		extra string
		// webhook: the destination's order reaches the mirror by its
		// orders/create webhook, not a bulk read
		webhook bool
	}{
		{name: "fixed amount code", discounts: []fakeshop.OrderDiscount{{Code: "TAKE3", Kind: fakeshop.DiscountItemFixed, Value: "3"}},
			code: "TAKE3", kind: fakeshop.DiscountItemFixed, amount: "3.00"},
		{name: "percentage code", discounts: []fakeshop.OrderDiscount{{Code: "TEN", Kind: fakeshop.DiscountItemPercentage, Value: "10"}},
			code: "TEN", kind: fakeshop.DiscountItemFixed, amount: "2.40", webhook: true},
		{name: "free shipping code", discounts: []fakeshop.OrderDiscount{{Code: "SHIPFREE", Kind: fakeshop.DiscountFreeShipping}},
			code: "SHIPFREE", kind: fakeshop.DiscountFreeShipping, amount: "4.50", webhook: true},
		{name: "two codes", discounts: []fakeshop.OrderDiscount{
			{Code: "TEN", Kind: fakeshop.DiscountItemPercentage, Value: "10"}, {Code: "TAKE3", Kind: fakeshop.DiscountItemFixed, Value: "3"}},
			code: "TEN", kind: fakeshop.DiscountItemFixed, amount: "5.40",
			warning: "the destination order has 2 discount codes (TEN, TAKE3) and orderCreate takes one", webhook: true},
		{name: "automatic discount", discounts: []fakeshop.OrderDiscount{{Title: "Summer", Kind: fakeshop.DiscountItemPercentage, Value: "10"}},
			warning: "discount of 2.40 USD on the items has no code", extra: "2.40"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := orderFixture(t, "handle", "one_way")
			dst, dloc := f.dsts[0], f.dstLocs[0]
			f.addProduct(f.src, f.srcLoc, "tee", "Tee", []variant{{"One", "TEE", "10.00", 5}})
			dp := f.addProduct(dst, dloc, "tee", "Tee", []variant{{"One", "TEE", "12.00", 5}})
			var hooks *webhookMirror
			if c.webhook {
				f.snapshot()
				hooks = f.mirrorWebhooks(dst, "ORDERS_CREATE")
			}
			o := checkout(t, dst, func(in *fakeshop.OrderInput) { in.Discounts = c.discounts },
				fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 2}) // 24.00
			dgid := gid("Order", o.ID)
			if c.webhook {
				hooks.flush()
			} else {
				f.mirrorOrders(f.src, dst)
			}
			so, msg := f.createdOrder(dgid)
			require.Equal(t, "12.00", so.LineItems[0].UnitPrice, "the price before discounts")
			require.Contains(t, *so.Note, "Discounts there:")
			if c.code == "" {
				require.Empty(t, so.Discounts)
			} else {
				require.Len(t, so.Discounts, 1)
				require.Equal(t, []string{c.code, c.kind, c.amount}, []string{so.Discounts[0].Code, so.Discounts[0].Kind, so.Discounts[0].Amount})
			}
			if c.warning == "" {
				require.Empty(t, msg)
			} else {
				require.True(t, strings.HasPrefix(msg, "warning: "), msg)
				require.Contains(t, msg, c.warning)
			}

			dm, sm := f.orderAmounts(dst.Domain(), dgid), f.orderAmounts(f.src.Domain(), gid("Order", so.ID))
			// The source order holds the one code orderCreate takes.
			if c.code == "" {
				require.Empty(t, sm.Codes)
			} else {
				require.Equal(t, []string{c.code}, sm.Codes)
			}
			dm.Codes, sm.Codes = nil, nil
			if c.extra == "" {
				require.Equal(t, dm, sm, "the source order costs what the destination charged")
			} else {
				require.Equal(t, dm.Total, sub(t, sm.Total, c.extra), "the discount the source could not be given")
				require.Equal(t, "0.00", sm.Discounts)
			}
		})
	}
}

// The source order's amounts are the destination's as charged whether the
// destination's prices hold the tax or not, and whether its order reached
// the mirror by a bulk read or by its orders/create webhook: the shipping
// at its own price (not what the total holds beyond the subtotal and the
// tax), the tax once, and taxesIncluded as there.
func TestOrderTotalsAsChargedWithAndWithoutTaxIncluded(t *testing.T) {
	for _, c := range []struct {
		name     string
		included bool
		webhook  bool
	}{
		{"tax exclusive, bulk", false, false},
		{"tax inclusive, bulk", true, false},
		{"tax exclusive, webhook", false, true},
		{"tax inclusive, webhook", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := orderFixture(t, "sku", "one_way")
			dst, dloc := f.dsts[0], f.dstLocs[0]
			f.addProduct(f.src, f.srcLoc, "cap", "Cap", []variant{{"One", "CAP", "15.00", 6}})
			dp := f.addProduct(dst, dloc, "cap-d", "Cap", []variant{{"One", "CAP", "18.00", 6}})
			var hooks *webhookMirror
			if c.webhook {
				f.snapshot()
				hooks = f.mirrorWebhooks(dst, "ORDERS_CREATE")
			}
			// Tax of 6.00 on 36.00: inside the price (taxes included), or on
			// top; shipping 4.50 either way. A tax larger than the shipping
			// is what made a tax-inclusive order lose its shipping before.
			o := checkout(t, dst, func(in *fakeshop.OrderInput) { in.TaxTotal, in.TaxesIncluded = "6.00", c.included },
				fakeshop.LineItemInput{VariantID: dst.Variants(dp)[0].ID, Quantity: 2})
			dgid := gid("Order", o.ID)
			if c.webhook {
				hooks.flush()
			} else {
				f.mirrorOrders(f.src, dst)
			}
			so, msg := f.createdOrder(dgid)
			require.Empty(t, msg)
			require.Equal(t, "4.50", so.ShippingTotal)
			require.Equal(t, "6.00", so.TaxTotal)
			require.Equal(t, c.included, so.TaxesIncluded)
			want := "46.50" // 36.00 + 4.50 + 6.00
			if c.included {
				want = "40.50" // 36.00 (tax inside) + 4.50
			}
			dm, sm := f.orderAmounts(dst.Domain(), dgid), f.orderAmounts(f.src.Domain(), gid("Order", so.ID))
			require.Equal(t, want, dm.Total)
			require.Equal(t, dm, sm, "the source order costs what the destination charged")
			var dt, st string
			require.NoError(t, f.pool.QueryRow(f.ctx, `SELECT destination_total_price::numeric(12,2)::text, source_total_price::numeric(12,2)::text
				FROM order_links WHERE destination_order_gid = $1`, dgid).Scan(&dt, &st))
			require.Equal(t, []string{want, want}, []string{dt, st})
		})
	}
}

// sub is a - b for amounts with two decimals.
func sub(t *testing.T, a, b string) string {
	t.Helper()
	var ai, bi int64
	for _, p := range []struct {
		s   string
		out *int64
	}{{a, &ai}, {b, &bi}} {
		whole, frac, ok := strings.Cut(p.s, ".")
		require.True(t, ok && len(frac) == 2, p.s)
		*p.out = mustInt(t, whole)*100 + mustInt(t, frac)
	}
	d := ai - bi
	return fmt.Sprintf("%d.%02d", d/100, d%100)
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}
