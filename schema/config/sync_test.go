package config

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

const examplePath = "../../deploy/config/shopsync.example.yaml"

type linkRow struct {
	ID                                                     int64
	Source, Destination                                    string
	Enabled                                                bool
	MatchKey, CurrencyFactor, PriceMultiplier, PriceOffset string
	RoundTo                                                *string
	CompareAtMode                                          string
	FieldPolicies                                          map[string]string
	DeletePolicy, InventoryMode                            string
	LocationMap                                            map[string]string
	SyncCollections, SyncPages, SyncBlogs, SyncOrders      bool
	UpdatedAt                                              time.Time
}

func readLinks(t *testing.T, pool *pgxpool.Pool) map[string]linkRow {
	rows, err := pool.Query(context.Background(), `SELECT id, source_store, destination_store, enabled, match_key,
		currency_factor::text, price_multiplier::text, price_offset::text, round_to::text, compare_at_mode,
		field_policies, delete_policy, inventory_mode, location_map, sync_collections, sync_pages, sync_blogs, sync_orders, updated_at
		FROM links`)
	require.NoError(t, err)
	links, err := pgx.CollectRows(rows, pgx.RowToStructByPos[linkRow])
	require.NoError(t, err)
	out := map[string]linkRow{}
	for _, l := range links {
		out[l.Destination] = l
	}
	return out
}

func TestSyncWritesStoresAndLinksIdempotently(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	cfg, err := Load(examplePath)
	require.NoError(t, err)

	res, err := Sync(ctx, pool, cfg)
	require.NoError(t, err)
	require.Len(t, res.LinkIDs, 2)
	require.Empty(t, res.Disabled)
	require.Equal(t, []UnresolvedLocation{{LinkID: res.LinkIDs["acme-eu.myshopify.com"], SourceRef: "East Warehouse", DestinationRef: "EU Warehouse",
		Reason: `no single live location named "East Warehouse" in the source's mirror`}}, res.Unresolved)

	rows, err := pool.Query(ctx, `SELECT domain, role, plan_tier, name FROM stores ORDER BY domain`)
	require.NoError(t, err)
	stores, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Domain, Role, Plan, Name string }])
	require.NoError(t, err)
	require.Equal(t, []struct{ Domain, Role, Plan, Name string }{
		{"acme-eu.myshopify.com", "destination", "advanced", "eu"},
		{"acme-main.myshopify.com", "source", "plus", "main"},
		{"acme-outlet.myshopify.com", "destination", "standard", "outlet"},
	}, stores)

	links := readLinks(t, pool)
	eu, outlet := links["acme-eu.myshopify.com"], links["acme-outlet.myshopify.com"]
	require.Equal(t, res.LinkIDs["acme-eu.myshopify.com"], eu.ID)
	require.Equal(t, "acme-main.myshopify.com", eu.Source)
	require.True(t, eu.Enabled)
	require.Equal(t, "handle", eu.MatchKey)
	require.Equal(t, "0.92", eu.CurrencyFactor)
	require.Equal(t, "1.10", eu.PriceMultiplier)
	require.Equal(t, "0", eu.PriceOffset)
	require.Equal(t, "0.99", *eu.RoundTo)
	require.Equal(t, "scale", eu.CompareAtMode)
	require.Equal(t, "create_only", eu.FieldPolicies["description"])
	require.Equal(t, "ignore", eu.FieldPolicies["seo"])
	require.Len(t, eu.FieldPolicies, len(Fields), "every field is written, defaults included")
	require.Equal(t, "archive", eu.DeletePolicy)
	require.Equal(t, "one_way", eu.InventoryMode)
	require.Equal(t, map[string]string{"gid://shopify/Location/1001": "gid://shopify/Location/2001", "East Warehouse": "EU Warehouse"}, eu.LocationMap)
	require.Equal(t, [4]bool{true, true, false, true}, [4]bool{eu.SyncCollections, eu.SyncPages, eu.SyncBlogs, eu.SyncOrders})

	require.Equal(t, "sku", outlet.MatchKey)
	require.Equal(t, "0.80", outlet.PriceMultiplier)
	require.Equal(t, "2.00", outlet.PriceOffset)
	require.Nil(t, outlet.RoundTo)
	require.Equal(t, "clear", outlet.CompareAtMode)
	require.Equal(t, "unpublish", outlet.DeletePolicy)
	require.Equal(t, "two_way", outlet.InventoryMode)
	require.Equal(t, [4]bool{true, false, false, true}, [4]bool{outlet.SyncCollections, outlet.SyncPages, outlet.SyncBlogs, outlet.SyncOrders})

	require.Equal(t, [][2]string{{"gid://shopify/Location/1001", "gid://shopify/Location/2001"}}, linkLocations(t, pool, eu.ID))
	require.Equal(t, [][2]string{{"gid://shopify/Location/1001", "gid://shopify/Location/3001"}}, linkLocations(t, pool, outlet.ID))

	// The rule Sync wrote is the rule of the file: SQL over the row = Go.
	for _, price := range []string{"0", "9.99", "10.00", "24.5", "1234.567"} {
		for _, l := range cfg.Links {
			want, err := l.Price.Apply(price)
			require.NoError(t, err)
			var got string
			require.NoError(t, pool.QueryRow(ctx, `SELECT shopsync_price($1::numeric, l)::text FROM links l WHERE id = $2`,
				price, res.LinkIDs[cfg.Store(l.Destination).Domain]).Scan(&got))
			require.Equal(t, want, got, "%s -> %s, price %s", l.Source, l.Destination, price)
		}
	}

	// Again: nothing changes, not even updated_at.
	again, err := Sync(ctx, pool, cfg)
	require.NoError(t, err)
	require.Equal(t, res, again)
	require.Equal(t, links, readLinks(t, pool))

	// Once the locations are mirrored, names resolve.
	_, err = pool.Exec(ctx, `INSERT INTO locations (store, gid, name, content_hash) VALUES
		('acme-main.myshopify.com', 'gid://shopify/Location/1002', 'East Warehouse', '\x00'),
		('acme-eu.myshopify.com', 'gid://shopify/Location/2002', 'EU Warehouse', '\x00')`)
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	unresolved, err := ResolveLocations(ctx, tx)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	require.Empty(t, unresolved)
	require.Equal(t, [][2]string{
		{"gid://shopify/Location/1001", "gid://shopify/Location/2001"},
		{"gid://shopify/Location/1002", "gid://shopify/Location/2002"},
	}, linkLocations(t, pool, eu.ID))
}

