package fakeshop

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestQueryFilters(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "search", Plan: tinyUnlimited})
	start := clock.Now()
	products := seedProducts(t, shop, clock, 6) // P00..P05 at start+0s..start+5s
	_, err := shop.UpdateProduct(products[4].ID, ProductInput{Status: ptr("DRAFT"), Handle: ptr("special-one")})
	require.NoError(t, err) // P04 now updated at start+6s

	at := func(sec int) string { return start.Add(time.Duration(sec) * time.Second).Format(time.RFC3339) }
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"updated_at:>" + at(3), []string{"P04", "P05"}},
		{"updated_at:>=" + at(3), []string{"P03", "P04", "P05"}},
		{"updated_at:<" + at(2), []string{"P00", "P01"}},
		{"updated_at:<=" + at(2), []string{"P00", "P01", "P02"}},
		{fmt.Sprintf("updated_at:>'%s'", at(4)), []string{"P04", "P05"}},
		{"sku:SKU-03", []string{"P03"}},
		{"sku:sku-03", []string{"P03"}},
		{"sku:SKU-0*", []string{"P00", "P01", "P02", "P03", "P04", "P05"}},
		{"barcode:BC05", []string{"P05"}},
		{"handle:special-one", []string{"P04"}},
		{"handle:p01", []string{"P01"}},
		{"title:P02", []string{"P02"}},
		{"P02", []string{"P02"}},
		{"status:draft", []string{"P04"}},
		{"status:active,draft", []string{"P00", "P01", "P02", "P03", "P04", "P05"}},
		{"status:active AND updated_at:>=" + at(3), []string{"P03", "P05"}},
		{"status:active updated_at:>=" + at(3), []string{"P03", "P05"}},
		{"sku:SKU-00 OR sku:SKU-05", []string{"P00", "P05"}},
		{"(sku:SKU-00 OR sku:SKU-05) AND status:active", []string{"P00", "P05"}},
		{"-status:active", []string{"P04"}},
		{"NOT status:active", []string{"P04"}},
		{"nosuchfield:x", []string{"P00", "P01", "P02", "P03", "P04", "P05"}},
		{fmt.Sprintf("id:>%d", products[3].ID), []string{"P04", "P05"}},
	} {
		data := query(t, srv, shop, `query($q: String) { products(first: 50, query: $q) { edges { node { title } } } }`, map[string]any{"q": tc.q})
		got := titles(data)
		if got == nil {
			got = []string{}
		}
		require.Equal(t, tc.want, got, tc.q)
	}

	data := query(t, srv, shop, `{ productVariants(first: 10, query: "sku:SKU-01 OR barcode:BC02") { nodes { sku } }
		inventoryItems(first: 10, query: "sku:SKU-05") { nodes { sku } } }`, nil)
	require.Equal(t, []any{map[string]any{"sku": "SKU-01"}, map[string]any{"sku": "SKU-02"}}, dig(data, "productVariants", "nodes"))
	require.Equal(t, []any{map[string]any{"sku": "SKU-05"}}, dig(data, "inventoryItems", "nodes"))
}

func TestParseFilterErrors(t *testing.T) {
	_, err := parseFilter(`title:"unterminated`)
	require.Error(t, err)
	e, err := parseFilter("")
	require.NoError(t, err)
	require.True(t, e.match(filterSpec{}, nil))
}
