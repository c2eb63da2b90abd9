package fakeshop

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestWebhookDeliveryCarriesShopifyHeadersAndHMAC(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "hooks", Secret: "shh-app-secret"})
	rc := newReceiver(t, nil)
	_, err := shop.CreateWebhookSubscription(WebhookSubscriptionInput{Topic: "PRODUCTS_CREATE", URI: rc.URL(), Name: "catalog-sync"})
	require.NoError(t, err)
	subscribe(t, shop, "PRODUCTS_CREATE", rc.URL()+"?second")
	subscribe(t, shop, "ORDERS_CREATE", rc.URL()+"?orders") // another topic: gets nothing

	p, err := shop.CreateProduct(ProductInput{Title: ptr("Hooked Tee")}, nil)
	require.NoError(t, err)
	flush(t, srv)

	got := rc.requests()
	require.Len(t, got, 2, "one delivery per subscription of the topic")
	for _, r := range got {
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, "products/create", r.Header.Get("X-Shopify-Topic"))
		assert.Equal(t, "hooks.myshopify.com", r.Header.Get("X-Shopify-Shop-Domain"))
		assert.Equal(t, "2026-01", r.Header.Get("X-Shopify-API-Version"))
		assert.Equal(t, hmacOf("shh-app-secret", r.Body), r.Header.Get("X-Shopify-Hmac-Sha256"), "HMAC-SHA256 of the raw body, base64")
		assert.Regexp(t, uuidPattern, r.Header.Get("X-Shopify-Webhook-Id"))
		assert.Equal(t, "2026-01-15T10:00:00.000000Z", r.Header.Get("X-Shopify-Triggered-At"))
		body := r.JSON(t)
		assert.Equal(t, p.ID, mustInt64(t, body["id"]))
	}
	assert.NotEqual(t, got[0].Header.Get("X-Shopify-Webhook-Id"), got[1].Header.Get("X-Shopify-Webhook-Id"), "webhook id is per delivery")
	assert.Equal(t, got[0].Header.Get("X-Shopify-Event-Id"), got[1].Header.Get("X-Shopify-Event-Id"), "event id is shared by the change's deliveries")
	assert.NotEmpty(t, got[0].Header.Get("X-Shopify-Event-Id"))
	names := []string{got[0].Header.Get("X-Shopify-Name"), got[1].Header.Get("X-Shopify-Name")}
	assert.ElementsMatch(t, []string{"catalog-sync", ""}, names, "X-Shopify-Name only when the subscription has one")

	st := srv.WebhookStats()
	assert.Equal(t, int64(2), st.Delivered)
	assert.Equal(t, int64(0), st.FailedAttempts)
}

func TestWebhookEventIDTiesTheChangesOfOneAction(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "events"})
	rc := newReceiver(t, nil)
	loc, err := shop.CreateLocation(LocationInput{Name: "Main"})
	require.NoError(t, err)
	for _, topic := range []string{"PRODUCTS_CREATE", "INVENTORY_ITEMS_CREATE", "INVENTORY_LEVELS_CONNECT"} {
		subscribe(t, shop, topic, rc.URL())
	}
	_, err = shop.CreateProduct(ProductInput{Title: ptr("One")}, []VariantInput{{Quantities: []LocationQuantity{{LocationID: loc.ID, Name: QtyAvailable, Quantity: 1}}}})
	require.NoError(t, err)
	_, err = shop.CreateProduct(ProductInput{Title: ptr("Two")}, nil)
	require.NoError(t, err)
	flush(t, srv)

	byTopic := rc.byTopic()
	require.Len(t, byTopic["products/create"], 2)
	require.Len(t, byTopic["inventory_items/create"], 2)
	require.Len(t, byTopic["inventory_levels/connect"], 1)
	first := byTopic["inventory_levels/connect"][0].Header.Get("X-Shopify-Event-Id")
	events := map[string]int{}
	for _, r := range rc.requests() {
		events[r.Header.Get("X-Shopify-Event-Id")]++
	}
	assert.Len(t, events, 2, "two merchant actions")
	assert.Equal(t, 3, events[first], "product, item and level of the first product share its event id")
}

func TestWebhookChangeWithoutShopifyTopicIsNotDelivered(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "pages"})
	rc := newReceiver(t, nil)
	// The Go API stores any topic; Shopify has no pages/* webhooks.
	subscribe(t, shop, "PAGES_CREATE", rc.URL())
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	_, err := shop.CreatePage(PageInput{Title: ptr("About")})
	require.NoError(t, err)
	_, err = shop.CreateLocation(LocationInput{Name: "Depot"})
	require.NoError(t, err)
	flush(t, srv)

	got := rc.requests()
	require.Len(t, got, 1, "only the location")
	assert.Equal(t, "locations/create", got[0].Header.Get("X-Shopify-Topic"))
}

func TestWebhookChangePathDoesNotWaitForReceivers(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(int, *http.Request) int {
		<-release
		return http.StatusOK
	})
	srv := startServer(t, Options{Webhooks: WebhookOptions{Workers: 1, QueueSize: 3}})
	shop := srv.AddShop(ShopConfig{Name: "slow"})
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())

	for i := range 6 {
		_, err := shop.CreateLocation(LocationInput{Name: "L" + string(rune('a'+i))})
		require.NoError(t, err, "a change returns while the receiver hangs")
	}
	st := srv.WebhookStats()
	assert.Equal(t, int64(3), st.Queued, "the queue holds three")
	assert.Equal(t, int64(3), st.Overflowed, "the rest overflow instead of blocking")
	close(release)
	flush(t, srv)
	assert.Len(t, rc.requests(), 3)
}

func mustInt64(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(interface{ Int64() (int64, error) })
	require.True(t, ok, "%v (%T) is not a JSON number", v, v)
	i, err := n.Int64()
	require.NoError(t, err)
	return i
}

func TestDefaultRetryScheduleSpansAboutFourHours(t *testing.T) {
	require.Len(t, DefaultRetrySchedule, 8)
	var total time.Duration
	for i, d := range DefaultRetrySchedule {
		if i > 0 {
			assert.Equal(t, 2*DefaultRetrySchedule[i-1], d, "exponential")
		}
		total += d
	}
	assert.InDelta(t, (4 * time.Hour).Minutes(), total.Minutes(), 10)
}
