package fakeshop

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// seedProducts adds n products titled "P<i>" with SKU "SKU-<i>", one clock
// second apart.
func seedProducts(t *testing.T, shop *Shop, clock *testClock, n int) []*Product {
	t.Helper()
	var out []*Product
	for i := range n {
		p, err := shop.CreateProduct(ProductInput{Title: ptr(fmt.Sprintf("P%02d", i))},
			[]VariantInput{{SKU: ptr(fmt.Sprintf("SKU-%02d", i)), Barcode: ptr(fmt.Sprintf("BC%02d", i)), Price: ptr("1.00")}})
		require.NoError(t, err)
		out = append(out, p)
		clock.Advance(time.Second)
	}
	return out
}

const pageQuery = `query($first: Int, $after: String, $last: Int, $before: String, $reverse: Boolean, $sortKey: ProductSortKeys) {
	products(first: $first, after: $after, last: $last, before: $before, reverse: $reverse, sortKey: $sortKey) {
		edges { cursor node { title } }
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
	}
}`

func titles(data map[string]any) []string {
	var out []string
	for _, e := range dig(data, "products", "edges").([]any) {
		out = append(out, dig(e, "node", "title").(string))
	}
	return out
}

func TestPaginationWalksEveryPageForwardAndBack(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "pages", Plan: tinyUnlimited})
	seedProducts(t, shop, clock, 23)

	var seen []string
	var after any
	pages := 0
	for {
		data := query(t, srv, shop, pageQuery, map[string]any{"first": 5, "after": after})
		pages++
		seen = append(seen, titles(data)...)
		info := dig(data, "products", "pageInfo").(map[string]any)
		require.Equal(t, pages > 1, info["hasPreviousPage"])
		edges := dig(data, "products", "edges").([]any)
		require.Equal(t, dig(edges, 0, "cursor"), info["startCursor"])
		require.Equal(t, dig(edges, len(edges)-1, "cursor"), info["endCursor"])
		if !info["hasNextPage"].(bool) {
			break
		}
		after = info["endCursor"]
	}
	require.Equal(t, 5, pages)
	require.Len(t, seen, 23)
	for i, title := range seen {
		require.Equal(t, fmt.Sprintf("P%02d", i), title)
	}

	// Backward from the end with last/before.
	var back []string
	var before any
	for {
		data := query(t, srv, shop, pageQuery, map[string]any{"last": 10, "before": before})
		back = append(titles(data), back...)
		info := dig(data, "products", "pageInfo").(map[string]any)
		if !info["hasPreviousPage"].(bool) {
			break
		}
		before = info["startCursor"]
	}
	require.Equal(t, seen, back)

	// reverse:true walks newest first; a cursor from that walk continues it.
	data := query(t, srv, shop, pageQuery, map[string]any{"first": 3, "reverse": true})
	require.Equal(t, []string{"P22", "P21", "P20"}, titles(data))
	data = query(t, srv, shop, pageQuery, map[string]any{"first": 3, "reverse": true, "after": dig(data, "products", "pageInfo", "endCursor")})
	require.Equal(t, []string{"P19", "P18", "P17"}, titles(data))

	// A sort key orders by its value; cursors carry it.
	data = query(t, srv, shop, pageQuery, map[string]any{"first": 2, "sortKey": "UPDATED_AT", "reverse": true})
	require.Equal(t, []string{"P22", "P21"}, titles(data))
}

func TestPaginationSurvivesDeletesBetweenPages(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "churn"})
	products := seedProducts(t, shop, clock, 6)
	data := query(t, srv, shop, pageQuery, map[string]any{"first": 3})
	require.Equal(t, []string{"P00", "P01", "P02"}, titles(data))
	// The last item of the page disappears: its cursor still positions the
	// next page, since a cursor carries the sort key, not an offset.
	require.NoError(t, shop.DeleteProduct(products[2].ID))
	data = query(t, srv, shop, pageQuery, map[string]any{"first": 3, "after": dig(data, "products", "pageInfo", "endCursor")})
	require.Equal(t, []string{"P03", "P04", "P05"}, titles(data))
}

func TestPaginationArgumentErrors(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "args"})
	url := srv.GraphQLURL(shop.Name())

	res := post(t, url, shop.Token(), `{ products { nodes { id } } }`, nil)
	require.Len(t, res.Errors, 1)
	require.Equal(t, "you must provide one of first or last", res.Errors[0]["message"])

	res = post(t, url, shop.Token(), `{ products(first: 251) { nodes { id } } }`, nil)
	require.NotEmpty(t, res.Errors, string(res.Raw))

	res = post(t, url, shop.Token(), `{ products(first: 2, after: "garbage") { nodes { id } } }`, nil)
	require.Len(t, res.Errors, 1)
	require.Equal(t, []any{"products"}, res.Errors[0]["path"])
}

func TestCursorRoundTrip(t *testing.T) {
	for _, k := range []cursorKey{{int64(9_007_199_254_740_993), 9_007_199_254_740_993}, {"red shirt", 12}, {"2026-01-01T00:00:00Z", 3}} {
		got, err := decodeCursor(encodeCursor(k))
		require.NoError(t, err)
		require.Equal(t, k, got)
	}
	_, err := decodeCursor("bm90IGpzb24=")
	require.Error(t, err)
}
