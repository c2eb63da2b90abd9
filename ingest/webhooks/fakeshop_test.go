package webhooks_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// clock is fakeshop's time, moved by the test, so that each change has its
// own X-Shopify-Triggered-At (fakeshop's timestamps have whole seconds).
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func startFakeshop(t *testing.T, opts fakeshop.Options) *fakeshop.Server {
	t.Helper()
	srv := fakeshop.New(opts)
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

func flushWebhooks(t *testing.T, srv *fakeshop.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.FlushWebhooks(ctx))
}

// payloadID is a payload's numeric id, read exactly (ids exceed 2^53).
func payloadID(t *testing.T, payload []byte) int64 {
	t.Helper()
	var p struct {
		ID json.Number `json:"id"`
	}
	require.NoError(t, json.Unmarshal(payload, &p))
	id, err := p.ID.Int64()
	require.NoError(t, err)
	return id
}

// TestFakeshopDeliveriesAreStoredAndProcessed is the stream end to end:
// fakeshop sends real signed webhooks, each twice (its duplicate fault),
// for a product's creation, update and deletion; the receiver stores each
// once; a processor hands them to the applier oldest first, the delete as a
// tombstone.
func TestFakeshopDeliveriesAreStoredAndProcessed(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	shopify := startFakeshop(t, fakeshop.Options{Clock: clk.Now})
	shop := shopify.AddShop(fakeshop.ShopConfig{Name: "e2e-source"})
	f := newFixtureFor(t, map[string][]string{shop.Domain(): {shop.Secret()}})
	for _, topic := range []string{"PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE"} {
		_, err := shop.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: topic, URI: f.srv.URL + webhooks.Path, APIVersion: "2026-01"})
		require.NoError(t, err)
	}
	require.NoError(t, shop.SetFaults(fakeshop.Faults{WebhookDuplicateRate: 1}))

	title, renamed := "Linen Shirt", "Linen Shirt, washed"
	p, err := shop.CreateProduct(fakeshop.ProductInput{Title: &title}, nil)
	require.NoError(t, err)
	clk.advance(time.Minute)
	_, err = shop.UpdateProduct(p.ID, fakeshop.ProductInput{Title: &renamed})
	require.NoError(t, err)
	clk.advance(time.Minute)
	require.NoError(t, shop.DeleteProduct(p.ID))
	flushWebhooks(t, shopify)

	stats := shopify.WebhookStats()
	require.Equal(t, int64(3), stats.Duplicated, "every delivery was sent twice")
	assert.Zero(t, stats.FailedAttempts, "every attempt was acknowledged")
	assert.Equal(t, 3, f.rows(), "duplicates stored once")
	assert.Equal(t, 3.0, f.delivered("products/create", webhooks.OutcomeAccepted)+
		f.delivered("products/update", webhooks.OutcomeAccepted)+f.delivered("products/delete", webhooks.OutcomeAccepted))
	assert.Equal(t, 3.0, f.delivered("products/create", webhooks.OutcomeDuplicate)+
		f.delivered("products/update", webhooks.OutcomeDuplicate)+f.delivered("products/delete", webhooks.OutcomeDuplicate))

	rec := &recorder{}
	n, err := newProcessor(t, f, rec).ProcessBatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, n)
	var topics []string
	for _, d := range rec.calls {
		topics = append(topics, d.Topic)
		assert.Equal(t, shop.Domain(), d.Store)
		assert.Equal(t, p.ID, payloadID(t, d.Payload))
		assert.NotEmpty(t, d.EventID)
	}
	assert.Equal(t, []string{"products/create", "products/update", "products/delete"}, topics, "oldest trigger first")
	assert.Contains(t, string(rec.calls[1].Payload), renamed)
	assert.True(t, rec.calls[2].Tombstone())
	assert.Equal(t, clk.Now(), rec.calls[2].TriggeredAt.UTC())
}

// TestFakeshopUnknownShopIsRefusedUntilShopifyGivesUp: a shop we hold no
// secret for keeps being refused, nothing is stored, and Shopify (fakeshop)
// eventually deletes the subscription, which is what it does to an endpoint
// that never accepts.
func TestFakeshopUnknownShopIsRefusedUntilShopifyGivesUp(t *testing.T) {
	shopify := startFakeshop(t, fakeshop.Options{Webhooks: fakeshop.WebhookOptions{
		RetrySchedule: []time.Duration{time.Millisecond, time.Millisecond},
	}})
	known := shopify.AddShop(fakeshop.ShopConfig{Name: "e2e-known"})
	stranger := shopify.AddShop(fakeshop.ShopConfig{Name: "e2e-stranger"})
	f := newFixtureFor(t, map[string][]string{known.Domain(): {known.Secret()}})
	_, err := stranger.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: "LOCATIONS_CREATE", URI: f.srv.URL + webhooks.Path})
	require.NoError(t, err)
	_, err = stranger.CreateLocation(fakeshop.LocationInput{Name: "Depot"})
	require.NoError(t, err)
	flushWebhooks(t, shopify)

	stats := shopify.WebhookStats()
	assert.Equal(t, int64(3), stats.FailedAttempts, "the attempt and both retries refused")
	assert.Equal(t, int64(1), stats.SubscriptionsRemoved)
	assert.Empty(t, stranger.WebhookSubscriptions())
	assert.Zero(t, f.rows())
	assert.Equal(t, 3.0, f.delivered("locations/create", webhooks.OutcomeUnknownShop))
}
