package fakeshop

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/cost"
)

// tinyUnlimited is a plan big enough that tests which page a lot never throttle.
var tinyUnlimited = cost.Plan{Name: "TEST", RestoreRate: 1e6, Capacity: 1e6}

func TestCostExtensionForASimpleConnection(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "costly"})
	seedProducts(t, shop, clock, 3)

	// connection: 2 + first (the nodes included); scalars free.
	res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(), `{ products(first: 10) { edges { node { id title } } pageInfo { hasNextPage } } }`, nil)
	require.Equal(t, http.StatusOK, res.Status)
	c := dig(res.Extensions, "cost").(map[string]any)
	require.Equal(t, 12.0, c["requestedQueryCost"])
	require.Equal(t, 5.0, c["actualQueryCost"], "2 + the 3 products that exist")
	require.Equal(t, map[string]any{"maximumAvailable": 2000.0, "currentlyAvailable": 1995.0, "restoreRate": 100.0}, c["throttleStatus"],
		"charged 12, refunded the 7 not used")

	// A plain object costs 1.
	res = post(t, srv.GraphQLURL(shop.Name()), shop.Token(), `{ shop { name } }`, nil)
	require.Equal(t, 1.0, dig(res.Extensions, "cost", "requestedQueryCost"))
	require.Equal(t, 1.0, dig(res.Extensions, "cost", "actualQueryCost"))
	require.Equal(t, 1994.0, dig(res.Extensions, "cost", "throttleStatus", "currentlyAvailable"), "no time passed, so no refill")

	clock.Advance(time.Second)
	res = post(t, srv.GraphQLURL(shop.Name()), shop.Token(), `{ shop { name } }`, nil)
	require.Equal(t, 1999.0, dig(res.Extensions, "cost", "throttleStatus", "currentlyAvailable"), "refilled at 100/s up to the cap, then charged 1")
}

func TestMaxCostExceeded(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "greedy"})
	res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(), `{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }`, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Nil(t, res.Data)
	require.Len(t, res.Errors, 1)
	e := res.Errors[0]
	require.Equal(t, "MAX_COST_EXCEEDED", dig(e, "extensions", "code"))
	requested := dig(res.Extensions, "cost", "requestedQueryCost").(float64)
	require.Greater(t, requested, 1000.0)
	require.Equal(t, requested, dig(e, "extensions", "cost"))
	require.Equal(t, 1000.0, dig(e, "extensions", "maxCost"))
	require.Equal(t, "Query cost is "+strconv.Itoa(int(requested))+", which exceeds the single query max cost limit (1000).", e["message"])
	require.Equal(t, 2000.0, dig(res.Extensions, "cost", "throttleStatus", "currentlyAvailable"), "nothing is charged")
}

func TestThrottledAfterABurstAndRecoveredByTime(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "bursty", Plan: cost.Plan{Name: "TINY", RestoreRate: 10, Capacity: 50}})
	seedProducts(t, shop, clock, 12)
	q := `{ products(first: 10) { nodes { id } } }` // requested 12, actual 12

	ok := 0
	var throttled gqlResult
	for range 10 {
		res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(), q, nil)
		if res.Status != http.StatusOK {
			throttled = res
			break
		}
		ok++
	}
	require.Equal(t, 4, ok, "50 points pay for four 12-point queries")
	require.Equal(t, http.StatusTooManyRequests, throttled.Status)
	require.Nil(t, throttled.Data)
	require.Len(t, throttled.Errors, 1)
	require.Equal(t, "Throttled", throttled.Errors[0]["message"])
	require.Equal(t, "THROTTLED", dig(throttled.Errors[0], "extensions", "code"))
	require.Equal(t, map[string]any{"requestedQueryCost": 12.0, "actualQueryCost": nil,
		"throttleStatus": map[string]any{"maximumAvailable": 50.0, "currentlyAvailable": 2.0, "restoreRate": 10.0}}, dig(throttled.Extensions, "cost"))
	require.Equal(t, "1", throttled.Header.Get("Retry-After"), "10 points missing at 10/s")
	require.NotContains(t, string(throttled.Raw), `"data"`)

	clock.Advance(time.Second)
	res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(), q, nil)
	require.Equal(t, http.StatusOK, res.Status, "a second later the bucket holds 12 again")
}

func TestThrottledStatusIsConfigurable(t *testing.T) {
	srv := startServer(t, Options{ThrottledStatus: http.StatusOK})
	shop := srv.AddShop(ShopConfig{Name: "twohundred", Plan: cost.Plan{Name: "NONE", RestoreRate: 1, Capacity: 0.5}})
	res := post(t, srv.GraphQLURL(shop.Name()), shop.Token(), `{ shop { name } }`, nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "THROTTLED", dig(res.Errors[0], "extensions", "code"))
}
