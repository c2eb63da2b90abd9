package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// stockedItem seeds a location and a product whose single variant has
// available units there, returning their GIDs.
func stockedItem(t *testing.T, shop *fakeshop.Shop, available int) (itemGID, locationGID string) {
	t.Helper()
	loc, err := shop.CreateLocation(fakeshop.LocationInput{Name: "Warehouse"})
	require.NoError(t, err)
	p, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr("Mug")}, []fakeshop.VariantInput{{
		Price: ptr("9.00"), SKU: ptr("MUG-1"),
		Quantities: []fakeshop.LocationQuantity{{LocationID: loc.ID, Name: fakeshop.QtyAvailable, Quantity: available}},
	}})
	require.NoError(t, err)
	v := shop.Variant(p.VariantIDs[0])
	return fakeshop.GID{Type: "InventoryItem", ID: v.InventoryItemID}.String(),
		fakeshop.GID{Type: "Location", ID: loc.ID}.String()
}

func available(t *testing.T, c *client.Client, itemGID string) int {
	t.Helper()
	resp, err := client.InventoryLevelsPage(context.Background(), c, itemGID, 10, nil, []string{"available"})
	require.NoError(t, err)
	require.NotNil(t, resp.InventoryItem)
	require.Len(t, resp.InventoryItem.InventoryLevels.Nodes, 1)
	q := resp.InventoryItem.InventoryLevels.Nodes[0].Quantities
	require.Len(t, q, 1)
	return q[0].Quantity
}

func TestMutationUserErrorsAreTyped(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	item, loc := stockedItem(t, shop, 5)
	ctx := context.Background()

	set := func(key string, quantity, from int) (*client.InventorySetQuantitiesResponse, error) {
		return client.InventorySetQuantities(ctx, c, key, client.InventorySetQuantitiesInput{
			Reason: "correction", Name: "available",
			Quantities: []client.InventoryQuantityInput{{InventoryItemId: item, LocationId: loc, Quantity: quantity, ChangeFromQuantity: &from}},
		})
	}

	// A compare-and-swap against the wrong expected quantity is refused.
	resp, err := set("key-stale", 1, 4)
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "inventorySetQuantities", ue.Mutation)
	require.True(t, ue.HasCode("CHANGE_FROM_QUANTITY_STALE"), ue.Error())
	require.Equal(t, []string{"input", "quantities", "0", "changeFromQuantity"}, ue.Errors[0].Field)
	require.Contains(t, err.Error(), "CHANGE_FROM_QUANTITY_STALE")
	// The typed response comes with the error.
	require.NotNil(t, resp.InventorySetQuantities)
	require.Len(t, resp.InventorySetQuantities.UserErrors, 1)
	require.Equal(t, 5, available(t, c, item))

	// The right expectation goes through.
	resp, err = set("key-ok", 12, 5)
	require.NoError(t, err)
	group := resp.InventorySetQuantities.InventoryAdjustmentGroup
	require.NotNil(t, group)
	require.Equal(t, "correction", group.Reason)
	require.Equal(t, 12, available(t, c, item))
}

// countingMetrics counts the transport's attempts per shop and outcome.
type countingMetrics struct {
	mu       sync.Mutex
	attempts map[string]int
}

func (m *countingMetrics) Request(shop, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.attempts == nil {
		m.attempts = map[string]int{}
	}
	m.attempts[shop+" "+outcome]++
}
func (m *countingMetrics) CostPoints(string, float64)         {}
func (m *countingMetrics) ThrottleWait(string, time.Duration) {}

func (m *countingMetrics) count(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.attempts[key]
}

