package client_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// testClock is fakeshop's clock, moved by hand so that resources get
// distinct updatedAt values without the test waiting.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startFakeshop runs a real fakeshop on 127.0.0.1:0 for the test.
func startFakeshop(t *testing.T, opts fakeshop.Options) *fakeshop.Server {
	t.Helper()
	srv := fakeshop.New(opts)
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// fastRetry keeps tests that exhaust the transport's retries short.
var fastRetry = transport.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxElapsed: 300 * time.Millisecond}

// fastPolling polls bulk operations every few milliseconds.
var fastPolling = client.BulkPolling{FirstInterval: 5 * time.Millisecond, FirstPolls: 3, Interval: 10 * time.Millisecond}

// newClient returns a Client for shop on srv with its own budget registry,
// so tests do not share the process-wide one.
func newClient(t *testing.T, srv *fakeshop.Server, shop *fakeshop.Shop, mutate ...func(*client.Config)) (*client.Client, *transport.Registry) {
	t.Helper()
	reg := transport.NewRegistry(cost.Standard, nil)
	cfg := client.Config{
		ShopDomain: shop.Domain(),
		Endpoint:   srv.GraphQLURL(shop.Name()),
		Token:      shop.Token(),
		Transport:  transport.Config{Registry: reg, Retry: fastRetry},
		Bulk:       fastPolling,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := client.New(cfg)
	require.NoError(t, err)
	return c, reg
}

func ptr[T any](v T) *T { return &v }
