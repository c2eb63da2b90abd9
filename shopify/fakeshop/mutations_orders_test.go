package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const orderCreateMutation = `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name email tags displayFinancialStatus displayFulfillmentStatus
      customer { id email firstName } shippingAddress { city countryCodeV2 country }
      subtotalPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 10) { nodes { title sku quantity variant { id } originalUnitPriceSet { shopMoney { amount } } } } }
    userErrors { code field message }
  }
}`

func variantLine(v *Variant, qty int) map[string]any {
	return map[string]any{"variantId": gidOf("ProductVariant", v.ID), "quantity": qty}
}

func money(amount string) map[string]any {
	return map[string]any{"shopMoney": map[string]any{"amount": amount, "currencyCode": "USD"}}
}

func TestOrderCreate(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	res := m.payload(t, "orderCreate", orderCreateMutation, map[string]any{"order": map[string]any{
		"name": "#D-1001", "tags": []any{"from-destination"},
		"customer":        map[string]any{"toUpsert": map[string]any{"email": "bo@example.com", "firstName": "Bo"}},
		"shippingAddress": map[string]any{"address1": "1 Main St", "city": "Berlin", "countryCode": "DE"},
		"lineItems": []any{variantLine(vs[0], 2),
			map[string]any{"title": "Gift wrap", "quantity": 1, "priceSet": money("2.5")}},
		"shippingLines": []any{map[string]any{"title": "Standard", "priceSet": money("5")}},
		"taxLines":      []any{map[string]any{"title": "VAT", "rate": "0.1"}},
		"transactions":  []any{map[string]any{"kind": "SALE", "status": "SUCCESS", "amountSet": money("29.75")}},
	}})
	require.Empty(t, userErrs(res))
	o := res["order"].(map[string]any)
	require.Equal(t, []any{"#D-1001", "bo@example.com", []any{"from-destination"}, "PAID", "UNFULFILLED"},
		[]any{o["name"], o["email"], o["tags"], o["displayFinancialStatus"], o["displayFulfillmentStatus"]})
	require.Equal(t, "Bo", dig(o, "customer", "firstName"))
	require.Equal(t, map[string]any{"city": "Berlin", "countryCodeV2": "DE", "country": "Germany"}, o["shippingAddress"])
	// 2 × 10.00 + 2.50 = 22.50, tax 10 % = 2.25, shipping 5.00: 29.75.
	require.Equal(t, []any{"22.50", "2.25", "29.75"}, []any{dig(o, "subtotalPriceSet", "shopMoney", "amount"), dig(o, "totalTaxSet", "shopMoney", "amount"), dig(o, "totalPriceSet", "shopMoney", "amount")})
	lines := dig(o, "lineItems", "nodes").([]any)
	require.Equal(t, map[string]any{"title": "Hat", "sku": "HAT", "quantity": float64(2), "variant": map[string]any{"id": gidOf("ProductVariant", vs[0].ID)},
		"originalUnitPriceSet": map[string]any{"shopMoney": map[string]any{"amount": "10.00"}}}, lines[0])
	require.Equal(t, map[string]any{"title": "Gift wrap", "sku": nil, "quantity": float64(1), "variant": nil,
		"originalUnitPriceSet": map[string]any{"shopMoney": map[string]any{"amount": "2.50"}}}, lines[1])
	require.Equal(t, []string{TopicOrdersCreate}, m.topics(), "BYPASS is the default: no inventory change")
	require.Equal(t, 5, m.shop.InventoryLevel(vs[0].InventoryItemID, m.warehouse.ID).Quantity(QtyAvailable))
	read := m.do(t, `query($id: ID!) { order(id: $id) { name customer { email } } }`, map[string]any{"id": o["id"]})
	require.Equal(t, map[string]any{"name": "#D-1001", "customer": map[string]any{"email": "bo@example.com"}}, read["order"])

	// The same customer again by id.
	res = m.payload(t, "orderCreate", orderCreateMutation, map[string]any{"order": map[string]any{
		"customer": map[string]any{"toAssociate": map[string]any{"id": dig(o, "customer", "id")}}, "lineItems": []any{variantLine(vs[0], 1)}}})
	require.Empty(t, userErrs(res))
	require.Equal(t, dig(o, "customer", "id"), dig(res, "order", "customer", "id"))
	require.Equal(t, "PENDING", dig(res, "order", "displayFinancialStatus"), "no transactions: nothing paid")
	require.Equal(t, "bo@example.com", dig(res, "order", "email"))
}

