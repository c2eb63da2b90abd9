package applier_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/Khan/genqlient/graphql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// fixture is a fakeshop with a source and destinations, a fresh database
// with the stores and links registered, the mirror, the planner and the
// audit writer: everything an applier needs, for real.
type fixture struct {
	t        testing.TB
	ctx      context.Context
	pool     *pgxpool.Pool
	ch       driver.Conn
	srv      *fakeshop.Server
	src      *fakeshop.Shop
	dsts     []*fakeshop.Shop
	srcLoc   *fakeshop.Location
	dstLocs  []*fakeshop.Location
	links    []int64
	mirror   *mirror.Mirror
	planner  *planner.Planner
	audit    *audit.Writer
	observer *applier.Observer
	counter  *requestCounter
	clients  map[string]*client.Client
}

type fixtureOptions struct {
	plan  cost.Plan
	dests int
	// link holds extra links columns, e.g. "price_multiplier": "1.10".
	link map[string]any
	// auditFlush is the audit writer's flush interval (default 50ms, so
	// tests see their rows at once; a long run wants fewer, larger inserts).
	auditFlush time.Duration
}

func newFixture(t testing.TB, o fixtureOptions) *fixture {
	t.Helper()
	if o.plan == (cost.Plan{}) {
		o.plan = cost.Enterprise
	}
	if o.dests == 0 {
		o.dests = 1
	}
	if o.auditFlush == 0 {
		o.auditFlush = 50 * time.Millisecond
	}
	f := &fixture{t: t, ctx: context.Background(), ch: testdb.ClickHouse(t),
		observer: applier.NewObserver(nil), counter: &requestCounter{}, clients: map[string]*client.Client{}}
	// Writers, their lease renewals, the audit flusher and the planner each
	// want a connection: more than pgxpool's default on a small machine.
	pcfg, err := pgxpool.ParseConfig(testdb.PostgresURL(t))
	require.NoError(t, err)
	pcfg.MaxConns = 20
	f.pool, err = pgxpool.NewWithConfig(f.ctx, pcfg)
	require.NoError(t, err)
	t.Cleanup(f.pool.Close)
	f.srv = fakeshop.New(fakeshop.Options{})
	require.NoError(t, f.srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, f.srv.Close()) })
	// Before the server closes: a connection the client dialled but never
	// used looks new to the server, and http.Server.Shutdown waits 5s for
	// such connections, as long as fakeshop's Close waits in all.
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)

	f.src = f.srv.AddShop(fakeshop.ShopConfig{Name: "src", Plan: cost.Enterprise})
	f.srcLoc, err = f.src.CreateLocation(fakeshop.LocationInput{Name: "Main warehouse"})
	require.NoError(t, err)
	f.exec(`INSERT INTO stores (domain, role, currency) VALUES ($1, 'source', 'USD')`, f.src.Domain())
	for i := range o.dests {
		d := f.srv.AddShop(fakeshop.ShopConfig{Name: fmt.Sprintf("dst%d", i+1), Plan: o.plan})
		loc, err := d.CreateLocation(fakeshop.LocationInput{Name: "Destination warehouse"})
		require.NoError(t, err)
		f.dsts, f.dstLocs = append(f.dsts, d), append(f.dstLocs, loc)
		f.exec(`INSERT INTO stores (domain, role, currency) VALUES ($1, 'destination', 'USD')`, d.Domain())
		cols, vals, args := []string{"source_store", "destination_store", "match_key", "inventory_mode"}, []string{"$1", "$2", "'handle'", "'one_way'"},
			[]any{f.src.Domain(), d.Domain()}
		keys := make([]string, 0, len(o.link))
		for k := range o.link {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			args = append(args, o.link[k])
			cols, vals = append(cols, k), append(vals, fmt.Sprintf("$%d", len(args)))
		}
		var id int64
		require.NoError(t, f.pool.QueryRow(f.ctx, `INSERT INTO links (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(vals, ", ")+`) RETURNING id`, args...).Scan(&id))
		f.exec(`INSERT INTO link_locations (link_id, source_location_gid, destination_location_gid) VALUES ($1, $2, $3)`,
			id, gid("Location", f.srcLoc.ID), gid("Location", loc.ID))
		f.links = append(f.links, id)
	}

	mcfg := mirror.DefaultConfig()
	mcfg.Logger = slog.New(slog.DiscardHandler)
	f.mirror, err = mirror.New(f.pool, mcfg)
	require.NoError(t, err)
	f.planner = planner.New(f.pool, planner.WithLogger(slog.New(slog.DiscardHandler)))
	acfg := audit.DefaultConfig()
	acfg.FlushInterval = o.auditFlush
	acfg.Logger = slog.New(slog.DiscardHandler)
	f.audit, err = audit.New(f.pool, f.ch, acfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := f.audit.Close(context.Background()); !errors.Is(err, audit.ErrClosed) {
			require.NoError(t, err)
		}
	})

	registry := transport.NewRegistry(o.plan, nil)
	for _, sh := range append([]*fakeshop.Shop{f.src}, f.dsts...) {
		c, err := client.New(client.Config{
			ShopDomain: sh.Domain(), Endpoint: f.srv.GraphQLURL(sh.Name()), Token: sh.Token(),
			Transport: transport.Config{Registry: registry, Metrics: f.observer, Base: f.counter.wrap(http.DefaultTransport),
				Logger: slog.New(slog.DiscardHandler)},
			// Quick polls of the bulk operations, but not so quick that they
			// spend a Standard bucket.
			Bulk:   client.BulkPolling{FirstInterval: 10 * time.Millisecond, FirstPolls: 20, Interval: 100 * time.Millisecond},
			Logger: slog.New(slog.DiscardHandler),
		})
		require.NoError(t, err)
		f.clients[sh.Domain()] = c
	}
	return f
}

func gid(typ string, id int64) string { return fmt.Sprintf("gid://shopify/%s/%d", typ, id) }

func (f *fixture) exec(sql string, args ...any) {
	f.t.Helper()
	_, err := f.pool.Exec(f.ctx, sql, args...)
	require.NoError(f.t, err, sql)
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	require.NoError(f.t, f.pool.QueryRow(f.ctx, sql, args...).Scan(&n), sql)
	return n
}

// variant is one variant to seed: its Size, SKU, price and stock.
type variant struct {
	size, sku, price string
	qty              int
}

// addProduct creates a product with a Size option in shop, stocked at loc.
func (f *fixture) addProduct(shop *fakeshop.Shop, loc *fakeshop.Location, handle, title string, vs []variant) *fakeshop.Product {
	f.t.Helper()
	sizes := make([]string, len(vs))
	in := make([]fakeshop.VariantInput, len(vs))
	for i, v := range vs {
		sizes[i] = v.size
		in[i] = fakeshop.VariantInput{
			OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: v.size}},
			Price:        ptr(v.price), SKU: ptr(v.sku),
			Quantities: []fakeshop.LocationQuantity{{LocationID: loc.ID, Name: "available", Quantity: v.qty}},
		}
	}
	p, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr(title), Handle: ptr(handle), Vendor: ptr("Acme"),
		Options: []fakeshop.OptionInput{{Name: "Size", Values: sizes}}}, in)
	require.NoError(f.t, err)
	return p
}

func ptr[T any](v T) *T { return &v }

// snapshot mirrors the products and inventory of the given shops (all when
// none) with the ingest's bulk snapshot.
func (f *fixture) snapshot(shops ...*fakeshop.Shop) []snapshot.Result {
	f.t.Helper()
	if len(shops) == 0 {
		shops = append([]*fakeshop.Shop{f.src}, f.dsts...)
	}
	results := make([][]snapshot.Result, len(shops))
	errs := make([]error, len(shops))
	var wg sync.WaitGroup
	for i, sh := range shops {
		r, err := snapshot.NewRunner(f.pool, snapshot.MirrorLoader{Mirror: f.mirror}, snapshot.Config{SpillDir: f.t.TempDir()})
		require.NoError(f.t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = r.Families(f.ctx, f.clients[sh.Domain()], []events.Family{events.Products, events.Inventory})
		}()
	}
	wg.Wait()
	var all []snapshot.Result
	for i := range shops {
		require.NoError(f.t, errs[i])
		all = append(all, results[i]...)
	}
	return all
}

// plan runs a full plan of every destination (in parallel) and returns how
// many deltas it computed.
func (f *fixture) plan() int {
	f.t.Helper()
	counts := make([]int, len(f.dsts))
	errs := make([]error, len(f.dsts))
	var wg sync.WaitGroup
	for i, d := range f.dsts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := f.planner.Plan(f.ctx, planner.Options{Destination: d.Domain()})
			errs[i] = err
			if err == nil {
				for _, l := range res.Links {
					counts[i] += planner.Total(l.Planned)
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	for i := range f.dsts {
		require.NoError(f.t, errs[i])
		n += counts[i]
	}
	return n
}

func (f *fixture) config() applier.Config {
	cfg := applier.DefaultConfig()
	cfg.Poll = 20 * time.Millisecond
	cfg.RetryInitial = 10 * time.Millisecond
	cfg.RetryMax = 50 * time.Millisecond
	cfg.LeaseTTL = 15 * time.Second
	cfg.LeaseRenew = 3 * time.Second
	cfg.Logger = slog.New(slog.DiscardHandler)
	return cfg
}

func (f *fixture) applier(cfg applier.Config) *applier.Applier {
	f.t.Helper()
	a, err := applier.New(applier.Deps{
		DB: f.pool, Mirror: f.mirror, Audit: f.audit, Observer: f.observer,
		Clients: func(store string) (graphql.Client, error) {
			c, ok := f.clients[store]
			if !ok {
				return nil, fmt.Errorf("no client for %s", store)
			}
			return c, nil
		},
	}, cfg)
	require.NoError(f.t, err)
	return a
}

// deltas counts plan_deltas by status.
func (f *fixture) deltas() map[string]int {
	f.t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT status, count(*)::int FROM plan_deltas GROUP BY status`)
	require.NoError(f.t, err)
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		require.NoError(f.t, rows.Scan(&s, &n))
		out[s] = n
	}
	require.NoError(f.t, rows.Err())
	return out
}

// auditRows waits until ClickHouse has want distinct attempts and returns
// the count of rows by status.
func (f *fixture) auditRows(want int) map[string]int {
	f.t.Helper()
	require.Eventually(f.t, func() bool {
		var n uint64
		require.NoError(f.t, f.ch.QueryRow(f.ctx, `SELECT uniqExact(attempt_id) FROM audit_writes`).Scan(&n))
		return int(n) >= want
	}, 20*time.Second, 50*time.Millisecond, "audit rows never reached ClickHouse")
	rows, err := f.ch.Query(f.ctx, `SELECT status, count() FROM audit_writes FINAL GROUP BY status`)
	require.NoError(f.t, err)
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n uint64
		require.NoError(f.t, rows.Scan(&s, &n))
		out[s] = int(n)
	}
	require.NoError(f.t, rows.Err())
	return out
}

// requestCounter counts the HTTP requests sent to fakeshop (below the
// transport, so retries count) and the THROTTLED (429) answers.
type requestCounter struct {
	requests, throttled atomic.Int64
}

func (c *requestCounter) wrap(base http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "graphql.json") {
			c.requests.Add(1)
			if err == nil && resp.StatusCode == http.StatusTooManyRequests {
				c.throttled.Add(1)
			}
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
