package fakeshop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBulkQueryValidationUserErrors(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "strict"})
	const (
		noConnection = "Bulk queries must contain at least one connection."
		tooDeep      = "Bulk queries cannot contain connections with a nesting depth greater than 2."
		tooMany      = "Bulk queries cannot contain more than 5 connections."
	)
	cases := []struct {
		name  string
		query string
		want  []string // messages; a trailing "*" matches a prefix
	}{
		{"no connection", `{ shop { id name } }`, []string{noConnection}},
		{"top-level node", `{ node(id: "gid://shopify/Product/1") { id } }`,
			[]string{"Bulk queries cannot contain a top level `node` field.", noConnection}},
		{"top-level nodes beside a connection", `{ nodes(ids: ["gid://shopify/Product/1"]) { id } products { edges { node { id } } } }`,
			[]string{"Bulk queries cannot contain a top level `nodes` field."}},
		// collections > products > variants > inventoryItem.inventoryLevels:
		// the levels are nested three levels below the top-level connection.
		{"too deep", `{ collections { edges { node { id products { edges { node { id variants { edges { node { id
			inventoryItem { inventoryLevels { edges { node { id } } } } } } } } } } } } } }`, []string{tooDeep}},
		{"six connections", `{
			products { edges { node { id
				variants { edges { node { id inventoryItem { inventoryLevels { edges { node { id } } } } } } }
				collections { edges { node { id } } } } } }
			locations { edges { node { id inventoryLevels { edges { node { id } } } } } }
		}`, []string{tooMany}},
		{"nodes instead of edges", `{ products { nodes { id } } }`, []string{
			"All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: 'products { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'products'."}},
		{"parent without id", `{ products { edges { node { title variants { edges { node { id } } } } } } }`, []string{
			"The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': products."}},
		{"another field aliased as id", `{ products { edges { node { id: handle variants { edges { node { id } } } } } } }`, []string{
			"The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': products."}},
		{"mutation", `mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }`,
			[]string{"Invalid operation type. Only `query` operations are supported."}},
		{"syntax error", `{ products { edges { node { id } } }`, []string{"Invalid bulk query: *"}},
		{"unknown field", `{ products { edges { node { id colour } } } }`, []string{"Invalid bulk query: *"}},
		{"required variable", `query($q: String!) { products(query: $q) { edges { node { id } } } }`, []string{"Invalid bulk query: *"}},
		{"too large", `{ products { edges { node { id } } } }` + strings.Repeat(" ", MaxBulkQueryBytes),
			[]string{"Query is too large (65573 bytes; maximum is 65535 bytes)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startBulk(t, srv, shop, tc.query)
			require.Nil(t, p["bulkOperation"])
			errs := p["userErrors"].([]any)
			require.Len(t, errs, len(tc.want), "%v", errs)
			for i, want := range tc.want {
				e := errs[i].(map[string]any)
				require.Equal(t, "INVALID", e["code"])
				require.Equal(t, []any{"query"}, e["field"])
				if prefix, ok := strings.CutSuffix(want, "*"); ok {
					require.True(t, strings.HasPrefix(e["message"].(string), prefix), e["message"])
				} else {
					require.Equal(t, want, e["message"])
				}
			}
		})
	}
	require.Empty(t, shop.BulkOperations(), "a rejected query starts no operation")
}

func TestBulkQueryNestingLimitCountsBelowTheTopLevelConnection(t *testing.T) {
	// products (level 0) > variants (1) > inventoryItem.inventoryLevels (2)
	// is the deepest Shopify allows, like its guide's products > variants >
	// images; five connections exactly is allowed too.
	for _, q := range []string{
		productsVariantsLevelsQuery,
		`{ products { edges { node { id
			variants { edges { node { id inventoryItem { inventoryLevels { edges { node { id } } } } } } }
			collections { edges { node { id } } } } } }
		   locations { edges { node { id } } } }`,
		`{ products { edges { node { id } } } shop { name } }`,
	} {
		plan, errs := planBulkQuery(q)
		require.Empty(t, errs, q)
		require.NotNil(t, plan)
	}
}