// TestIdempotencyKeyMakesRetriedAdjustmentApplyOnce loses answers after
// fakeshop has applied the mutation; the transport retries with the same
// body, so the same @idempotent key, and the delta lands exactly once.
func TestIdempotencyKeyMakesRetriedAdjustmentApplyOnce(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{Seed: 7})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	metrics := &countingMetrics{}
	c, _ := newClient(t, srv, shop, func(cfg *client.Config) {
		cfg.Transport.Metrics = metrics
		cfg.Transport.Retry = transport.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, MaxElapsed: 10 * time.Second}
	})
	item, loc := stockedItem(t, shop, 5)
	require.NoError(t, shop.SetFaults(fakeshop.Faults{GraphQLLostResponseRate: 0.7, GraphQLErrorStatuses: []int{http.StatusBadGateway}}))

	for i := range 3 {
		_, err := client.InventoryAdjustQuantities(context.Background(), c, "adjust-"+string(rune('a'+i)), client.InventoryAdjustQuantitiesInput{
			Reason: "received", Name: "available",
			Changes: []client.InventoryChangeInput{{InventoryItemId: item, LocationId: loc, Delta: 2}},
		})
		require.NoError(t, err)
	}
	require.NoError(t, shop.SetFaults(fakeshop.Faults{}))
	require.Positive(t, metrics.count("acme.myshopify.com "+transport.OutcomeServerError), "no answer was lost: the test proved nothing")
	require.Equal(t, 5+3*2, available(t, c, item))
}

func TestTopLevelErrorsNameTheirCode(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	ctx := context.Background()

	t.Run("MAX_COST_EXCEEDED", func(t *testing.T) {
		c, _ := newClient(t, srv, shop)
		_, err := client.Products(ctx, c, 250, nil, nil, 250)
		var apiErr *client.APIError
		require.ErrorAs(t, err, &apiErr)
		require.ErrorIs(t, err, client.CodeMaxCostExceeded)
		require.Equal(t, client.CodeMaxCostExceeded, apiErr.Code())
		require.Equal(t, "Products", apiErr.Operation)
		require.Contains(t, err.Error(), "MAX_COST_EXCEEDED")
	})

	t.Run("THROTTLED once retries run out", func(t *testing.T) {
		c, _ := newClient(t, srv, shop)
		shop.SetBudget(starvedBudget{})
		defer shop.SetBudget(cost.NewBucket(cost.Standard, nil))
		_, err := client.Shop(ctx, c)
		var apiErr *client.APIError
		require.ErrorAs(t, err, &apiErr)
		require.ErrorIs(t, err, client.CodeThrottled)
		require.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	})

	t.Run("5xx once retries run out", func(t *testing.T) {
		c, _ := newClient(t, srv, shop)
		require.NoError(t, shop.SetFaults(fakeshop.Faults{GraphQLErrorRate: 1, GraphQLErrorStatuses: []int{http.StatusServiceUnavailable}}))
		defer func() { require.NoError(t, shop.SetFaults(fakeshop.Faults{})) }()
		_, err := client.Shop(ctx, c)
		var httpErr *client.HTTPError
		require.ErrorAs(t, err, &httpErr)
		require.Equal(t, http.StatusServiceUnavailable, httpErr.StatusCode)
	})

	t.Run("401 keeps the token out", func(t *testing.T) {
		const wrong = "shpat_00000000000000000000000000000bad"
		c, _ := newClient(t, srv, shop, func(cfg *client.Config) { cfg.Token = wrong })
		_, err := client.Shop(ctx, c)
		require.ErrorIs(t, err, client.ErrUnauthorized)
		require.NotContains(t, err.Error(), wrong)
		require.False(t, strings.Contains(err.Error(), shop.Token()))
	})

	t.Run("ACCESS_DENIED matches its code", func(t *testing.T) {
		err := &client.APIError{Shop: "acme.myshopify.com", Operation: "Orders", StatusCode: 200,
			Errors: []client.GraphQLError{{Message: "Access denied for orders field.", Code: client.CodeAccessDenied}}}
		require.ErrorIs(t, err, client.CodeAccessDenied)
		require.False(t, errors.Is(err, client.CodeThrottled))
		require.Equal(t, "shopify acme.myshopify.com Orders: ACCESS_DENIED: Access denied for orders field.", err.Error())
	})
}

// starvedBudget is a fakeshop cost bucket that never has the points, so
// every request is THROTTLED.
type starvedBudget struct{}

func (starvedBudget) TryCharge(float64) (bool, float64)  { return false, 0 }
func (starvedBudget) Refund(float64)                     {}
func (starvedBudget) Available() float64                 { return 0 }
func (starvedBudget) Capacity() float64                  { return 2000 }
func (starvedBudget) RestoreRate() float64               { return 100 }
func (starvedBudget) Wait(float64) (time.Duration, bool) { return 0, false }