func TestSyncUpdatesAndDisablesLinks(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	cfg, err := Load(examplePath)
	require.NoError(t, err)
	first, err := Sync(ctx, pool, cfg)
	require.NoError(t, err)
	before := readLinks(t, pool)

	cfg.Links = cfg.Links[:1] // the outlet's link goes
	cfg.Links[0].Price.MarkupPercent = "12.5"
	cfg.Links[0].Inventory.LocationMap = map[string]string{"gid://shopify/Location/1001": "gid://shopify/Location/2009"}
	res, err := Sync(ctx, pool, cfg)
	require.NoError(t, err)
	outletID := first.LinkIDs["acme-outlet.myshopify.com"]
	require.Equal(t, []int64{outletID}, res.Disabled)
	require.Empty(t, res.Unresolved)

	after := readLinks(t, pool)
	eu := after["acme-eu.myshopify.com"]
	require.Equal(t, before["acme-eu.myshopify.com"].ID, eu.ID, "same pair, same link")
	require.Equal(t, "1.125", eu.PriceMultiplier)
	require.True(t, eu.UpdatedAt.After(before["acme-eu.myshopify.com"].UpdatedAt), "a changed link gets a new updated_at")
	require.False(t, after["acme-outlet.myshopify.com"].Enabled, "disabled, not deleted")
	require.Equal(t, [][2]string{{"gid://shopify/Location/1001", "gid://shopify/Location/2009"}}, linkLocations(t, pool, eu.ID))
}

func TestSyncRefusesRoleChangeOfLinkedStore(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	cfg, err := Load(examplePath)
	require.NoError(t, err)
	_, err = Sync(ctx, pool, cfg)
	require.NoError(t, err)
	before := readLinks(t, pool)

	// eu becomes the source and main a destination: both have links.
	cfg.Stores[0].Role, cfg.Stores[1].Role = RoleDestination, RoleSource
	cfg.Links = []Link{cfg.Links[0]}
	cfg.Links[0].Source, cfg.Links[0].Destination = "eu", "main"
	_, err = Sync(ctx, pool, cfg)
	require.Error(t, err)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "stores[0].role", fe.Path)
	require.Contains(t, err.Error(), "store acme-main.myshopify.com is a source in the database and cannot become a destination")
	require.Contains(t, err.Error(), "store acme-eu.myshopify.com is a destination in the database and cannot become a source")
	require.Contains(t, err.Error(), "acme-main.myshopify.com -> acme-eu.myshopify.com")
	require.Equal(t, before, readLinks(t, pool), "nothing changed")
}

func TestSyncRefusesSecondSource(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	cfg, err := Load(examplePath)
	require.NoError(t, err)
	_, err = Sync(ctx, pool, cfg)
	require.NoError(t, err)

	cfg.Stores[0].Domain = "acme-new.myshopify.com" // a new source; the old one is forgotten
	_, err = Sync(ctx, pool, cfg)
	require.ErrorContains(t, err, "store acme-main.myshopify.com is the source in the database and is not in the configuration")
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stores WHERE domain = 'acme-new.myshopify.com'`).Scan(&n))
	require.Zero(t, n)
}

func TestSyncMovesSourceRoleBetweenUnlinkedStores(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	cfg, err := Load(examplePath)
	require.NoError(t, err)
	cfg.Links = nil
	_, err = Sync(ctx, pool, cfg)
	require.NoError(t, err)

	// Without links a store may change role: the old source is demoted
	// before the new one is written (one source at a time).
	cfg.Stores[0].Role, cfg.Stores[1].Role = RoleDestination, RoleSource
	_, err = Sync(ctx, pool, cfg)
	require.NoError(t, err)
	var source string
	require.NoError(t, pool.QueryRow(ctx, `SELECT domain FROM stores WHERE role = 'source'`).Scan(&source))
	require.Equal(t, "acme-eu.myshopify.com", source)
}

func TestSyncRefusesInvalidConfig(t *testing.T) {
	cfg, err := Load(examplePath)
	require.NoError(t, err)
	cfg.Links[0].MatchKey = "ean"
	_, err = Sync(context.Background(), testdb.Postgres(t), cfg)
	require.ErrorContains(t, err, `links[0].match_key: "ean" is not one of handle, sku, barcode`)
}

func linkLocations(t *testing.T, pool *pgxpool.Pool, linkID int64) [][2]string {
	rows, err := pool.Query(context.Background(), `SELECT source_location_gid, destination_location_gid
		FROM link_locations WHERE link_id = $1 ORDER BY 1`, linkID)
	require.NoError(t, err)
	var out [][2]string
	var s, d string
	_, err = pgx.ForEachRow(rows, []any{&s, &d}, func() error { out = append(out, [2]string{s, d}); return nil })
	require.NoError(t, err)
	return out
}
