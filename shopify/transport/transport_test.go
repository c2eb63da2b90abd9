package transport_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"go.uber.org/goleak"

	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recMetrics records what the transport reports.
type recMetrics struct {
	mu       sync.Mutex
	outcomes map[string]int
	points   float64
	waited   time.Duration
}

func (m *recMetrics) Request(_, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.outcomes == nil {
		m.outcomes = map[string]int{}
	}
	m.outcomes[outcome]++
}

func (m *recMetrics) CostPoints(_ string, p float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.points += p
}

func (m *recMetrics) ThrottleWait(_ string, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.waited += d
}

func (m *recMetrics) outcome(o string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.outcomes[o]
}

// fastRetry keeps the tests quick.
var fastRetry = transport.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxElapsed: 5 * time.Second}

type setup struct {
	cfg     transport.Config
	metrics *recMetrics
	client  *http.Client
	tr      *transport.Transport
}

func newSetup(t *testing.T, reg *transport.Registry, edit ...func(*transport.Config)) *setup {
	t.Helper()
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	s := &setup{metrics: &recMetrics{}}
	s.cfg = transport.Config{Base: base, Token: transport.StaticToken(testToken), Registry: reg, Retry: fastRetry, Metrics: s.metrics}
	for _, e := range edit {
		e(&s.cfg)
	}
	tr, err := transport.New(s.cfg)
	require.NoError(t, err)
	s.tr, s.client = tr, tr.Client()
	return s
}

func graphqlBody(points int) string {
	return fmt.Sprintf(`{"query":"query Q($cost: Int) { ok }","variables":{"cost":%d}}`, points)
}

func post(ctx context.Context, c *http.Client, url, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestConcurrentCallersShareABudgetWithoutThrottling(t *testing.T) {
	plan := cost.Plan{Name: "TEST", Capacity: 300, RestoreRate: 6000}
	shop := newShopServer(t, plan)
	reg := transport.NewRegistry(plan, nil)
	// Two transports on one registry: the budget is per shop, not per client.
	a := newSetup(t, reg)
	b := newSetup(t, reg)

	const goroutines, each = 24, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := a.client
			if g%2 == 1 {
				client = b.client
			}
			for i := range each {
				points := 5 + (g*7+i*13)%60
				ctx := transport.WithCost(context.Background(), points)
				resp, data, err := post(ctx, client, shop.url(), graphqlBody(points))
				if err != nil {
					errs <- err
					continue
				}
				if resp.StatusCode != http.StatusOK || !bytes.Contains(data, []byte(`"ok":true`)) {
					errs <- fmt.Errorf("status %d body %s", resp.StatusCode, data)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	requests, throttled := shop.counts()
	require.Equal(t, goroutines*each, requests, "no request needed a retry")
	require.Zero(t, throttled, "a well-behaved process is never THROTTLED")
	require.Positive(t, a.metrics.waited+b.metrics.waited, "the budget made callers wait: the bucket was the limit")
	require.Equal(t, goroutines*each, a.metrics.outcome(transport.OutcomeOK)+b.metrics.outcome(transport.OutcomeOK))
}

func TestThrottledIsRetriedAfterRefill(t *testing.T) {
	plan := cost.Plan{Name: "TEST", Capacity: 1000, RestoreRate: 5000}
	shop := newShopServer(t, plan)
	shop.before = func(n int, w http.ResponseWriter) bool {
		if n > 2 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, throttledBody(30, 5, plan))
		return true
	}
	s := newSetup(t, transport.NewRegistry(plan, nil))
	resp, data, err := post(transport.WithCost(context.Background(), 30), s.client, shop.url(), graphqlBody(30))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(data), `"ok":true`)
	requests, _ := shop.counts()
	require.Equal(t, 3, requests)
	require.Equal(t, 2, s.metrics.outcome(transport.OutcomeThrottled))
	require.Equal(t, 1, s.metrics.outcome(transport.OutcomeOK))
	require.Equal(t, 15.0, s.metrics.points, "actual cost of the one that ran")
}

func TestRateLimitedHonoursRetryAfter(t *testing.T) {
	shop := newShopServer(t, cost.Standard)
	shop.before = func(n int, w http.ResponseWriter) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	}
	s := newSetup(t, transport.NewRegistry(cost.Standard, nil))
	start := time.Now()
	resp, _, err := post(context.Background(), s.client, shop.url(), graphqlBody(10))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited for Retry-After, not the 5 ms backoff")
	require.Equal(t, 1, s.metrics.outcome(transport.OutcomeRateLimited))
}

