package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/webhook"
)

// FuzzReceiver throws arbitrary bodies and header values at the handler (no
// HTTP server in between, so values a server would refuse get through too).
// Whatever comes in, the handler must not panic, must answer one of its
// documented statuses, and must store nothing unless the request carried
// the shop's real signature: a fuzzer cannot forge HMAC-SHA256, so only the
// inputs it asks to have signed may leave a row.
func FuzzReceiver(f *testing.F) {
	pool := testdb.Postgres(f)
	secrets, err := webhooks.NewStaticSecrets(map[string][]string{shopA: {secretA}})
	require.NoError(f, err)
	cfg := webhooks.DefaultReceiverConfig()
	cfg.MaxBodyBytes = 4096
	rc, err := webhooks.NewReceiver(pool, secrets, cfg)
	require.NoError(f, err)
	rows := func(t *testing.T) int {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM webhook_deliveries").Scan(&n))
		return n
	}

	f.Add([]byte(productsJSON), "products/update", shopA, "w-1", "2026-01", "", true)
	f.Add([]byte(productsJSON), "products/update", shopA, "w-2", "2026-01", "PChQV/s9qVvLuYZx4s3CvtPkNn5M2k1OrvTkc0qHHSM=", false)
	f.Add([]byte(`{"id":1}`), "orders/updated", "SHOP-A.myshopify.com", "w-3", "2026-01", "", true)
	f.Add([]byte(`{"a":"\u0000"}`), "products/delete", shopA, "w-4", "", "", true)
	f.Add([]byte(`[1,2]`), "products/update", shopB, "w-5", "2026-01", "", true)
	f.Add([]byte{}, "", "", "", "", "", true)
	f.Add([]byte(`{"x":1e99999}`), "app/uninstalled", shopA, "w\xff", "2026-01", "", true)
	f.Add([]byte(strings.Repeat("{", 5000)), "products/create", shopA, "w-6", "2026-01", "", true)

	allowed := map[int]bool{
		http.StatusOK: true, http.StatusBadRequest: true, http.StatusUnauthorized: true,
		http.StatusRequestEntityTooLarge: true,
	}
	f.Fuzz(func(t *testing.T, body []byte, topic, domain, webhookID, apiVersion, signature string, sign bool) {
		if sign {
			signature = webhook.Sign([]byte(secretA), body)
		}
		req := httptest.NewRequest(http.MethodPost, webhooks.Path, strings.NewReader(string(body)))
		// Set raw, bypassing canonicalisation checks, as a hostile client might.
		for name, v := range map[string]string{
			webhook.HeaderTopic: topic, webhook.HeaderShopDomain: domain, webhook.HeaderWebhookID: webhookID,
			webhook.HeaderAPIVersion: apiVersion, webhook.HeaderHMAC: signature,
		} {
			req.Header[name] = []string{v}
		}
		before := rows(t)
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, req)
		after := rows(t)

		if !allowed[w.Code] {
			t.Fatalf("status %d (%q) for topic %q domain %q id %q", w.Code, w.Body.String(), topic, domain, webhookID)
		}
		if !sign {
			require.Equal(t, before, after, "an unsigned request stored a row (status %d)", w.Code)
			require.NotEqual(t, http.StatusOK, w.Code, "an unsigned request was acknowledged")
		}
		if w.Code != http.StatusOK {
			require.Equal(t, before, after, "a refused request stored a row (status %d)", w.Code)
		}
		require.LessOrEqual(t, after-before, 1)
		for _, secret := range []string{secretA, secretAOld, secretB} {
			require.NotContains(t, w.Body.String(), secret)
		}
	})
}
