package main

import (
	"bufio"
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

// verify after ingest → plan → apply finds no drift through the mirror or
// the API; an edit made in the destination behind shopsync's back is
// reported through the API (the mirror has not seen it), field by field,
// with a non-zero exit.
func TestVerifyFindsDriftMadeInTheDestination(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.PostgresURL(t))
	t.Setenv("CLICKHOUSE_DSN", testdb.ClickHouseDSN(t))
	srv := fakeshop.New(fakeshop.Options{})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	src := srv.AddShop(fakeshop.ShopConfig{Name: "verify-src", Plan: cost.Plus})
	dst := srv.AddShop(fakeshop.ShopConfig{Name: "verify-dst", Plan: cost.Plus})
	_, err := fakeshop.Seed(src, fakeshop.SeedConfig{Seed: 3, Products: 12})
	require.NoError(t, err)
	for _, sh := range []*fakeshop.Shop{src, dst} {
		env := strings.ToUpper(strings.ReplaceAll(sh.Name(), "-", "_"))
		t.Setenv("TOKEN_"+env, sh.Token())
		t.Setenv("SECRET_"+env, sh.Secret())
	}
	conf := filepath.Join(t.TempDir(), "shopsync.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(`stores:
  - name: src
    domain: %s
    role: source
    plan: plus
    endpoint: %s
    token_env: TOKEN_VERIFY_SRC
    webhook_secret_env: SECRET_VERIFY_SRC
  - name: dst
    domain: %s
    role: destination
    plan: plus
    endpoint: %s
    token_env: TOKEN_VERIFY_DST
    webhook_secret_env: SECRET_VERIFY_DST
links:
  - source: src
    destination: dst
    match_key: handle
    price:
      markup_percent: 10
`, src.Domain(), srv.GraphQLURL(src.Name()), dst.Domain(), srv.GraphQLURL(dst.Name()))), 0o600))

	out, err := runShopsync(t, "ingest", "--config", conf, "--once", "--no-relay", "--listen", "", "--family", "products,inventory")
	require.NoError(t, err, out)
	out, err = runShopsync(t, "plan")
	require.NoError(t, err, out)
	out, err = runShopsync(t, "apply", "--config", conf, "--once")
	require.NoError(t, err, out)

	out, err = runShopsync(t, "verify", "--config", conf)
	require.NoError(t, err, out)
	require.Regexp(t, `(?m)^  via mirror 12 products, \d+ variants, 0 stock levels compared, 0 held back by conflicts: no drift$`, out)
	require.Regexp(t, `(?m)^  via api    12 products, \d+ variants, 0 stock levels compared, 0 held back by conflicts: no drift$`, out)
	require.Contains(t, out, "verify: no drift")

	// Behind shopsync's back: a title and a price changed in the
	// destination, a product deleted there.
	products := dst.Products()
	require.Len(t, products, 12)
	edited, gone := products[0], products[1]
	title := "Renamed by hand"
	_, err = dst.UpdateProduct(edited.ID, fakeshop.ProductInput{Title: &title})
	require.NoError(t, err)
	v := dst.Variants(edited)[0]
	price := "0.50"
	_, err = dst.UpdateVariant(v.ID, fakeshop.VariantInput{Price: &price})
	require.NoError(t, err)
	require.NoError(t, dst.DeleteProduct(gone.ID))

	out, err = runShopsync(t, "verify", "--config", conf, "--dest", "dst")
	require.ErrorIs(t, err, errDrift, out)
	require.Contains(t, out, "  via mirror 12 products")
	require.Regexp(t, `(?m)^  via mirror .*: no drift$`, out, "the mirror has not seen the edits")
	require.Regexp(t, `(?m)^  via api    .*: 3 difference\(s\)$`, out)
	require.Regexp(t, `(?m)^  api\s+product\s+`+edited.Handle+`\s+title\s+.*Renamed by hand$`, out)
	require.Regexp(t, `(?m)^  api\s+variant\s+`+edited.Handle+` .*\s+price\s+\S+\s+0\.50$`, out)
	require.Regexp(t, `(?m)^  api\s+product\s+`+gone.Handle+`\s+exists\s+`+gone.Handle+`\s+\(missing\)$`, out)

	out, err = runShopsync(t, "verify", "--config", conf, "--json")
	require.ErrorIs(t, err, errDrift, out)
	fields := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "{") {
			continue
		}
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), sc.Text())
		if line["kind"] == "drift" {
			require.Equal(t, "api", line["via"])
			require.Equal(t, dst.Domain(), line["destination"])
			fields[line["field"].(string)] = true
		}
	}
	require.Equal(t, map[string]bool{"title": true, "price": true, "exists": true}, fields)

	// Mirror only: the mirror still believes the stores agree.
	out, err = runShopsync(t, "verify", "--mirror-only")
	require.NoError(t, err, out)
	require.Contains(t, out, "via api    not checked")
}
