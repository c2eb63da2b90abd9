package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const collectionCreateMutation = `mutation($input: CollectionInput!) { collectionCreate(input: $input) {
  collection { id handle title sortOrder ruleSet { appliedDisjunctively rules { column relation condition } } }
  userErrors { field message } } }`

func collectionProductIDs(t *testing.T, m *mutShop, id any) []any {
	t.Helper()
	data := m.do(t, `query($id: ID!) { collection(id: $id) { products(first: 50) { nodes { id } } } }`, map[string]any{"id": id})
	out := []any{}
	for _, n := range dig(data, "collection", "products", "nodes").([]any) {
		out = append(out, n.(map[string]any)["id"])
	}
	return out
}

func TestCollectionMutations(t *testing.T) {
	m := newMutShop(t)
	hat, _ := m.simpleProduct(t, "Hat", "S")
	capP, _ := m.simpleProduct(t, "Cap", "S")
	_, err := m.shop.UpdateProduct(capP.ID, ProductInput{Tags: &[]string{"summer"}})
	require.NoError(t, err)
	m.topics()
	hatID, capID := gidOf("Product", hat.ID), gidOf("Product", capP.ID)

	// A manual collection gets its products on create only.
	res := m.payload(t, "collectionCreate", collectionCreateMutation, map[string]any{"input": map[string]any{"title": "Best Sellers", "products": []any{hatID}}})
	require.Empty(t, userErrs(res))
	manual := dig(res, "collection", "id")
	require.Equal(t, "best-sellers", dig(res, "collection", "handle"))
	require.Equal(t, "MANUAL", dig(res, "collection", "sortOrder"))
	require.Equal(t, []any{hatID}, collectionProductIDs(t, m, manual))
	require.Equal(t, []string{TopicCollectionsCreate}, m.topics())

	// A smart collection computes its members from the rules.
	res = m.payload(t, "collectionCreate", collectionCreateMutation, map[string]any{"input": map[string]any{"title": "Summer",
		"ruleSet": map[string]any{"appliedDisjunctively": false, "rules": []any{map[string]any{"column": "TAG", "relation": "EQUALS", "condition": "summer"}}}}})
	require.Empty(t, userErrs(res))
	smart := dig(res, "collection", "id")
	require.Equal(t, map[string]any{"appliedDisjunctively": false, "rules": []any{map[string]any{"column": "TAG", "relation": "EQUALS", "condition": "summer"}}}, dig(res, "collection", "ruleSet"))
	require.Equal(t, []any{capID}, collectionProductIDs(t, m, smart))
	m.topics()

	const update = `mutation($input: CollectionInput!) { collectionUpdate(input: $input) { collection { id title handle } job { done } userErrors { field message } } }`
	res = m.payload(t, "collectionUpdate", update, map[string]any{"input": map[string]any{"id": manual, "title": "Top", "handle": "top"}})
	require.Empty(t, userErrs(res))
	require.Equal(t, map[string]any{"id": manual, "title": "Top", "handle": "top"}, res["collection"])
	require.Nil(t, res["job"])
	require.Equal(t, []string{TopicCollectionsUpdate}, m.topics())
	res = m.payload(t, "collectionUpdate", update, map[string]any{"input": map[string]any{"id": smart,
		"ruleSet": map[string]any{"appliedDisjunctively": true, "rules": []any{map[string]any{"column": "TITLE", "relation": "CONTAINS", "condition": "hat"}}}}})
	require.Empty(t, userErrs(res))
	require.Equal(t, map[string]any{"done": true}, res["job"], "re-matching is a job in Shopify")
	require.Equal(t, []any{hatID}, collectionProductIDs(t, m, smart))
	m.topics()

	for _, tc := range []struct {
		name  string
		input map[string]any
		field []string
	}{
		{"products after create", map[string]any{"id": manual, "products": []any{capID}}, []string{"input", "products"}},
		{"unknown collection", map[string]any{"id": gidOf("Collection", 1), "title": "x"}, []string{"input", "id"}},
		{"manual to smart", map[string]any{"id": manual, "ruleSet": map[string]any{"appliedDisjunctively": false, "rules": []any{map[string]any{"column": "TAG", "relation": "EQUALS", "condition": "x"}}}}, []string{"input", "ruleSet"}},
		{"handle taken", map[string]any{"id": manual, "handle": "summer"}, []string{"input", "handle"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireUserError(t, m.payload(t, "collectionUpdate", update, map[string]any{"input": tc.input}), nil, tc.field...)
		})
	}
	requireUserError(t, m.payload(t, "collectionCreate", collectionCreateMutation, map[string]any{"input": map[string]any{"title": ""}}), nil, "input", "title")
	requireUserError(t, m.payload(t, "collectionCreate", collectionCreateMutation, map[string]any{"input": map[string]any{"title": "x", "products": []any{gidOf("Product", 1)}}}), nil, "input", "products", "0")
	require.Empty(t, m.topics())

	// Membership of manual collections.
	const add = `mutation($id: ID!, $ids: [ID!]!) { collectionAddProducts(id: $id, productIds: $ids) { collection { id } userErrors { field message } } }`
	const remove = `mutation($id: ID!, $ids: [ID!]!) { collectionRemoveProducts(id: $id, productIds: $ids) { job { id done } userErrors { field message } } }`
	res = m.payload(t, "collectionAddProducts", add, map[string]any{"id": manual, "ids": []any{capID}})
	require.Empty(t, userErrs(res))
	require.Equal(t, []any{hatID, capID}, collectionProductIDs(t, m, manual))
	require.Equal(t, []string{TopicCollectionsUpdate}, m.topics())
	res = m.payload(t, "collectionRemoveProducts", remove, map[string]any{"id": manual, "ids": []any{hatID}})
	require.Empty(t, userErrs(res))
	require.Equal(t, true, dig(res, "job", "done"))
	require.Contains(t, dig(res, "job", "id"), "gid://shopify/Job/")
	require.Equal(t, []any{capID}, collectionProductIDs(t, m, manual))
	require.Equal(t, []string{TopicCollectionsUpdate}, m.topics())
	requireUserError(t, m.payload(t, "collectionAddProducts", add, map[string]any{"id": smart, "ids": []any{capID}}), nil, "id")
	requireUserError(t, m.payload(t, "collectionAddProducts", add, map[string]any{"id": manual, "ids": []any{gidOf("Product", 1)}}), nil, "productIds", "0")
	requireUserError(t, m.payload(t, "collectionRemoveProducts", remove, map[string]any{"id": gidOf("Collection", 1), "ids": []any{capID}}), nil, "id")

	const del = `mutation($id: ID!) { collectionDelete(input: {id: $id}) { deletedCollectionId shop { id } userErrors { field message } } }`
	res = m.payload(t, "collectionDelete", del, map[string]any{"id": manual})
	require.Equal(t, manual, res["deletedCollectionId"])
	require.Nil(t, m.do(t, `query($id: ID!) { collection(id: $id) { id } }`, map[string]any{"id": manual})["collection"])
	require.Equal(t, []string{TopicCollectionsDelete}, m.topics())
	res = m.payload(t, "collectionDelete", del, map[string]any{"id": manual})
	require.Equal(t, "Collection does not exist", requireUserError(t, res, nil, "input", "id")["message"])
	require.Equal(t, m.shop.GID(), dig(res, "shop", "id"))
}
