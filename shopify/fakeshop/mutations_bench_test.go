package fakeshop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"testing"

	"github.com/shopsync/shopsync/shopify/cost"
)

// BenchmarkProductSetOverHTTP upserts one product of 10 variants stocked at
// a location per iteration, over real HTTP, as the applier would.
func BenchmarkProductSetOverHTTP(b *testing.B) {
	srv := New(Options{})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	// An unlimited budget: the benchmark measures the emulator, not throttling.
	shop := srv.AddShop(ShopConfig{Name: "bench", Plan: cost.Plan{Name: "BENCH", RestoreRate: math.MaxInt32, Capacity: math.MaxInt32}})
	loc, err := shop.CreateLocation(LocationInput{Name: "Warehouse"})
	if err != nil {
		b.Fatal(err)
	}
	values, variants := []any{}, []any{}
	for i := range 10 {
		size := fmt.Sprint("S", i)
		values = append(values, map[string]any{"name": size})
		variants = append(variants, map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": size}},
			"sku": "SKU-" + size, "price": "10.00",
			"inventoryQuantities": []any{map[string]any{"locationId": gidOf("Location", loc.ID), "name": "available", "quantity": 5}}})
	}
	const q = `mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers) { productSet(input: $input, identifier: $identifier) { product { id } userErrors { code } } }`
	for i := 0; b.Loop(); i++ {
		handle := fmt.Sprint("bench-", i)
		res, err := benchPost(srv.GraphQLURL("bench"), shop.Token(), q, map[string]any{"identifier": map[string]any{"handle": handle},
			"input": map[string]any{"handle": handle, "title": "Bench", "productOptions": []any{map[string]any{"name": "Size", "values": values}}, "variants": variants}})
		if err != nil || dig(res, "data", "productSet", "product", "id") == nil {
			b.Fatalf("productSet failed: %v %v", err, res)
		}
	}
	b.StopTimer()
	perSec := float64(b.N) / b.Elapsed().Seconds()
	fmt.Printf("BENCH productSet_10_variants_over_http %.0f mutations/s\n", perSec)
}

// benchPost sends one GraphQL request and decodes the answer.
func benchPost(url, token, query string, vars map[string]any) (map[string]any, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	return out, json.NewDecoder(resp.Body).Decode(&out)
}
