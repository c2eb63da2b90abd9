package transport_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/shopsync/shopsync/shopify/cost"
)

const testToken = "shpat_0123456789abcdef0123456789abcdef"

// shopServer emulates the Admin GraphQL endpoint's cost accounting: a real
// leaky bucket, THROTTLED (HTTP 200, errors[].extensions.code, top-level
// extensions.cost, no data) when the requested cost is not available, and
// extensions.cost on every answer. A request's requested cost is its
// variables.cost; the actual cost is half of it.
type shopServer struct {
	t      *testing.T
	srv    *httptest.Server
	bucket *cost.Bucket
	plan   cost.Plan

	mu        sync.Mutex
	requests  int
	throttled int
	bodies    [][]byte
	// before, when set, may answer request n (1-based) itself.
	before func(n int, w http.ResponseWriter) bool
}

func newShopServer(t *testing.T, plan cost.Plan) *shopServer {
	s := &shopServer{t: t, bucket: cost.NewBucket(plan, nil), plan: plan}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *shopServer) url() string { return s.srv.URL + "/admin/api/2026-01/graphql.json" }

func (s *shopServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests++
	n := s.requests
	s.bodies = append(s.bodies, body)
	before := s.before
	s.mu.Unlock()
	if r.Header.Get("X-Shopify-Access-Token") != testToken {
		http.Error(w, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, http.StatusUnauthorized)
		return
	}
	if before != nil && before(n, w) {
		return
	}
	var req struct {
		Variables struct {
			Cost float64 `json:"cost"`
		} `json:"variables"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Variables.Cost <= 0 {
		http.Error(w, `{"errors":[{"message":"bad test request"}]}`, http.StatusBadRequest)
		return
	}
	requested := req.Variables.Cost
	w.Header().Set("Content-Type", "application/json")
	if ok, avail := s.bucket.TryCharge(requested); !ok {
		s.mu.Lock()
		s.throttled++
		s.mu.Unlock()
		fmt.Fprintf(w, `{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED","documentation":"https://shopify.dev/api/usage/rate-limits"}}],`+
			`"extensions":{"cost":{"requestedQueryCost":%g,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":%.1f,"currentlyAvailable":%d,"restoreRate":%.1f}}}}`,
			requested, s.plan.Capacity, int(avail), s.plan.RestoreRate)
		return
	}
	actual := float64(int(requested / 2))
	s.bucket.Refund(requested - actual)
	fmt.Fprintf(w, `{"data":{"ok":true},"extensions":{"cost":{"requestedQueryCost":%g,"actualQueryCost":%g,"throttleStatus":{"maximumAvailable":%.1f,"currentlyAvailable":%d,"restoreRate":%.1f}}}}`,
		requested, actual, s.plan.Capacity, int(s.bucket.Available()), s.plan.RestoreRate)
}

func (s *shopServer) counts() (requests, throttled int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.throttled
}

// throttledBody is Shopify's THROTTLED answer for a bucket with avail points.
func throttledBody(requested, avail float64, plan cost.Plan) string {
	return fmt.Sprintf(`{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],`+
		`"extensions":{"cost":{"requestedQueryCost":%g,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":%.1f,"currentlyAvailable":%g,"restoreRate":%.1f}}}}`,
		requested, plan.Capacity, avail, plan.RestoreRate)
}
