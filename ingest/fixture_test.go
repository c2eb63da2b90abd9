package ingest_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// testClock is fakeshop's clock: real time plus what the test added, so
// that changes made one Advance apart get distinct updatedAt values
// (Shopify's have whole seconds, and two changes in one second cannot be
// ordered by anyone, the mirror included) while the shop's cost buckets,
// which refill on the same clock, keep refilling.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func newTestClock() *testClock { return &testClock{} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// fixture is a fakeshop shop seeded with a generated store, a fresh
// migrated database with the shop registered, and a mirror on it.
type fixture struct {
	t       *testing.T
	clock   *testClock
	srv     *fakeshop.Server
	shop    *fakeshop.Shop
	tracker *shopTracker
	pool    *pgxpool.Pool
	mirror  *mirror.Mirror
	client  *client.Client
	stops   []func()
}

func newFixture(t *testing.T, opts fakeshop.Options, seed fakeshop.SeedConfig) *fixture {
	t.Helper()
	f := &fixture{t: t, pool: testdb.Postgres(t), clock: newTestClock()}
	if opts.Clock == nil {
		opts.Clock = f.clock.Now
	}
	f.srv = fakeshop.New(opts)
	require.NoError(t, f.srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, f.srv.Close()) })
	// Before the server closes: a connection dialled but never used looks
	// new to it, and http.Server.Shutdown waits 5 s for those.
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	f.shop = f.srv.AddShop(fakeshop.ShopConfig{Name: strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))[:min(40, len(t.Name()))], Plan: cost.Enterprise})
	f.tracker = trackShop(f.shop)
	_, err := fakeshop.Seed(f.shop, seed)
	require.NoError(t, err)
	_, err = f.pool.Exec(context.Background(), `INSERT INTO stores (domain, role) VALUES ($1, 'source')`, f.shop.Domain())
	require.NoError(t, err)
	cfg := mirror.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	f.mirror, err = mirror.New(f.pool, cfg)
	require.NoError(t, err)
	f.client = f.newClient(nil)
	return f
}

func (f *fixture) newClient(base *transport.Config) *client.Client {
	f.t.Helper()
	tc := transport.Config{Registry: transport.NewRegistry(cost.Enterprise, nil)}
	if base != nil {
		tc = *base
	}
	c, err := client.New(client.Config{
		ShopDomain: f.shop.Domain(), Endpoint: f.srv.GraphQLURL(f.shop.Name()), Token: f.shop.Token(), Transport: tc,
		Bulk:   client.BulkPolling{FirstInterval: 5 * time.Millisecond, FirstPolls: 20, Interval: 20 * time.Millisecond},
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(f.t, err)
	return c
}

func (f *fixture) runner(cfg snapshot.Config) *snapshot.Runner {
	f.t.Helper()
	if cfg.SpillDir == "" {
		cfg.SpillDir = f.t.TempDir()
	}
	r, err := snapshot.NewRunner(f.pool, snapshot.MirrorLoader{Mirror: f.mirror}, cfg)
	require.NoError(f.t, err)
	return r
}

// requireMirrored fails unless the mirror holds exactly what the shop
// holds, field by field.
func (f *fixture) requireMirrored(ctx context.Context) {
	f.t.Helper()
	lines, total, _ := f.mirrorDiff(ctx, false)
	if total > 0 {
		f.t.Fatalf("the mirror differs from the shop in %d places; first ones:\n%s", total, strings.Join(lines, "\n"))
	}
}

// requireMirroredAfterChanges is requireMirrored except for updated_at
// values the mirror left behind on rows whose content did not change (see
// diff); it logs how many there were.
func (f *fixture) requireMirroredAfterChanges(ctx context.Context) {
	f.t.Helper()
	lines, total, bumps := f.mirrorDiff(ctx, true)
	if total > 0 {
		f.t.Fatalf("the mirror differs from the shop in %d places; first ones:\n%s", total, strings.Join(lines, "\n"))
	}
	if bumps > 0 {
		f.t.Logf("%d rows equal but for an older updated_at in the mirror (content unchanged, timestamp not advanced)", bumps)
	}
}

func (f *fixture) mirrorDiff(ctx context.Context, allowBumps bool) ([]string, int, int) {
	f.t.Helper()
	want, err := shopState(ctx, f.shop, f.tracker, f.client)
	require.NoError(f.t, err)
	got, err := mirrorState(ctx, f.pool, f.shop.Domain())
	require.NoError(f.t, err)
	return diff(want, got, 8, allowBumps)
}
