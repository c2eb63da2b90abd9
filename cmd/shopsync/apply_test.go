package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// ingest → plan → apply → status through the commands, against fakeshop:
// the destination gets the source's product, and status shows it applied.
func TestApplyOnceThenStatus(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.PostgresURL(t))
	t.Setenv("CLICKHOUSE_DSN", testdb.ClickHouseDSN(t))
	srv := fakeshop.New(fakeshop.Options{})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	src := srv.AddShop(fakeshop.ShopConfig{Name: "cli-src", Plan: cost.Plus})
	dst := srv.AddShop(fakeshop.ShopConfig{Name: "cli-dst", Plan: cost.Standard})
	title, handle, price := "Tee", "tee", "12.00"
	_, err := src.CreateProduct(fakeshop.ProductInput{Title: &title, Handle: &handle},
		[]fakeshop.VariantInput{{OptionValues: []fakeshop.SelectedOption{{Name: "Title", Value: "Default Title"}}, Price: &price}})
	require.NoError(t, err)
	for _, sh := range []*fakeshop.Shop{src, dst} {
		t.Setenv("TOKEN_"+strings.ToUpper(strings.ReplaceAll(sh.Name(), "-", "_")), sh.Token())
		t.Setenv("SECRET_"+strings.ToUpper(strings.ReplaceAll(sh.Name(), "-", "_")), sh.Secret())
	}
	conf := filepath.Join(t.TempDir(), "shopsync.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(`stores:
  - name: src
    domain: %s
    role: source
    plan: plus
    endpoint: %s
    token_env: TOKEN_CLI_SRC
    webhook_secret_env: SECRET_CLI_SRC
  - name: dst
    domain: %s
    role: destination
    endpoint: %s
    token_env: TOKEN_CLI_DST
    webhook_secret_env: SECRET_CLI_DST
links:
  - source: src
    destination: dst
    match_key: handle
    price:
      markup_percent: 10
`, src.Domain(), srv.GraphQLURL(src.Name()), dst.Domain(), srv.GraphQLURL(dst.Name()))), 0o600))

	out, err := runShopsync(t, "ingest", "--config", conf, "--once", "--no-relay", "--listen", "", "--family", "products")
	require.NoError(t, err, out)
	out, err = runShopsync(t, "plan")
	require.NoError(t, err, out)

	out, err = runShopsync(t, "status")
	require.NoError(t, err, out)
	require.Regexp(t, `(?m)^cli-dst\.myshopify\.com\s+1\s+0\s+0\s+\S+\s+-\s+-`, out, "one pending, no writer, no budget seen yet")

	out, err = runShopsync(t, "apply", "--config", conf, "--once")
	require.NoError(t, err, out)
	require.NotContains(t, out, dst.Token(), "a token in the output")
	p := dst.ProductByHandle("tee")
	require.NotNil(t, p, "the product was not created: %s", out)
	require.Equal(t, "13.20", dst.Variants(p)[0].Price)

	out, err = runShopsync(t, "status", "--json")
	require.NoError(t, err, out)
	var st map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(out)), &st), out)
	require.Equal(t, "cli-dst.myshopify.com", st["destination"])
	require.Equal(t, float64(0), st["pending"])
	require.Equal(t, float64(1), st["applied"])
	budget := st["budget"].(map[string]any)
	require.Equal(t, float64(2000), budget["maximum_available"])
	require.Equal(t, float64(100), budget["restore_rate"])
	require.Equal(t, float64(0), budget["throttled"])

	out, err = runShopsync(t, "apply")
	require.ErrorContains(t, err, "--config is required", out)
}
