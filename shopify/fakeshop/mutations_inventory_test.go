package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const setQuantitiesMutation = `mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri createdAt
      changes { name delta quantityAfterChange ledgerDocumentUri item { id } location { id } } }
    userErrors { field message code }
  }
}`

func levelQuantities(t *testing.T, m *mutShop, itemID, locationID int64) map[string]any {
	t.Helper()
	data := m.do(t, `query($item: ID!, $loc: ID!) { inventoryItem(id: $item) { inventoryLevel(locationId: $loc) {
		quantities(names: ["available", "on_hand"]) { name quantity } } } }`,
		map[string]any{"item": gidOf("InventoryItem", itemID), "loc": gidOf("Location", locationID)})
	out := map[string]any{}
	for _, q := range dig(data, "inventoryItem", "inventoryLevel", "quantities").([]any) {
		out[q.(map[string]any)["name"].(string)] = q.(map[string]any)["quantity"]
	}
	return out
}

func setInput(reason, name string, quantities ...map[string]any) map[string]any {
	qs := make([]any, len(quantities))
	for i, q := range quantities {
		qs[i] = q
	}
	return map[string]any{"input": map[string]any{"reason": reason, "name": name, "quantities": qs}}
}

func TestInventorySetQuantities(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	item, wh := gidOf("InventoryItem", vs[0].InventoryItemID), gidOf("Location", m.warehouse.ID)

	// Happy path with compare-and-swap: 5 → 12.
	vars := setInput("correction", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 12, "changeFromQuantity": 5})
	vars["input"].(map[string]any)["referenceDocumentUri"] = "gid://shopsync/Sync/1"
	p := m.payload(t, "inventorySetQuantities", setQuantitiesMutation, vars)
	require.Empty(t, userErrs(p))
	group := p["inventoryAdjustmentGroup"].(map[string]any)
	require.Equal(t, "correction", group["reason"])
	require.Equal(t, "gid://shopsync/Sync/1", group["referenceDocumentUri"])
	require.Equal(t, []any{
		map[string]any{"name": "available", "delta": float64(7), "quantityAfterChange": float64(12), "ledgerDocumentUri": nil, "item": map[string]any{"id": item}, "location": map[string]any{"id": wh}},
		map[string]any{"name": "on_hand", "delta": float64(7), "quantityAfterChange": float64(12), "ledgerDocumentUri": nil, "item": map[string]any{"id": item}, "location": map[string]any{"id": wh}},
	}, group["changes"])
	require.Equal(t, map[string]any{"available": float64(12), "on_hand": float64(12)}, levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID))
	require.Equal(t, []string{TopicInventoryLevelsUpdate}, m.topics())

	// A stale changeFromQuantity changes nothing.
	p = m.payload(t, "inventorySetQuantities", setQuantitiesMutation,
		setInput("correction", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 1, "changeFromQuantity": 5}))
	requireUserError(t, p, "CHANGE_FROM_QUANTITY_STALE", "input", "quantities", "0", "changeFromQuantity")
	require.Nil(t, p["inventoryAdjustmentGroup"])
	require.Empty(t, m.topics())
	require.Equal(t, float64(12), levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID)["available"])

	// changeFromQuantity: null skips the check; on_hand moves available with it.
	p = m.payload(t, "inventorySetQuantities", setQuantitiesMutation,
		setInput("cycle_count_available", "on_hand", map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 3, "changeFromQuantity": nil}))
	require.Empty(t, userErrs(p))
	require.Equal(t, map[string]any{"available": float64(3), "on_hand": float64(3)}, levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID))

	// Without changeFromQuantity, 2026-01 falls back to the deprecated pair.
	p = m.payload(t, "inventorySetQuantities", setQuantitiesMutation,
		setInput("correction", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 4}))
	requireUserError(t, p, "COMPARE_QUANTITY_REQUIRED", "input", "quantities", "0", "changeFromQuantity")
	p = m.payload(t, "inventorySetQuantities", setQuantitiesMutation,
		setInput("correction", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 4, "compareQuantity": 99}))
	requireUserError(t, p, "COMPARE_QUANTITY_STALE", "input", "quantities", "0", "compareQuantity")
	vars = setInput("correction", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 4})
	vars["input"].(map[string]any)["ignoreCompareQuantity"] = true
	require.Empty(t, userErrs(m.payload(t, "inventorySetQuantities", setQuantitiesMutation, vars)))
	require.Equal(t, float64(4), levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID)["available"])
}

