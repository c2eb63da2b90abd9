package fakeshop

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAuthRejectsMissingAndWrongTokens(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "auth", Token: "right"})
	for _, token := range []string{"", "wrong"} {
		res := post(t, srv.GraphQLURL(shop.Name()), token, `{ shop { name } }`, nil)
		require.Equal(t, http.StatusUnauthorized, res.Status)
		require.JSONEq(t, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, string(res.Raw))
	}
	// Another shop's token is no key to this one.
	other := srv.AddShop(ShopConfig{Name: "other"})
	res := post(t, srv.GraphQLURL(shop.Name()), other.Token(), `{ shop { name } }`, nil)
	require.Equal(t, http.StatusUnauthorized, res.Status)
}

func TestHostHeaderAddressingAndVersionFallForward(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "hosted"})
	// A version fakeshop does not serve is answered as 2026-01, like
	// Shopify falling forward, and the header says which version answered.
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/admin/api/2024-01/graphql.json",
		strings.NewReader(`{"query":"{ shop { myshopifyDomain } }"}`))
	require.NoError(t, err)
	req.Host = "hosted.myshopify.com"
	req.Header.Set("X-Shopify-Access-Token", shop.Token())
	res := do(t, req)
	require.Equal(t, http.StatusOK, res.Status, string(res.Raw))
	require.Equal(t, "2026-01", res.Header.Get("X-Shopify-API-Version"))
	require.Equal(t, "hosted.myshopify.com", dig(res.Data, "shop", "myshopifyDomain"))

	req, err = http.NewRequest(http.MethodPost, srv.URL()+"/admin/api/2026-01/graphql.json", strings.NewReader(`{"query":"{ shop { name } }"}`))
	require.NoError(t, err)
	req.Host = "nosuchshop.myshopify.com"
	req.Header.Set("X-Shopify-Access-Token", shop.Token())
	require.Equal(t, http.StatusNotFound, do(t, req).Status)
}

func TestMissingQueryIsBadRequest(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "empty"})
	req, err := http.NewRequest(http.MethodPost, srv.GraphQLURL(shop.Name()), bytes.NewReader([]byte(`{"variables":{}}`)))
	require.NoError(t, err)
	req.Header.Set("X-Shopify-Access-Token", shop.Token())
	res := do(t, req)
	require.Equal(t, http.StatusBadRequest, res.Status)
	require.JSONEq(t, `{"errors":{"query":"Required parameter missing or invalid"}}`, string(res.Raw))
}

func TestValidationAndParseErrorsHaveShopifysShape(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "valid"})
	url := srv.GraphQLURL(shop.Name())

	res := post(t, url, shop.Token(), "{\n  shop { nope }\n}", nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Nil(t, res.Data)
	require.Len(t, res.Errors, 1)
	e := res.Errors[0]
	require.Contains(t, e["message"], `Cannot query field "nope" on type "Shop"`)
	require.Equal(t, []any{map[string]any{"line": 2.0, "column": 10.0}}, e["locations"])
	require.Equal(t, "undefinedField", dig(e, "extensions", "code"))

	res = post(t, url, shop.Token(), `{ shop { name }`, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Len(t, res.Errors, 1)
	require.Equal(t, "parseError", dig(res.Errors[0], "extensions", "code"))
	require.NotEmpty(t, res.Errors[0]["locations"])

	res = post(t, url, shop.Token(), `query($id: ID!) { product(id: $id) { id } }`, map[string]any{})
	require.Len(t, res.Errors, 1)
	require.Equal(t, "INVALID_VARIABLE", dig(res.Errors[0], "extensions", "code"))

	// A field error (a malformed GID) is reported with its path, beside data.
	res = post(t, url, shop.Token(), `{ product(id: "not-a-gid") { id } }`, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Len(t, res.Errors, 1)
	require.Equal(t, []any{"product"}, res.Errors[0]["path"])
	require.Equal(t, "Invalid global id 'not-a-gid'", res.Errors[0]["message"])
	require.Contains(t, res.Data, "product")
	require.Nil(t, res.Data["product"])
}

func TestNonNullErrorsPropagateToTheNearestNullableParent(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "nulls"})
	loc, err := shop.CreateLocation(LocationInput{Name: "Main"})
	require.NoError(t, err)
	_, err = shop.CreateProduct(ProductInput{Title: ptr("Thing")}, []VariantInput{{Quantities: []LocationQuantity{{LocationID: loc.ID, Name: "available", Quantity: 1}}}})
	require.NoError(t, err)
	// quantities(names:) rejects an unknown name; quantities is non-null, so
	// the error nulls the level, which is non-null in its list, and so on up
	// to the nullable inventoryItem... until the nearest nullable field.
	res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(),
		`{ productVariants(first: 1) { nodes { inventoryItem { inventoryLevels(first: 1) { nodes { quantities(names: ["bogus"]) { quantity } } } } } } }`, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Len(t, res.Errors, 1)
	require.Equal(t, []any{"productVariants", "nodes", 0.0, "inventoryItem", "inventoryLevels", "nodes", 0.0, "quantities"}, res.Errors[0]["path"])
	// Every field on the way up is non-null, so data itself is null.
	require.Nil(t, res.Data)
	require.Contains(t, string(res.Raw), `"data":null`)
}

func TestAliasesFragmentsAndTypename(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "frags"})
	p, err := shop.CreateProduct(ProductInput{Title: ptr("Mug"), Vendor: ptr("Acme")}, nil)
	require.NoError(t, err)
	data := query(t, srv, shop, `
		query Q($id: ID!, $withVendor: Boolean!) {
			first: product(id: $id) { ...P }
			again: node(id: $id) { __typename id ... on Product { name: title vendor @include(if: $withVendor) } }
		}
		fragment P on Product { __typename title handle maker: vendor @skip(if: $withVendor) }`,
		map[string]any{"id": gidOf("Product", p.ID), "withVendor": true})
	require.Equal(t, map[string]any{"__typename": "Product", "title": "Mug", "handle": "mug"}, data["first"])
	require.Equal(t, map[string]any{"__typename": "Product", "id": gidOf("Product", p.ID), "name": "Mug", "vendor": "Acme"}, data["again"])
}
