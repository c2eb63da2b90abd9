package fakeshop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testClock is a clock a test moves by hand; fakeshop takes it through
// Options.Clock for timestamps and bucket refill alike.
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

// startServer starts a fakeshop on 127.0.0.1:0 and stops it with the test.
func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	srv := New(opts)
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// gqlResult is a decoded GraphQL answer.
type gqlResult struct {
	Status     int
	Header     http.Header
	Data       map[string]any   `json:"data"`
	Errors     []map[string]any `json:"errors"`
	Extensions map[string]any   `json:"extensions"`
	Raw        []byte
}

// post sends a GraphQL request over real HTTP, as a plain client would.
func post(t *testing.T, url, token, query string, vars map[string]any) gqlResult {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Shopify-Access-Token", token)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) gqlResult {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	res := gqlResult{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
		require.NoError(t, json.Unmarshal(raw, &res), string(raw))
	}
	return res
}

// query posts to a shop's path-addressed endpoint and fails on any error.
func query(t *testing.T, srv *Server, shop *Shop, q string, vars map[string]any) map[string]any {
	t.Helper()
	res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(), q, vars)
	require.Equal(t, http.StatusOK, res.Status, string(res.Raw))
	require.Empty(t, res.Errors, string(res.Raw))
	return res.Data
}

// dig walks decoded JSON by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func ptr[T any](v T) *T { return &v }
