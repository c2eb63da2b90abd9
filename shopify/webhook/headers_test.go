package webhook_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/webhook"
)

func deliveryHeaders() http.Header {
	h := http.Header{}
	// Lower-case names, as HTTP/2 delivers them; Set canonicalizes like a server does.
	h.Set("x-shopify-topic", "products/update")
	h.Set("x-shopify-hmac-sha256", "PChQV/s9qVvLuYZx4s3CvtPkNn5M2k1OrvTkc0qHHSM=")
	h.Set("x-shopify-shop-domain", "dest-1.myshopify.com")
	h.Set("x-shopify-api-version", "2026-01")
	h.Set("x-shopify-webhook-id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
	h.Set("x-shopify-triggered-at", "2025-07-10T16:15:47.000000Z")
	h.Set("x-shopify-event-id", "98880550-7158-44d4-b7cd-2c97c8a091b5")
	return h
}

func TestParseHeaders(t *testing.T) {
	got, err := webhook.ParseHeaders(deliveryHeaders())
	require.NoError(t, err)
	require.Equal(t, "products/update", got.Topic)
	require.Equal(t, "dest-1.myshopify.com", got.ShopDomain)
	require.Equal(t, "2026-01", got.APIVersion)
	require.Equal(t, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", got.WebhookID)
	require.Equal(t, "98880550-7158-44d4-b7cd-2c97c8a091b5", got.EventID)
	require.Empty(t, got.Name)
	require.Equal(t, time.Date(2025, 7, 10, 16, 15, 47, 0, time.UTC), got.TriggeredAt)
}

func TestParseHeadersNamesTheMissingHeader(t *testing.T) {
	for _, name := range []string{
		webhook.HeaderHMAC, webhook.HeaderTopic, webhook.HeaderShopDomain,
		webhook.HeaderAPIVersion, webhook.HeaderWebhookID,
	} {
		t.Run(name, func(t *testing.T) {
			h := deliveryHeaders()
			h.Del(name)
			_, err := webhook.ParseHeaders(h)
			var missing *webhook.MissingHeaderError
			require.ErrorAs(t, err, &missing)
			require.Equal(t, name, missing.Header)
			require.Contains(t, err.Error(), name)
		})
	}
}

func TestOptionalHeadersMayBeAbsentOrOdd(t *testing.T) {
	h := deliveryHeaders()
	h.Del(webhook.HeaderEventID)
	h.Set(webhook.HeaderTriggeredAt, "yesterday")
	got, err := webhook.ParseHeaders(h)
	require.NoError(t, err)
	require.Empty(t, got.EventID)
	require.True(t, got.TriggeredAt.IsZero())
	require.Equal(t, "yesterday", got.TriggeredAtRaw)
}

func TestSetRoundTrips(t *testing.T) {
	in := webhook.Headers{
		Topic: "inventory_levels/update", HMAC: "sig", ShopDomain: "src.myshopify.com",
		APIVersion: "2026-01", WebhookID: "w-1", Name: "sync",
		TriggeredAt: time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC),
	}
	h := http.Header{}
	in.Set(h)
	require.Equal(t, "2026-01-02T03:04:05.123456Z", h.Get(webhook.HeaderTriggeredAt))
	require.Empty(t, h.Values(webhook.HeaderEventID), "empty optional headers are left out")
	out, err := webhook.ParseHeaders(h)
	require.NoError(t, err)
	require.Equal(t, in.Topic, out.Topic)
	require.Equal(t, in.Name, out.Name)
	require.True(t, in.TriggeredAt.Equal(out.TriggeredAt))
}
