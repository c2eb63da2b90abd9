package webhooks_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/shopify/webhook"
)

func TestValidDeliveryIsStoredBeforeTheAnswer(t *testing.T) {
	f := newFixture(t)
	triggered := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	d := delivery{id: newWebhookID(), triggeredAt: triggered}
	got := f.send(d)
	require.Equal(t, http.StatusOK, got.status, got.body)

	// The row exists as soon as the answer does: no waiting.
	r := f.row(d.id)
	assert.Equal(t, shopA, r.Store)
	assert.Equal(t, "products/update", r.Topic)
	assert.Equal(t, webhooks.StatusReceived, r.Status)
	assert.Equal(t, "2026-01", *r.APIVersion)
	assert.Equal(t, "98880550-7158-44d4-b7cd-2c97c8a091b5", *r.EventID)
	require.NotNil(t, r.TriggeredAt)
	assert.True(t, triggered.Equal(*r.TriggeredAt))
	assert.Nil(t, r.ProcessedAt)
	assert.Zero(t, r.Attempts)
	assert.JSONEq(t, productsJSON, r.Payload)
	assert.Contains(t, r.Payload, "788032119674292922", "ids beyond 2^53 kept exactly")
	assert.Equal(t, 1.0, f.delivered("products/update", webhooks.OutcomeAccepted))
}

func TestForgedSignatureIsRefusedAndNothingStored(t *testing.T) {
	f := newFixture(t)
	got := f.send(delivery{secret: "not-the-shops-secret"})
	assert.Equal(t, http.StatusUnauthorized, got.status)
	assert.Zero(t, f.rows())
	assert.Equal(t, 1.0, f.delivered("products/update", webhooks.OutcomeBadHMAC))

	// A right signature over a body that was then changed is as forged.
	tampered := f.send(delivery{edit: func(h http.Header) {
		h.Set(webhook.HeaderHMAC, webhook.Sign([]byte(secretA), []byte(`{"id":1}`)))
	}})
	assert.Equal(t, http.StatusUnauthorized, tampered.status)
	assert.Zero(t, f.rows())
}

func TestMissingSignatureIsRefused(t *testing.T) {
	f := newFixture(t)
	got := f.send(delivery{edit: func(h http.Header) { h.Del(webhook.HeaderHMAC) }})
	assert.Equal(t, http.StatusUnauthorized, got.status)
	assert.Zero(t, f.rows())
	assert.Equal(t, 1.0, f.delivered("products/update", webhooks.OutcomeBadHMAC))
}

func TestDeliverySignedForOneShopCannotWriteAnother(t *testing.T) {
	f := newFixture(t)
	// Signed with shop A's secret, labelled as shop B.
	got := f.send(delivery{shop: shopB, secret: secretA})
	assert.Equal(t, http.StatusUnauthorized, got.status)
	// And the other way round.
	got = f.send(delivery{shop: shopA, secret: secretB})
	assert.Equal(t, http.StatusUnauthorized, got.status)
	assert.Zero(t, f.rows())
	assert.Equal(t, 2.0, f.delivered("products/update", webhooks.OutcomeBadHMAC))
}

func TestUnknownShopIsRefusedLikeAForgery(t *testing.T) {
	f := newFixture(t)
	unknown := f.send(delivery{shop: "stranger.myshopify.com", secret: "whatever"})
	forged := f.send(delivery{secret: "whatever"})
	noDomain := f.send(delivery{edit: func(h http.Header) { h.Del(webhook.HeaderShopDomain) }})
	for _, got := range []answer{unknown, forged, noDomain} {
		assert.Equal(t, http.StatusUnauthorized, got.status)
	}
	assert.Equal(t, forged.body, unknown.body, "a forger cannot tell which shops exist")
	assert.Equal(t, forged.body, noDomain.body)
	assert.Zero(t, f.rows())
	assert.Equal(t, 2.0, f.delivered("products/update", webhooks.OutcomeUnknownShop))
	assert.Contains(t, f.logs.String(), `"outcome":"unknown_shop"`)
	assert.Contains(t, f.logs.String(), "stranger.myshopify.com", "the log names the unknown shop for the operator")
}

func TestShopDomainIsMatchedCaseInsensitively(t *testing.T) {
	f := newFixture(t)
	d := delivery{id: newWebhookID(), shop: "Shop-A.MyShopify.com"}
	require.Equal(t, http.StatusOK, f.send(d).status)
	assert.Equal(t, shopA, f.row(d.id).Store, "stored as stores.domain spells it")
}

func TestSecretRotationAcceptsOldAndNewSecrets(t *testing.T) {
	f := newFixture(t)
	current, old := delivery{id: newWebhookID(), secret: secretA}, delivery{id: newWebhookID(), secret: secretAOld}
	assert.Equal(t, http.StatusOK, f.send(current).status)
	assert.Equal(t, http.StatusOK, f.send(old).status)
	assert.Equal(t, 2, f.rows())
}