func TestOrderCreateInventoryBehaviour(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	available := func() int { return m.shop.InventoryLevel(vs[0].InventoryItemID, m.warehouse.ID).Quantity(QtyAvailable) }
	order := func(behaviour string, qty int) map[string]any {
		return m.payload(t, "orderCreate", orderCreateMutation, map[string]any{"order": map[string]any{"lineItems": []any{variantLine(vs[0], qty)}},
			"options": map[string]any{"inventoryBehaviour": behaviour}})
	}

	require.Empty(t, userErrs(order("DECREMENT_OBEYING_POLICY", 3)))
	require.Equal(t, 2, available())
	require.Equal(t, []string{TopicInventoryLevelsUpdate, TopicOrdersCreate}, m.topics())

	// Not enough stock and a DENY policy: the order is refused.
	res := order("DECREMENT_OBEYING_POLICY", 3)
	requireUserError(t, res, "INVENTORY_CLAIM_FAILED", "order", "lineItems", "0")
	require.Nil(t, res["order"])
	require.Equal(t, 2, available())
	require.Empty(t, m.topics())
	require.Len(t, m.shop.Orders(), 1)

	// Ignoring the policy oversells.
	require.Empty(t, userErrs(order("DECREMENT_IGNORING_POLICY", 3)))
	require.Equal(t, -1, available())
	require.Equal(t, []string{TopicInventoryLevelsUpdate, TopicOrdersCreate}, m.topics())

	// A CONTINUE policy lets the obeying behaviour oversell too.
	_, err := m.shop.UpdateVariant(vs[0].ID, VariantInput{InventoryPolicy: ptr("CONTINUE")})
	require.NoError(t, err)
	m.topics()
	require.Empty(t, userErrs(order("DECREMENT_OBEYING_POLICY", 2)))
	require.Equal(t, -3, available())

	require.Empty(t, userErrs(order("BYPASS", 50)))
	require.Equal(t, -3, available())
}

func TestOrderCreateUserErrors(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	for _, tc := range []struct {
		name  string
		order map[string]any
		code  string
		field []string
	}{
		{"no line items", map[string]any{"email": "a@b.c"}, "INVALID", []string{"order", "lineItems"}},
		{"custom line without title", map[string]any{"lineItems": []any{map[string]any{"quantity": 1, "priceSet": money("1")}}}, "INVALID", []string{"order", "lineItems", "0", "title"}},
		{"zero quantity", map[string]any{"lineItems": []any{variantLine(vs[0], 0)}}, "INVALID", []string{"order", "lineItems", "0", "quantity"}},
		{"unknown variant", map[string]any{"lineItems": []any{map[string]any{"variantId": gidOf("ProductVariant", 1), "quantity": 1}}}, "INVALID", []string{"order", "lineItems", "0", "variantId"}},
		{"both customer forms", map[string]any{"lineItems": []any{variantLine(vs[0], 1)}, "customer": map[string]any{
			"toAssociate": map[string]any{"email": "a@b.c"}, "toUpsert": map[string]any{"email": "a@b.c"}}}, "REDUNDANT_CUSTOMER_FIELDS", []string{"order", "customer"}},
		{"processed in the future", map[string]any{"lineItems": []any{variantLine(vs[0], 1)}, "processedAt": "2030-01-01T00:00:00Z"}, "PROCESSED_AT_INVALID", []string{"order", "processedAt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := m.payload(t, "orderCreate", orderCreateMutation, map[string]any{"order": tc.order})
			requireUserError(t, res, tc.code, tc.field...)
			require.Nil(t, res["order"])
		})
	}
	require.Empty(t, m.topics())
	require.Empty(t, m.shop.Orders())
}

func TestOrderCancel(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	res := m.payload(t, "orderCreate", orderCreateMutation, map[string]any{"order": map[string]any{"lineItems": []any{variantLine(vs[0], 2)}},
		"options": map[string]any{"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}})
	orderID := dig(res, "order", "id")
	m.topics()

	const cancel = `mutation($id: ID!, $restock: Boolean!) { orderCancel(orderId: $id, restock: $restock, reason: CUSTOMER, refund: false) {
		job { id done } orderCancelUserErrors { code field message } userErrors { field message } } }`
	res = m.payload(t, "orderCancel", cancel, map[string]any{"id": orderID, "restock": true})
	require.Empty(t, userErrs(res, "orderCancelUserErrors"))
	require.Empty(t, userErrs(res))
	require.Equal(t, true, dig(res, "job", "done"))
	require.Equal(t, []string{TopicInventoryLevelsUpdate, TopicOrdersCancelled, TopicOrdersUpdated}, m.topics())
	require.Equal(t, 5, m.shop.InventoryLevel(vs[0].InventoryItemID, m.warehouse.ID).Quantity(QtyAvailable), "restocked")
	read := m.do(t, `query($id: ID!) { order(id: $id) { cancelReason closed cancelledAt } }`, map[string]any{"id": orderID})
	require.Equal(t, map[string]any{"cancelReason": "CUSTOMER", "closed": true, "cancelledAt": "2026-01-15T10:00:00Z"}, read["order"])

	res = m.payload(t, "orderCancel", cancel, map[string]any{"id": orderID, "restock": false})
	require.Nil(t, res["job"])
	require.Equal(t, []map[string]any{{"code": "INVALID", "field": []any{"orderId"}, "message": "Order has already been cancelled"}}, userErrs(res, "orderCancelUserErrors"))
	require.Equal(t, []map[string]any{{"field": []any{"orderId"}, "message": "Order has already been cancelled"}}, userErrs(res), "the deprecated list repeats them")
	res = m.payload(t, "orderCancel", cancel, map[string]any{"id": gidOf("Order", 1), "restock": false})
	require.Equal(t, "NOT_FOUND", dig(res, "orderCancelUserErrors", 0, "code"))
	require.Empty(t, m.topics())
}
