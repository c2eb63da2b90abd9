package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// ingest --once mirrors a fakeshop store, from flags and from a
// configuration file, logging progress as JSON lines when not on a
// terminal; a second --once finds nothing to do.
func TestIngestOnceMirrorsAStore(t *testing.T) {
	pool := testdb.Postgres(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	srv := fakeshop.New(fakeshop.Options{})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "ingest-cmd", Plan: cost.Plus})
	stats, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 1, Products: 20})
	require.NoError(t, err)
	t.Setenv("INGEST_TEST_TOKEN", shop.Token())

	out, err := runShopsync(t, "ingest", "--once", "--no-relay", "--shop", shop.Domain(),
		"--endpoint", srv.GraphQLURL(shop.Name()), "--token-env", "INGEST_TEST_TOKEN", "--spill-dir", t.TempDir())
	require.NoError(t, err, out)
	require.Contains(t, out, `"msg":"snapshot completed"`)
	require.NotContains(t, out, shop.Token())
	var variants int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM variants WHERE store = $1 AND deleted_at IS NULL`, shop.Domain()).Scan(&variants))
	require.Equal(t, stats.Variants, variants)

	// With a configuration file: nothing left to snapshot.
	cfg := filepath.Join(t.TempDir(), "shopsync.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`stores:
  - name: source
    domain: `+shop.Domain()+`
    role: source
    endpoint: `+srv.GraphQLURL(shop.Name())+`
    token_env: INGEST_TEST_TOKEN
    webhook_secret_env: INGEST_TEST_SECRET
`), 0o600))
	t.Setenv("INGEST_TEST_SECRET", shop.Secret())
	out, err = runShopsync(t, "ingest", "--config", cfg, "--once", "--no-relay")
	require.NoError(t, err, out)
	require.NotContains(t, out, "snapshot completed")
	require.NotContains(t, out, shop.Secret())

	_, err = runShopsync(t, "ingest", "--once")
	require.ErrorContains(t, err, "give --config, or --shop and --token-env")
}
