package applier_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// orderFixture is a fixture with one destination whose link syncs orders,
// matched by matchKey, with inventory mode mode.
func orderFixture(t *testing.T, matchKey, mode string) *fixture {
	t.Helper()
	f := newFixture(t, fixtureOptions{})
	f.exec(`UPDATE links SET match_key = $1, inventory_mode = $2, sync_orders = true`, matchKey, mode)
	return f
}

// mirrorOrders reads the orders (and products and stock) of shops into the
// mirror with the ingest's bulk snapshot: reconciliation's view.
func (f *fixture) mirrorOrders(shops ...*fakeshop.Shop) {
	f.t.Helper()
	for _, sh := range shops {
		r, err := snapshot.NewRunner(f.pool, snapshot.MirrorLoader{Mirror: f.mirror}, snapshot.Config{SpillDir: f.t.TempDir()})
		require.NoError(f.t, err)
		_, err = r.Families(f.ctx, f.clients[sh.Domain()], []events.Family{events.Products, events.Inventory, events.Orders})
		require.NoError(f.t, err)
	}
}

// planOrders runs the orders family of the first link and returns its
// deltas as planned (collected by a dry run first, then planned for real).
func (f *fixture) planOrders() map[string]int {
	f.t.Helper()
	lr, err := f.planner.PlanOrders(f.ctx, f.links[0], nil)
	require.NoError(f.t, err)
	return lr.Inserted
}

// orderDelta is the latest order delta of a destination order.
type orderDelta struct {
	Operation, Status string
	Desired           map[string]any
	Error             *string
}

func (f *fixture) orderDelta(destOrderGID string) orderDelta {
	f.t.Helper()
	var d orderDelta
	var desired []byte
	require.NoError(f.t, f.pool.QueryRow(f.ctx, `SELECT operation, status, desired, error FROM plan_deltas
		WHERE resource = 'order' AND key = $1 ORDER BY id DESC LIMIT 1`, destOrderGID).Scan(&d.Operation, &d.Status, &desired, &d.Error))
	require.NoError(f.t, json.Unmarshal(desired, &d.Desired))
	return d
}

// sourceOrders are the source's orders made for destination order gid (by
// its sourceIdentifier).
func (f *fixture) sourceOrders(destOrderGID string) []*fakeshop.Order {
	var out []*fakeshop.Order
	for _, o := range f.src.Orders() {
		if o.SourceIdentifier != nil && *o.SourceIdentifier == destOrderGID {
			out = append(out, o)
		}
	}
	return out
}

// sell places an order in shop as a checkout would: stock claimed.
func sell(t *testing.T, shop *fakeshop.Shop, lines ...fakeshop.LineItemInput) *fakeshop.Order {
	t.Helper()
	o, err := shop.CreateOrder(fakeshop.OrderInput{
		Email: ptr("ada@example.com"), Customer: &fakeshop.Customer{Email: ptr("ada@example.com"), FirstName: ptr("Ada"), LastName: ptr("Lovelace")},
		ShippingAddress: &fakeshop.Address{FirstName: "Ada", LastName: "Lovelace", Address1: "1 Analytical Way", City: "London", CountryCode: "GB", Zip: "N1 1AA"},
		LineItems:       lines, InventoryBehaviour: "DECREMENT_IGNORING_POLICY", ShippingTotal: "4.50", TaxTotal: "2.00",
	})
	require.NoError(t, err)
	return o
}

// webhookMirror receives a shop's webhooks and mirrors them as the ingest
// does (without its inbox and HMAC check, which are tested there).
type webhookMirror struct {
	f    *fixture
	srv  *httptest.Server
	mu   sync.Mutex
	errs []error
}

func (f *fixture) mirrorWebhooks(shop *fakeshop.Shop, topics ...string) *webhookMirror {
	f.t.Helper()
	w := &webhookMirror{f: f}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b, err := mirror.FromWebhook(shop.Domain(), r.Header.Get("X-Shopify-Topic"), body, time.Now())
		if err == nil {
			_, err = f.mirror.Apply(r.Context(), f.pool, events.Webhook, b)
		}
		if err != nil {
			w.mu.Lock()
			w.errs = append(w.errs, err)
			w.mu.Unlock()
		}
		rw.WriteHeader(http.StatusOK)
	}))
	f.t.Cleanup(w.srv.Close)
	for _, topic := range topics {
		_, err := shop.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: topic, URI: w.srv.URL})
		require.NoError(f.t, err)
	}
	return w
}

// flush waits for every webhook to be delivered and mirrored.
func (w *webhookMirror) flush() {
	w.f.t.Helper()
	require.NoError(w.f.t, w.f.srv.FlushWebhooks(w.f.ctx))
	w.mu.Lock()
	defer w.mu.Unlock()
	require.Empty(w.f.t, w.errs)
}