func TestOversizedBodyIsRefusedAndNothingStored(t *testing.T) {
	f := newFixture(t, func(c *webhooks.ReceiverConfig) { c.MaxBodyBytes = 1024 })
	big := `{"title":"` + strings.Repeat("x", 2000) + `"}`

	// With a Content-Length: refused before reading.
	got := f.send(delivery{body: big})
	assert.Equal(t, http.StatusRequestEntityTooLarge, got.status)
	assert.Contains(t, got.body, "1024 bytes")

	// Chunked, no length announced: refused once the bound is passed.
	req := delivery{body: big}.request(t, f.srv.URL+webhooks.Path)
	req.Body = io.NopCloser(bytes.NewReader([]byte(big)))
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	assert.Zero(t, f.rows())
	assert.Equal(t, 2.0, f.delivered("products/update", webhooks.OutcomeTooLarge))

	// At the bound exactly is fine.
	exact := `{"title":"` + strings.Repeat("x", 1024-12) + `"}`
	require.Len(t, exact, 1024)
	assert.Equal(t, http.StatusOK, f.send(delivery{body: exact}).status)
}

func TestMalformedJSONIsRefusedAndNothingStored(t *testing.T) {
	f := newFixture(t)
	for name, body := range map[string]string{
		"not JSON":            `{"id": 1,`,
		"an array":            `[{"id":1}]`,
		"a string":            `"products"`,
		"two values":          `{"id":1}{"id":2}`,
		"NUL jsonb refuses":   `{"title":"a\u0000b"}`,
		"number out of range": `{"n":1e1000000}`,
	} {
		t.Run(name, func(t *testing.T) {
			got := f.send(delivery{body: body})
			assert.Equal(t, http.StatusBadRequest, got.status, got.body)
		})
	}
	assert.Zero(t, f.rows())
	assert.Equal(t, 6.0, f.delivered("products/update", webhooks.OutcomeMalformed))
}

func TestMissingRequiredHeaderIsNamedOnlyToAVerifiedSender(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{webhook.HeaderTopic, webhook.HeaderAPIVersion, webhook.HeaderWebhookID} {
		t.Run(name, func(t *testing.T) {
			got := f.send(delivery{edit: func(h http.Header) { h.Del(name) }})
			assert.Equal(t, http.StatusBadRequest, got.status)
			assert.Contains(t, got.body, name)

			forged := f.send(delivery{secret: "forger", edit: func(h http.Header) { h.Del(name) }})
			assert.Equal(t, http.StatusUnauthorized, forged.status)
			assert.NotContains(t, forged.body, name)
		})
	}
	assert.Zero(t, f.rows())
}

func TestOddHeaderValuesAreRefused(t *testing.T) {
	f := newFixture(t)
	got := f.send(delivery{id: strings.Repeat("x", 300)})
	assert.Equal(t, http.StatusBadRequest, got.status)
	assert.Contains(t, got.body, webhook.HeaderWebhookID)
	assert.Zero(t, f.rows())
}

func TestDuplicateWebhookIDIsStoredOnce(t *testing.T) {
	f := newFixture(t)
	d := delivery{id: newWebhookID()}
	first, second := f.send(d), f.send(d)
	assert.Equal(t, http.StatusOK, first.status)
	assert.Equal(t, http.StatusOK, second.status, "a duplicate is acknowledged, or Shopify would retry it")
	assert.Equal(t, 1, f.rows())
	assert.Equal(t, 1.0, f.delivered("products/update", webhooks.OutcomeAccepted))
	assert.Equal(t, 1.0, f.delivered("products/update", webhooks.OutcomeDuplicate))
}

func TestUnknownTopicIsAcknowledgedAndStoredAsIgnored(t *testing.T) {
	f := newFixture(t)
	d := delivery{id: newWebhookID(), topic: "customers/data_request", body: `{"shop_id":1}`}
	got := f.send(d)
	assert.Equal(t, http.StatusOK, got.status)
	r := f.row(d.id)
	assert.Equal(t, webhooks.StatusIgnored, r.Status)
	assert.NotNil(t, r.ProcessedAt)
	assert.Equal(t, 1.0, f.delivered("other", webhooks.OutcomeIgnoredTopic), "unknown topics share one label")
}

func TestOnlyPostIsAccepted(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + webhooks.Path)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, http.MethodPost, resp.Header.Get("Allow"))
}

func TestStoreFailureAnswers500SoShopifyRetries(t *testing.T) {
	f := newFixture(t)
	// Take the inbox away: the store fails the way a broken database does.
	_, err := f.pool.Exec(context.Background(), "ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_gone")
	require.NoError(t, err)
	got := f.send(delivery{})
	assert.Equal(t, http.StatusInternalServerError, got.status)
	assert.NotContains(t, got.body, "webhook_deliveries", "internals stay in the log")
	assert.Equal(t, 1.0, f.delivered("products/update", webhooks.OutcomeError))
	assert.Contains(t, f.logs.String(), "webhook_deliveries", "the log says what failed")
}

func TestReceiverConfigValidation(t *testing.T) {
	cfg := webhooks.DefaultReceiverConfig()
	require.NoError(t, cfg.Validate())
	cfg.MaxBodyBytes, cfg.StoreTimeout = 0, 10*time.Second
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "max_body_bytes")
	assert.Contains(t, err.Error(), "store_timeout")
}
