package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const orderDiscountMutation = `mutation($order: OrderCreateOrderInput!) {
  orderCreate(order: $order) {
    order { discountCode discountCodes taxesIncluded
      subtotalPriceSet { shopMoney { amount } } totalDiscountsSet { shopMoney { amount } }
      totalShippingPriceSet { shopMoney { amount } } currentShippingPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } } }
    userErrors { code field message }
  }
}`

// orderCreate's discount code (one, of one kind) comes off the items or the
// shipping, and the order's subtotal, discounts, shipping and total say so;
// with taxes included, the tax is inside the subtotal and not added again.
func TestOrderCreateDiscountCodeAndTaxes(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT") // 10.00
	base := func(extra map[string]any) map[string]any {
		o := map[string]any{
			"lineItems":     []any{variantLine(vs[0], 3)}, // 30.00
			"shippingLines": []any{map[string]any{"title": "Standard", "priceSet": money("5")}},
			"taxLines":      []any{map[string]any{"title": "VAT", "rate": "0.1", "priceSet": money("2.70")}},
		}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}
	amounts := func(o map[string]any) []any {
		var out []any
		for _, k := range []string{"subtotalPriceSet", "totalDiscountsSet", "totalShippingPriceSet", "currentShippingPriceSet", "totalTaxSet", "totalPriceSet"} {
			out = append(out, dig(o, k, "shopMoney", "amount"))
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		extra    map[string]any
		codes    []any
		included bool
		// subtotal, discounts, shipping, shipping charged, tax, total
		want []any
	}{
		{"no discount", nil, []any{}, false, []any{"30.00", "0.00", "5.00", "5.00", "2.70", "37.70"}},
		{"fixed amount", map[string]any{"discountCode": map[string]any{"itemFixedDiscountCode": map[string]any{"code": "TAKE3", "amountSet": money("3")}}},
			[]any{"TAKE3"}, false, []any{"27.00", "3.00", "5.00", "5.00", "2.70", "34.70"}},
		{"fixed amount above the items", map[string]any{"discountCode": map[string]any{"itemFixedDiscountCode": map[string]any{"code": "ALL", "amountSet": money("100")}}},
			[]any{"ALL"}, false, []any{"0.00", "30.00", "5.00", "5.00", "2.70", "7.70"}},
		{"percentage", map[string]any{"discountCode": map[string]any{"itemPercentageDiscountCode": map[string]any{"code": "TEN", "percentage": 12.5}}},
			[]any{"TEN"}, false, []any{"26.25", "3.75", "5.00", "5.00", "2.70", "33.95"}},
		{"free shipping", map[string]any{"discountCode": map[string]any{"freeShippingDiscountCode": map[string]any{"code": "SHIPFREE"}}},
			[]any{"SHIPFREE"}, false, []any{"30.00", "5.00", "5.00", "0.00", "2.70", "32.70"}},
		{"taxes included", map[string]any{"taxesIncluded": true}, []any{}, true, []any{"30.00", "0.00", "5.00", "5.00", "2.70", "35.00"}},
		{"taxes included and a code", map[string]any{"taxesIncluded": true, "discountCode": map[string]any{"itemFixedDiscountCode": map[string]any{"code": "TAKE3", "amountSet": money("3")}}},
			[]any{"TAKE3"}, true, []any{"27.00", "3.00", "5.00", "5.00", "2.70", "32.00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := m.payload(t, "orderCreate", orderDiscountMutation, map[string]any{"order": base(tc.extra)})
			require.Empty(t, userErrs(res))
			o := res["order"].(map[string]any)
			require.Equal(t, tc.want, amounts(o))
			require.Equal(t, tc.codes, o["discountCodes"])
			if len(tc.codes) > 0 {
				require.Equal(t, tc.codes[0], o["discountCode"])
			} else {
				require.Nil(t, o["discountCode"])
			}
			require.Equal(t, tc.included, o["taxesIncluded"])
		})
	}
}

func TestOrderCreateDiscountCodeUserErrors(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	for _, tc := range []struct {
		name  string
		code  map[string]any
		field []string
	}{
		{"two kinds", map[string]any{"itemFixedDiscountCode": map[string]any{"code": "A", "amountSet": money("1")},
			"freeShippingDiscountCode": map[string]any{"code": "B"}}, []string{"order", "discountCode"}},
		{"blank code", map[string]any{"freeShippingDiscountCode": map[string]any{"code": " "}}, []string{"order", "discountCode", "freeShippingDiscountCode", "code"}},
		{"percentage above 100", map[string]any{"itemPercentageDiscountCode": map[string]any{"code": "X", "percentage": 150}},
			[]string{"order", "discountCode", "itemPercentageDiscountCode", "percentage"}},
		{"negative amount", map[string]any{"itemFixedDiscountCode": map[string]any{"code": "X", "amountSet": money("-1")}},
			[]string{"order", "discountCode", "itemFixedDiscountCode", "amountSet"}},
		{"amount in another currency", map[string]any{"itemFixedDiscountCode": map[string]any{"code": "X",
			"amountSet": map[string]any{"shopMoney": map[string]any{"amount": "1", "currencyCode": "EUR"}}}},
			[]string{"order", "discountCode", "itemFixedDiscountCode", "amountSet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := m.payload(t, "orderCreate", orderDiscountMutation, map[string]any{"order": map[string]any{
				"lineItems": []any{variantLine(vs[0], 1)}, "discountCode": tc.code}})
			requireUserError(t, res, "INVALID", tc.field...)
			require.Nil(t, res["order"])
		})
	}
	require.Empty(t, m.shop.Orders())
}