func TestInventorySetQuantitiesUserErrors(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	item, wh, st := gidOf("InventoryItem", vs[0].InventoryItemID), gidOf("Location", m.warehouse.ID), gidOf("Location", m.store.ID)
	q := func(item, loc string, qty int) map[string]any {
		return map[string]any{"inventoryItemId": item, "locationId": loc, "quantity": qty, "changeFromQuantity": nil}
	}
	for _, tc := range []struct {
		name  string
		vars  map[string]any
		code  string
		field []string
	}{
		{"reason not in the documented list", setInput("because", "available", q(item, wh, 1)), "INVALID_REASON", []string{"input", "reason"}},
		{"only available and on_hand can be set", setInput("correction", "committed", q(item, wh, 1)), "INVALID_NAME", []string{"input", "name"}},
		{"not stocked at the location", setInput("correction", "available", q(item, st, 1)), "ITEM_NOT_STOCKED_AT_LOCATION", []string{"input", "quantities", "0", "locationId"}},
		{"unknown item", setInput("correction", "available", q(gidOf("InventoryItem", 1), wh, 1)), "INVALID_INVENTORY_ITEM", []string{"input", "quantities", "0", "inventoryItemId"}},
		{"an id of another type is unknown", setInput("correction", "available", q(gidOf("Product", vs[0].ProductID), wh, 1)), "INVALID_INVENTORY_ITEM", []string{"input", "quantities", "0", "inventoryItemId"}},
		{"unknown location", setInput("correction", "available", q(item, gidOf("Location", 1), 1)), "INVALID_LOCATION", []string{"input", "quantities", "0", "locationId"}},
		{"too high", setInput("correction", "available", q(item, wh, 1_000_000_001)), "INVALID_QUANTITY_TOO_HIGH", []string{"input", "quantities", "0", "quantity"}},
		{"the same pair twice", setInput("correction", "available", q(item, wh, 1), q(item, wh, 2)), "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", []string{"input", "quantities", "1"}},
		{"negative on_hand", setInput("correction", "on_hand", q(item, wh, -1)), "INVALID_QUANTITY_NEGATIVE", []string{"input", "quantities", "0", "quantity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := m.payload(t, "inventorySetQuantities", setQuantitiesMutation, tc.vars)
			requireUserError(t, p, tc.code, tc.field...)
			require.Nil(t, p["inventoryAdjustmentGroup"])
		})
	}
	require.Empty(t, m.topics(), "failed mutations change nothing")
	require.Equal(t, float64(5), levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID)["available"])

	// A malformed GID is a GraphQL error, not a userError.
	res := m.raw(t, setQuantitiesMutation, setInput("correction", "available", q("not-a-gid", wh, 1)))
	require.Len(t, res.Errors, 1)
	require.Contains(t, res.Errors[0]["message"], "Invalid global id")
	require.Nil(t, res.Data["inventorySetQuantities"])
}

func TestInputArraysOver250AreRejected(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	qs := make([]map[string]any, 251)
	for i := range qs {
		qs[i] = map[string]any{"inventoryItemId": gidOf("InventoryItem", vs[0].InventoryItemID), "locationId": gidOf("Location", m.warehouse.ID), "quantity": i, "changeFromQuantity": nil}
	}
	res := m.raw(t, setQuantitiesMutation, setInput("correction", "available", qs...))
	require.Len(t, res.Errors, 1, string(res.Raw))
	require.Equal(t, "The input array size of 251 is greater than the maximum allowed of 250.", res.Errors[0]["message"])
	require.Equal(t, "MAX_INPUT_SIZE_EXCEEDED", dig(res.Errors[0], "extensions", "code"))
	require.Equal(t, []any{"inventorySetQuantities"}, res.Errors[0]["path"])
	require.Nil(t, res.Data["inventorySetQuantities"])
	require.Empty(t, m.topics())

	// 250 is allowed (and then fails on the duplicate pair, a business rule).
	res = m.raw(t, setQuantitiesMutation, setInput("correction", "available", qs[:250]...))
	require.Empty(t, res.Errors)
	require.Equal(t, "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", dig(res.Data, "inventorySetQuantities", "userErrors", 0, "code"))
}

const adjustMutation = `mutation Adjust($input: InventoryAdjustQuantitiesInput!) {
  inventoryAdjustQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange ledgerDocumentUri } }
    userErrors { field message code }
  }
}`

