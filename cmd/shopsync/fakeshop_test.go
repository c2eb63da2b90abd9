package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/cost"
)

func TestParseShopFlag(t *testing.T) {
	spec, err := parseShopFlag("source:plus")
	require.NoError(t, err)
	require.Equal(t, shopSpec{name: "source", plan: cost.Plus}, spec)
	spec, err = parseShopFlag("dest")
	require.NoError(t, err)
	require.Equal(t, shopSpec{name: "dest", plan: cost.Standard}, spec)
	spec, err = parseShopFlag("source:PLUS:10000")
	require.NoError(t, err)
	require.Equal(t, shopSpec{name: "source", plan: cost.Plus, products: 10_000}, spec)
	spec, err = parseShopFlag("dest::1mv")
	require.NoError(t, err)
	require.Equal(t, shopSpec{name: "dest", plan: cost.Standard, variants: 1_000_000}, spec)

	for _, bad := range []string{"Bad_Name", "dest:GOLD", "dest:plus:many", "dest:plus:0", "dest:plus:10:extra", ":plus"} {
		_, err := parseShopFlag(bad)
		require.Error(t, err, bad)
		require.Contains(t, err.Error(), bad, "the error names the flag value")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string][2]int{
		"10000": {10_000, 0}, "100k": {100_000, 0}, "2m": {2_000_000, 0}, "50p": {50, 0}, "3kp": {3_000, 0},
		"1mv": {0, 1_000_000}, "50kv": {0, 50_000}, "7v": {0, 7}, "10K": {10_000, 0},
	} {
		p, v, err := parseSize(in)
		require.NoError(t, err, in)
		require.Equal(t, want, [2]int{p, v}, in)
	}
	for _, bad := range []string{"", "k", "v", "-5", "1.5k", "10x", "1g", "999999m"} {
		_, _, err := parseSize(bad)
		require.Error(t, err, bad)
	}
}

// TestStartFakeshopSeedsAndServes runs the command's setup as the command
// does, without blocking: shops are seeded, printed and answer over HTTP.
func TestStartFakeshopSeedsAndServes(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	run := func() (string, func(string, string) map[string]any) {
		var out bytes.Buffer
		srv, err := startFakeshop(fakeshopOptions{listen: "127.0.0.1:0", seed: 7, locations: 2, orders: 25,
			shops: []string{"source:plus:300", "dest-eu::2kv", "dest-us"}}, &out, log)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, srv.Close()) })
		ask := func(shop, query string) map[string]any {
			sh := srv.Shop(shop)
			body, err := json.Marshal(map[string]any{"query": query})
			require.NoError(t, err)
			req, err := http.NewRequest(http.MethodPost, srv.GraphQLURL(shop), bytes.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Shopify-Access-Token", sh.Token())
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
			var res struct {
				Data   map[string]any
				Errors []any
			}
			require.NoError(t, json.Unmarshal(raw, &res))
			require.Empty(t, res.Errors, string(raw))
			return res.Data
		}
		return out.String(), ask
	}
	out, ask := run()

	require.Contains(t, out, "fakeshop listening on http://127.0.0.1:")
	for _, shop := range []string{"source", "dest-eu", "dest-us"} {
		require.Contains(t, out, "shop "+shop+".myshopify.com plan=")
		require.Contains(t, out, "/shops/"+shop+"/admin/api/")
	}
	require.Contains(t, out, "shop source.myshopify.com plan=PLUS")
	require.Regexp(t, `token  shpat_[0-9a-f]{32}`, out)
	require.Contains(t, out, "300 products")
	require.Contains(t, out, "2000 variants")
	require.Contains(t, out, "25 orders")
	require.Contains(t, out, "at 2 locations")
	require.Equal(t, 2, strings.Count(out, "  seeded seed="), "the unsized shop is not seeded")

	count := func(shop, field string) float64 {
		return ask(shop, "{ "+field+" { count } }")[field].(map[string]any)["count"].(float64)
	}
	require.Equal(t, 300.0, count("source", "productsCount"))
	require.Equal(t, 25.0, count("source", "ordersCount"))
	require.Equal(t, 2000.0, count("dest-eu", "productVariantsCount"))
	require.Equal(t, 0.0, count("dest-us", "productsCount"))

	// The same command seeds the same stores: same counts, same catalogue.
	out2, ask2 := run()
	stable := func(s string) string {
		s = regexp.MustCompile(`(?m)^(  (url|token|secret) |fakeshop listening).*\n`).ReplaceAllString(s, "")
		return regexp.MustCompile(` in [0-9.]+s:`).ReplaceAllString(s, "")
	}
	require.Equal(t, stable(out), stable(out2))
	require.NotEqual(t, out, out2, "tokens and ports are new each run")
	const firstProducts = `{ products(first: 5) { nodes { handle variants(first: 5) { nodes { sku barcode price } } } } }`
	require.Equal(t, ask("source", firstProducts), ask2("source", firstProducts))
}

func TestStartFakeshopRejectsBadFlags(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, opts := range []fakeshopOptions{
		{listen: "127.0.0.1:0"},
		{listen: "127.0.0.1:0", shops: []string{"a", "a"}},
		{listen: "127.0.0.1:0", shops: []string{"a:plus:ten"}},
		{listen: "127.0.0.1:0", shops: []string{"a"}, locations: -1},
	} {
		srv, err := startFakeshop(opts, io.Discard, log)
		require.Error(t, err, "%+v", opts)
		require.Nil(t, srv)
	}
}
