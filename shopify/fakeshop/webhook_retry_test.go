package fakeshop

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookRetriesWithTheOriginalDeliveryUntil2xx(t *testing.T) {
	clock := newTestClock()
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusAccepted // any 2xx is success
	})
	srv := startServer(t, Options{Clock: clock.Now, Webhooks: WebhookOptions{RetrySchedule: fastRetries(8, time.Millisecond)}})
	shop := srv.AddShop(ShopConfig{Name: "retry"})
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	_, err := shop.CreateLocation(LocationInput{Name: "Warehouse"})
	require.NoError(t, err)
	clock.Advance(time.Hour) // retries keep the original trigger time
	flush(t, srv)

	got := rc.requests()
	require.Len(t, got, 3)
	for _, r := range got[1:] {
		assert.Equal(t, got[0].Body, r.Body, "the original payload")
		for _, h := range []string{"X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-Hmac-Sha256"} {
			assert.Equal(t, got[0].Header.Get(h), r.Header.Get(h), h)
		}
	}
	assert.Equal(t, "2026-01-15T10:00:00.000000Z", got[2].Header.Get("X-Shopify-Triggered-At"))
	st := srv.WebhookStats()
	assert.Equal(t, int64(2), st.FailedAttempts)
	assert.Equal(t, int64(2), st.Retries)
	assert.Equal(t, int64(1), st.Delivered)
	assert.Len(t, shop.WebhookSubscriptions(), 1, "a delivery that succeeded keeps its subscription")
}

func TestWebhookSubscriptionRemovedAfterLastRetryFails(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusServiceUnavailable })
	ok := newReceiver(t, nil)
	srv := startServer(t, Options{Webhooks: WebhookOptions{RetrySchedule: fastRetries(8, time.Millisecond)}})
	shop := srv.AddShop(ShopConfig{Name: "dead"})
	dead := subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	alive := subscribe(t, shop, "LOCATIONS_CREATE", ok.URL())
	_, err := shop.CreateLocation(LocationInput{Name: "Nowhere"})
	require.NoError(t, err)
	flush(t, srv)

	got := rc.requests()
	require.Len(t, got, 9, "the first attempt and 8 retries")
	for _, r := range got {
		assert.Equal(t, got[0].Header.Get("X-Shopify-Webhook-Id"), r.Header.Get("X-Shopify-Webhook-Id"))
	}
	subs := shop.WebhookSubscriptions()
	require.Len(t, subs, 1)
	assert.Equal(t, alive.ID, subs[0].ID, "only the failing subscription is deleted")
	assert.NotEqual(t, dead.ID, subs[0].ID)
	assert.Equal(t, int64(1), srv.WebhookStats().SubscriptionsRemoved)

	_, err = shop.CreateLocation(LocationInput{Name: "Later"})
	require.NoError(t, err)
	flush(t, srv)
	assert.Len(t, rc.requests(), 9, "a removed subscription gets nothing more")
	assert.Len(t, ok.requests(), 2)
}

func TestWebhookTimeoutCountsAsFailure(t *testing.T) {
	rc := newReceiver(t, func(_ int, r *http.Request) int {
		<-r.Context().Done() // never answers; the sender gives up
		return http.StatusOK
	})
	srv := startServer(t, Options{Webhooks: WebhookOptions{Timeout: 100 * time.Millisecond, RetrySchedule: fastRetries(1, time.Millisecond)}})
	shop := srv.AddShop(ShopConfig{Name: "hang"})
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	_, err := shop.CreateLocation(LocationInput{Name: "Slow"})
	require.NoError(t, err)
	flush(t, srv)

	assert.Len(t, rc.requests(), 2)
	st := srv.WebhookStats()
	assert.Equal(t, int64(2), st.FailedAttempts)
	assert.Equal(t, int64(1), st.SubscriptionsRemoved)
	assert.Empty(t, shop.WebhookSubscriptions())
}

func TestWebhookRetriesStopWhenTheSubscriptionIsDeleted(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusInternalServerError })
	srv := startServer(t, Options{Webhooks: WebhookOptions{RetrySchedule: fastRetries(8, 50*time.Millisecond)}})
	shop := srv.AddShop(ShopConfig{Name: "unsub"})
	sub := subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	_, err := shop.CreateLocation(LocationInput{Name: "Gone"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(rc.requests()) >= 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, shop.DeleteWebhookSubscription(sub.ID))
	flush(t, srv)

	assert.Less(t, len(rc.requests()), 9)
	st := srv.WebhookStats()
	assert.Equal(t, int64(1), st.Abandoned)
	assert.Equal(t, int64(0), st.SubscriptionsRemoved)
}