func TestInventoryAdjustQuantities(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	item, wh := gidOf("InventoryItem", vs[0].InventoryItemID), gidOf("Location", m.warehouse.ID)
	adjust := func(name string, changes ...map[string]any) map[string]any {
		cs := make([]any, len(changes))
		for i, c := range changes {
			cs[i] = c
		}
		return m.payload(t, "inventoryAdjustQuantities", adjustMutation, map[string]any{"input": map[string]any{"reason": "received", "name": name, "changes": cs}})
	}

	p := adjust("available", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": -2, "changeFromQuantity": 5})
	require.Empty(t, userErrs(p))
	require.Equal(t, []any{
		map[string]any{"name": "available", "delta": float64(-2), "quantityAfterChange": float64(3), "ledgerDocumentUri": nil},
		map[string]any{"name": "on_hand", "delta": float64(-2), "quantityAfterChange": float64(3), "ledgerDocumentUri": nil},
	}, dig(p, "inventoryAdjustmentGroup", "changes"))
	require.Equal(t, []string{TopicInventoryLevelsUpdate}, m.topics())

	// Other quantity names need one ledger document, echoed in the changes.
	p = adjust("damaged", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": 1, "ledgerDocumentUri": "gid://shopsync/Damage/7"})
	require.Empty(t, userErrs(p))
	require.Equal(t, []any{
		map[string]any{"name": "damaged", "delta": float64(1), "quantityAfterChange": float64(1), "ledgerDocumentUri": "gid://shopsync/Damage/7"},
		map[string]any{"name": "on_hand", "delta": float64(1), "quantityAfterChange": float64(4), "ledgerDocumentUri": "gid://shopsync/Damage/7"},
	}, dig(p, "inventoryAdjustmentGroup", "changes"))
	require.Equal(t, map[string]any{"available": float64(3), "on_hand": float64(4)}, levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID))
	m.topics()

	for _, tc := range []struct {
		name, qty string
		change    map[string]any
		code      string
		field     []string
	}{
		{"stale", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": 1, "changeFromQuantity": 5}, "CHANGE_FROM_QUANTITY_STALE", []string{"input", "changes", "0", "changeFromQuantity"}},
		{"document on available", "available", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": 1, "ledgerDocumentUri": "gid://a/B/1"}, "INVALID_AVAILABLE_DOCUMENT", []string{"input", "changes", "0", "ledgerDocumentUri"}},
		{"no document elsewhere", "incoming", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": 1}, "INVALID_QUANTITY_DOCUMENT", []string{"input", "changes", "0", "ledgerDocumentUri"}},
		{"shopify's own documents", "incoming", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": 1, "ledgerDocumentUri": "gid://shopify/Order/1"}, "INTERNAL_LEDGER_DOCUMENT", []string{"input", "changes", "0", "ledgerDocumentUri"}},
		{"unknown name", "sold", map[string]any{"inventoryItemId": item, "locationId": wh, "delta": 1, "ledgerDocumentUri": "gid://a/B/1"}, "INVALID_QUANTITY_NAME", []string{"name"}},
		{"not stocked", "available", map[string]any{"inventoryItemId": item, "locationId": gidOf("Location", m.store.ID), "delta": 1}, "ITEM_NOT_STOCKED_AT_LOCATION", []string{"input", "changes", "0", "locationId"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := adjust(tc.qty, tc.change)
			if tc.code == "INVALID_QUANTITY_NAME" {
				tc.field = []string{"input", "name"}
			}
			requireUserError(t, p, tc.code, tc.field...)
		})
	}
	require.Empty(t, m.topics())
}

const activateMutation = `mutation Activate($item: ID!, $loc: ID!, $available: Int) {
  inventoryActivate(inventoryItemId: $item, locationId: $loc, available: $available) {
    inventoryLevel { id location { id } quantities(names: ["available"]) { quantity } }
    userErrors { field message }
  }
}`

func TestInventoryActivate(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	item, st := gidOf("InventoryItem", vs[0].InventoryItemID), gidOf("Location", m.store.ID)

	p := m.payload(t, "inventoryActivate", activateMutation, map[string]any{"item": item, "loc": st, "available": 9})
	require.Empty(t, userErrs(p))
	require.Equal(t, st, dig(p, "inventoryLevel", "location", "id"))
	require.Equal(t, float64(9), dig(p, "inventoryLevel", "quantities", 0, "quantity"))
	// The connect webhook carries the level as the mutation left it, not the
	// zero it held for an instant inside it.
	require.Equal(t, []int{9}, m.connected())
	require.Equal(t, []string{TopicInventoryLevelsConnect, TopicInventoryLevelsUpdate}, m.topics())
	require.Equal(t, float64(9), levelQuantities(t, m, vs[0].InventoryItemID, m.store.ID)["available"])

	p = m.payload(t, "inventoryActivate", activateMutation, map[string]any{"item": gidOf("InventoryItem", 1), "loc": st})
	requireUserError(t, p, nil, "inventoryItemId")
	p = m.payload(t, "inventoryActivate", activateMutation, map[string]any{"item": item, "loc": gidOf("Location", 1)})
	requireUserError(t, p, nil, "locationId")
	require.Empty(t, m.topics())
}

func TestIdempotentInventoryMutations(t *testing.T) {
	m := newMutShop(t)
	_, vs := m.simpleProduct(t, "Hat", "HAT")
	item, wh := gidOf("InventoryItem", vs[0].InventoryItemID), gidOf("Location", m.warehouse.ID)
	const keyed = `mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name quantityAfterChange } }
    userErrors { field message code }
  }
}`
	input := func(delta int) map[string]any {
		return map[string]any{"reason": "received", "name": "available",
			"changes": []any{map[string]any{"inventoryItemId": item, "locationId": wh, "delta": delta}}}
	}

	first := m.payload(t, "inventoryAdjustQuantities", keyed, map[string]any{"input": input(2), "key": "k-1"})
	require.Empty(t, userErrs(first))
	require.Equal(t, []string{TopicInventoryLevelsUpdate}, m.topics())

	// The same key and input: the original answer, not applied again.
	again := m.payload(t, "inventoryAdjustQuantities", keyed, map[string]any{"input": input(2), "key": "k-1"})
	require.Equal(t, first, again)
	require.Empty(t, m.topics())
	require.Equal(t, float64(7), levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID)["available"])

	// The same key with other input.
	p := m.payload(t, "inventoryAdjustQuantities", keyed, map[string]any{"input": input(3), "key": "k-1"})
	requireUserError(t, p, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")
	require.Nil(t, p["inventoryAdjustmentGroup"])

	// The same key on another mutation is other input too.
	const setKeyed = `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "k-1") { userErrors { code } } }`
	require.Equal(t, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", dig(m.do(t, setKeyed, setInput("correction", "available",
		map[string]any{"inventoryItemId": item, "locationId": wh, "quantity": 1, "changeFromQuantity": nil})), "inventorySetQuantities", "userErrors", 0, "code"))

	// A failed attempt is remembered as failed.
	stale := input(1)
	stale["changes"].([]any)[0].(map[string]any)["changeFromQuantity"] = 0
	p = m.payload(t, "inventoryAdjustQuantities", keyed, map[string]any{"input": stale, "key": "k-2"})
	requireUserError(t, p, "CHANGE_FROM_QUANTITY_STALE", "input", "changes", "0", "changeFromQuantity")
	p = m.payload(t, "inventoryAdjustQuantities", keyed, map[string]any{"input": stale, "key": "k-2"})
	requireUserError(t, p, "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED")

	// The key is optional in 2026-01: without it every call applies.
	const unkeyed = `mutation Adjust($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { code } } }`
	m.do(t, unkeyed, map[string]any{"input": input(1)})
	m.do(t, unkeyed, map[string]any{"input": input(1)})
	require.Equal(t, float64(9), levelQuantities(t, m, vs[0].InventoryItemID, m.warehouse.ID)["available"])
	m.topics()

	// An empty or whitespace key is invalid.
	for _, key := range []string{"", "   "} {
		res := m.raw(t, keyed, map[string]any{"input": input(1), "key": key})
		require.Len(t, res.Errors, 1, string(res.Raw))
		require.Contains(t, res.Errors[0]["message"], "idempotency key cannot be an empty string")
		require.Nil(t, res.Data["inventoryAdjustQuantities"])
	}

	// inventoryActivate replays its level; its UserError type has no code.
	const activateKeyed = `mutation($item: ID!, $loc: ID!) { inventoryActivate(inventoryItemId: $item, locationId: $loc, onHand: 4) @idempotent(key: "act-1") {
		inventoryLevel { id } userErrors { field message } } }`
	vars := map[string]any{"item": item, "loc": gidOf("Location", m.store.ID)}
	a1 := m.payload(t, "inventoryActivate", activateKeyed, vars)
	require.Empty(t, userErrs(a1))
	require.Equal(t, a1, m.payload(t, "inventoryActivate", activateKeyed, vars))
	require.Equal(t, []string{TopicInventoryLevelsConnect, TopicInventoryLevelsUpdate}, m.topics(), "applied once")
	vars["loc"] = wh
	p = m.payload(t, "inventoryActivate", activateKeyed, vars)
	require.Len(t, userErrs(p), 1)
	require.Equal(t, "The same idempotency key cannot be used with different operation parameters.", userErrs(p)[0]["message"])

	// Keys are per shop.
	other := m.srv.AddShop(ShopConfig{Name: "other"})
	res := post(t, m.srv.GraphQLURL(other.Name()), other.Token(), keyed, map[string]any{"input": input(2), "key": "k-1"})
	require.Equal(t, "INVALID_INVENTORY_ITEM", dig(res.Data, "inventoryAdjustQuantities", "userErrors", 0, "code"), "k-1 is new in the other shop")
}