func TestServerErrorsAreRetriedWithTheSameBody(t *testing.T) {
	shop := newShopServer(t, cost.Standard)
	shop.before = func(n int, w http.ResponseWriter) bool {
		switch n {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			return false
		}
		return true
	}
	s := newSetup(t, transport.NewRegistry(cost.Standard, nil))
	resp, _, err := post(context.Background(), s.client, shop.url(), graphqlBody(10))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, shop.bodies, 3)
	for _, b := range shop.bodies {
		require.Equal(t, graphqlBody(10), string(b))
	}
	require.Equal(t, 2, s.metrics.outcome(transport.OutcomeServerError))
}

func TestTransportErrorsAreRetried(t *testing.T) {
	shop := newShopServer(t, cost.Standard)
	shop.before = func(n int, w http.ResponseWriter) bool {
		if n > 1 {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		require.NoError(t, err)
		conn.Close() // the connection drops without an answer
		return true
	}
	s := newSetup(t, transport.NewRegistry(cost.Standard, nil))
	resp, _, err := post(context.Background(), s.client, shop.url(), graphqlBody(10))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, 1, s.metrics.outcome(transport.OutcomeTransportError))
	require.Equal(t, 1, s.metrics.outcome(transport.OutcomeOK))
}

func TestOtherClientErrorsAreNotRetried(t *testing.T) {
	for _, code := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			shop := newShopServer(t, cost.Standard)
			shop.before = func(int, http.ResponseWriter) bool { return false }
			shop.before = func(_ int, w http.ResponseWriter) bool { w.WriteHeader(code); return true }
			s := newSetup(t, transport.NewRegistry(cost.Standard, nil))
			resp, _, err := post(context.Background(), s.client, shop.url(), graphqlBody(10))
			require.NoError(t, err)
			require.Equal(t, code, resp.StatusCode)
			requests, _ := shop.counts()
			require.Equal(t, 1, requests)
		})
	}
	t.Run("wrong token", func(t *testing.T) {
		shop := newShopServer(t, cost.Standard)
		s := newSetup(t, transport.NewRegistry(cost.Standard, nil), func(c *transport.Config) {
			c.Token = transport.StaticToken("shpat_wrong")
		})
		resp, _, err := post(context.Background(), s.client, shop.url(), graphqlBody(10))
		require.NoError(t, err)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		requests, _ := shop.counts()
		require.Equal(t, 1, requests)
	})
}

func TestGivingUpReturnsTheLastAnswer(t *testing.T) {
	shop := newShopServer(t, cost.Standard)
	shop.before = func(_ int, w http.ResponseWriter) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "maintenance")
		return true
	}
	s := newSetup(t, transport.NewRegistry(cost.Standard, nil), func(c *transport.Config) {
		c.Retry = transport.RetryPolicy{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxElapsed: 150 * time.Millisecond}
	})
	resp, data, err := post(context.Background(), s.client, shop.url(), graphqlBody(10))
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Equal(t, "maintenance", string(data))
	requests, _ := shop.counts()
	require.Greater(t, requests, 2)
}

// leakyBase is a transport whose errors quote the request headers.
type leakyBase struct{}

func (leakyBase) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("refused request with headers %v", r.Header)
}

func TestTokenNeverAppearsInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	quick := transport.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, MaxElapsed: 50 * time.Millisecond}

	t.Run("unreachable shop", func(t *testing.T) {
		shop := newShopServer(t, cost.Standard)
		url := shop.url()
		shop.srv.Close()
		s := newSetup(t, transport.NewRegistry(cost.Standard, nil), func(c *transport.Config) { c.Retry, c.Logger = quick, logger })
		_, _, err := post(context.Background(), s.client, url, graphqlBody(10))
		require.Error(t, err)
		require.NotContains(t, err.Error(), testToken)
		require.Contains(t, err.Error(), "127.0.0.1", "the error names the shop")
	})
	t.Run("a transport that quotes headers", func(t *testing.T) {
		s := newSetup(t, transport.NewRegistry(cost.Standard, nil), func(c *transport.Config) {
			c.Base, c.Retry, c.Logger = leakyBase{}, quick, logger
		})
		ctx := transport.WithCost(context.Background(), 10)
		_, _, err := post(ctx, s.client, "https://src.myshopify.com/admin/api/2026-01/graphql.json", graphqlBody(10))
		require.Error(t, err)
		require.NotContains(t, err.Error(), testToken)
		require.Contains(t, err.Error(), "[REDACTED]")
	})
	t.Run("cancelled", func(t *testing.T) {
		shop := newShopServer(t, cost.Standard)
		s := newSetup(t, transport.NewRegistry(cost.Standard, nil), func(c *transport.Config) { c.Logger = logger })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := post(ctx, s.client, shop.url(), graphqlBody(10))
		require.ErrorIs(t, err, context.Canceled)
		require.NotContains(t, err.Error(), testToken)
	})
	require.NotEmpty(t, logs.String(), "retries were logged")
	require.NotContains(t, logs.String(), testToken)
}

