package fakeshop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const shopNameQuery = `{ shop { name } }`

// rawPost sends a GraphQL request and returns the status and raw body,
// without assuming the body is JSON (an injected 502/503 is HTML).
func rawPost(t *testing.T, srv *Server, shop *Shop, q string) (int, http.Header, string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": q})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.GraphQLURL(shop.Name()), bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", shop.Token())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(raw)
}

func TestGraphQLLatencyFault(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "laggy"})
	require.NoError(t, shop.SetFaults(Faults{GraphQLLatency: 150 * time.Millisecond}))
	start := time.Now()
	status, _, body := rawPost(t, srv, shop, shopNameQuery)
	assert.Equal(t, http.StatusOK, status, body)
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond, "the answer waited for the injected latency")
	assert.Contains(t, body, `"name":"laggy"`)
}

func TestGraphQLErrorFaultAnswers5xxLikeShopify(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "flaky"})
	for status, contentType := range map[int]string{500: "application/json", 502: "text/html", 503: "text/html"} {
		require.NoError(t, shop.SetFaults(Faults{GraphQLErrorRate: 1, GraphQLErrorStatuses: []int{status}}))
		got, h, body := rawPost(t, srv, shop, shopNameQuery)
		assert.Equal(t, status, got)
		assert.True(t, strings.HasPrefix(h.Get("Content-Type"), contentType), h.Get("Content-Type"))
		assert.NotEmpty(t, h.Get("X-Request-Id"))
		assert.NotContains(t, body, `"data"`)
	}
	require.NoError(t, shop.SetFaults(Faults{}))
	status, _, _ := rawPost(t, srv, shop, shopNameQuery)
	assert.Equal(t, http.StatusOK, status, "clearing the faults heals the shop")
}

func TestGraphQLErrorShareIsReproducible(t *testing.T) {
	srv := startServer(t, Options{Seed: 42})
	shop := srv.AddShop(ShopConfig{Name: "share"})
	run := func() []int {
		require.NoError(t, shop.SetFaults(Faults{GraphQLErrorRate: 0.5}))
		var statuses []int
		for range 30 {
			status, _, _ := rawPost(t, srv, shop, shopNameQuery)
			statuses = append(statuses, status)
		}
		return statuses
	}
	a := run()
	failed := 0
	for _, s := range a {
		if s != http.StatusOK {
			failed++
			assert.Contains(t, []int{500, 502, 503}, s)
		}
	}
	assert.Greater(t, failed, 0)
	assert.Less(t, failed, 30)
	assert.Equal(t, a, run(), "SetFaults restarts the seeded generator")
}

func TestGraphQLLostResponseFaultStillExecutes(t *testing.T) {
	clock := newTestClock() // frozen: the bucket does not refill
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "lost"})
	before := shop.Budget().Available()
	require.NoError(t, shop.SetFaults(Faults{GraphQLLostResponseRate: 1, GraphQLErrorStatuses: []int{502}}))
	status, _, _ := rawPost(t, srv, shop, shopNameQuery)
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Less(t, shop.Budget().Available(), before, "the query ran and was charged; only its answer was lost")
}

func TestFaultsAdminEndpoint(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "admin"})
	url := srv.URL() + "/_fakeshop/shops/admin/faults"
	send := func(method, body string) (int, string) {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(raw)
	}

	status, body := send(http.MethodPost, `{"graphql_latency":"20ms","graphql_error_rate":0.25,"webhook_duplicate_rate":0.5,"webhook_delay_rate":0.1,"webhook_max_delay":"2s"}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, Faults{GraphQLLatency: 20 * time.Millisecond, GraphQLErrorRate: 0.25, WebhookDuplicateRate: 0.5, WebhookDelayRate: 0.1, WebhookMaxDelay: 2 * time.Second}, shop.Faults())
	status, body = send(http.MethodGet, "")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"graphql_latency":"20ms","graphql_error_rate":0.25,"webhook_duplicate_rate":0.5,"webhook_delay_rate":0.1,"webhook_max_delay":"2s"}`, body)

	for _, bad := range []string{`{"webhook_drop_rat":0.1}`, `{"webhook_drop_rate":2}`, `{"graphql_latency":"soon"}`, `not json`} {
		status, body = send(http.MethodPost, bad)
		assert.Equal(t, http.StatusBadRequest, status, bad)
		assert.Contains(t, body, `"error"`)
	}
	assert.Equal(t, 0.25, shop.Faults().GraphQLErrorRate, "a refused request changes nothing")

	status, _ = send(http.MethodDelete, "")
	assert.Equal(t, http.StatusNoContent, status)
	assert.Equal(t, Faults{}, shop.Faults())

	resp, err := http.Get(srv.URL() + "/_fakeshop/shops/nobody/faults")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestWebhookFlushEndpoint(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "flushy"})
	rc := newReceiver(t, nil)
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	_, err := shop.CreateLocation(LocationInput{Name: "Here"})
	require.NoError(t, err)
	resp, err := http.Post(srv.URL()+"/_fakeshop/webhooks/flush?timeout=10s", "application/json", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var st WebhookStats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	assert.Equal(t, int64(1), st.Delivered)
	assert.Len(t, rc.requests(), 1)
}