func TestOtherRequestsPassThrough(t *testing.T) {
	var sawToken bool
	var calls int
	srv := newShopServer(t, cost.Standard)
	srv.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		sawToken = r.Header.Get(transport.HeaderAccessToken) != ""
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	s := newSetup(t, transport.NewRegistry(cost.Standard, nil))
	resp, err := s.client.Get(srv.srv.URL + "/bulk/result.jsonl")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "not retried")
	require.Equal(t, 1, calls)
	require.False(t, sawToken, "the token goes to the Admin API only")
}

func TestBudgetAdoptsTheShopsLimits(t *testing.T) {
	shop := newShopServer(t, cost.Plus)
	reg := transport.NewRegistry(cost.Standard, nil)
	s := newSetup(t, reg)
	_, _, err := post(transport.WithCost(context.Background(), 100), s.client, shop.url(), graphqlBody(100))
	require.NoError(t, err)
	b := reg.Budget(strings.TrimPrefix(shop.srv.URL, "http://"))
	require.Equal(t, 20000.0, b.Capacity())
	require.Equal(t, 1000.0, b.RestoreRate())
	require.GreaterOrEqual(t, b.Available(), 19950.0)
}

func TestWaitingForBudgetHonoursTheContext(t *testing.T) {
	shop := newShopServer(t, cost.Standard)
	shop.before = func(_ int, w http.ResponseWriter) bool {
		io.WriteString(w, `{"data":{},"extensions":{"cost":{"requestedQueryCost":10,"actualQueryCost":10}}}`)
		return true
	}
	tiny := cost.Plan{Name: "TINY", Capacity: 10, RestoreRate: 0.01}
	s := newSetup(t, transport.NewRegistry(tiny, nil))
	_, _, err := post(transport.WithCost(context.Background(), 10), s.client, shop.url(), graphqlBody(10))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err = post(transport.WithCost(ctx, 10), s.client, shop.url(), graphqlBody(10))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Contains(t, err.Error(), "waiting for cost budget")
	requests, _ := shop.counts()
	require.Equal(t, 1, requests, "the second request was never sent")
}

// fakeClock stops the budget's refill so reservations can be read exactly.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

// spyBase records the budget's estimate at the moment each request is sent,
// i.e. right after its reservation.
type spyBase struct {
	next   http.RoundTripper
	budget func() *transport.Budget
	seen   []float64
}

func (s *spyBase) RoundTrip(r *http.Request) (*http.Response, error) {
	s.seen = append(s.seen, s.budget().Available())
	return s.next.RoundTrip(r)
}

func TestExpectedCost(t *testing.T) {
	sdl, err := os.ReadFile("../cost/testdata/schema.graphql")
	require.NoError(t, err)
	schema, err := gqlparser.LoadSchema(&ast.Source{Input: string(sdl)})
	require.NoError(t, err)
	const query = `{"query":"{ products(first: 10) { nodes { id } } }"}`

	run := func(t *testing.T, withSchema bool, answer string, ctxCost int, times int) []float64 {
		shop := newShopServer(t, cost.Standard)
		shop.before = func(_ int, w http.ResponseWriter) bool { io.WriteString(w, answer); return true }
		reg := transport.NewRegistry(cost.Standard, (&fakeClock{now: time.Unix(0, 0)}).Now)
		spy := &spyBase{next: &http.Transport{}, budget: func() *transport.Budget { return reg.Budget(strings.TrimPrefix(shop.srv.URL, "http://")) }}
		t.Cleanup(spy.next.(*http.Transport).CloseIdleConnections)
		s := newSetup(t, reg, func(c *transport.Config) {
			c.Base = spy
			if withSchema {
				c.Schema = schema
			}
		})
		ctx := context.Background()
		if ctxCost > 0 {
			ctx = transport.WithCost(ctx, ctxCost)
		}
		for range times {
			_, _, err := post(ctx, s.client, shop.url(), query)
			require.NoError(t, err)
		}
		return spy.seen
	}
	t.Run("computed from the schema", func(t *testing.T) {
		require.Equal(t, []float64{2000 - 12}, run(t, true, `{"data":{}}`, 0, 1))
	})
	t.Run("given by the caller", func(t *testing.T) {
		require.Equal(t, []float64{2000 - 7}, run(t, true, `{"data":{}}`, 7, 1))
	})
	t.Run("unknown: the conservative default", func(t *testing.T) {
		require.Equal(t, []float64{2000 - 1000}, run(t, false, `{"data":{}}`, 0, 1))
	})
	t.Run("learned from Shopify's requestedQueryCost", func(t *testing.T) {
		answer := `{"data":{},"extensions":{"cost":{"requestedQueryCost":42,"actualQueryCost":42}}}`
		// First: 1000 reserved, settled to 42. Second: 42 more reserved.
		require.Equal(t, []float64{1000, 2000 - 42 - 42}, run(t, false, answer, 0, 2))
	})
}
