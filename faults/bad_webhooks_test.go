package faults

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/shopify/webhook"
)

// badDelivery is one hostile or broken request to the webhook endpoint.
type badDelivery struct {
	name   string
	domain string
	topic  string
	body   []byte
	sign   string // secret to sign with; "" sends no signature
	forged string // a signature to send as it is
	status int    // the answer expected
	stored bool   // a verified delivery is stored (then fails to apply)
}

// Bad input at the webhook endpoint (issue #11, items 4 and 5): forged and
// missing signatures, shop A's signature on a delivery addressed to shop B,
// unknown shops, oversized bodies, malformed JSON and wrong types, sent to
// the running `shopsync ingest`. Each must get a clear error; nothing from a
// request without its shop's signature may be stored, and nothing may reach
// any store's mirror.
func TestBadWebhooks(t *testing.T) {
	p := newPipeline(t, pipelineOptions{})
	cat := newCatalog(t, p.src, 2)
	cat.seed(20)
	dst := p.dsts[0]
	_, err := dst.CreateProduct(cat.newProduct().Product, cat.newProduct().Variants)
	require.NoError(t, err)
	p.ingest.start()
	p.waitIngestListening()
	p.waitMirrored(p.src.Domain(), 20)
	p.waitMirrored(dst.Domain(), 1)

	victim := dst.Products()[0]
	forgedUpdate := func(domain string) []byte {
		return fmt.Appendf(nil, `{"id":%d,"admin_graphql_api_id":"gid://shopify/Product/%d","title":"FORGED","handle":%q,`+
			`"updated_at":%q,"variants":[]}`, victim.ID, victim.ID, victim.Handle, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	}
	srcSecret, dstSecret := p.src.Secret(), dst.Secret()
	cases := []badDelivery{
		{name: "forged signature", domain: dst.Domain(), topic: "products/update", body: forgedUpdate(dst.Domain()),
			forged: webhook.Sign([]byte("not-the-secret"), forgedUpdate(dst.Domain())), status: http.StatusUnauthorized},
		{name: "missing signature", domain: dst.Domain(), topic: "products/update", body: forgedUpdate(dst.Domain()), status: http.StatusUnauthorized},
		{name: "signed for shop A, addressed to shop B", domain: dst.Domain(), topic: "products/update", body: forgedUpdate(dst.Domain()),
			sign: srcSecret, status: http.StatusUnauthorized},
		{name: "signed by B for a delete, addressed to A", domain: p.src.Domain(), topic: "products/delete",
			body: fmt.Appendf(nil, `{"id":%d}`, cat.ids[0]), sign: dstSecret, status: http.StatusUnauthorized},
		{name: "unknown shop", domain: "stranger.myshopify.com", topic: "products/update", body: forgedUpdate("stranger.myshopify.com"),
			sign: srcSecret, status: http.StatusUnauthorized},
		{name: "oversized body (2 MiB)", domain: dst.Domain(), topic: "products/update",
			body: append(append([]byte(`{"id":1,"title":"`), bytes.Repeat([]byte("x"), 2<<20)...), `"}`...), sign: dstSecret,
			status: http.StatusRequestEntityTooLarge},
		{name: "malformed JSON", domain: dst.Domain(), topic: "products/update", body: []byte(`{"id":1,"title":`), sign: dstSecret,
			status: http.StatusBadRequest},
		{name: "JSON array instead of an object", domain: dst.Domain(), topic: "products/update", body: []byte(`[1,2,3]`), sign: dstSecret,
			status: http.StatusBadRequest},
		{name: "NUL in JSON (PostgreSQL jsonb refuses it)", domain: dst.Domain(), topic: "products/update",
			body: []byte(`{"id":1,"title":"a\u0000b"}`), sign: dstSecret, status: http.StatusBadRequest},
		{name: "wrong types (id a string, title a number)", domain: dst.Domain(), topic: "products/update",
			body: []byte(`{"id":"abc","admin_graphql_api_id":12,"title":123,"variants":"none"}`), sign: dstSecret,
			status: http.StatusOK, stored: true},
	}
	r := report(t, fmt.Sprintf("%d bad webhook requests to a running `shopsync ingest` (%s)", len(cases), names(cases)))
	before := p.mirrorDigest()
	stored0, _ := p.deliveries()

	client := &http.Client{Timeout: 10 * time.Second}
	stored := 0
	for i, c := range cases {
		req, err := http.NewRequest(http.MethodPost, "http://"+p.addr+webhooks.Path, bytes.NewReader(c.body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.HeaderTopic, c.topic)
		req.Header.Set(webhook.HeaderShopDomain, c.domain)
		req.Header.Set(webhook.HeaderWebhookID, fmt.Sprintf("bad-%d-%d", i, time.Now().UnixNano()))
		req.Header.Set(webhook.HeaderAPIVersion, "2026-01")
		req.Header.Set(webhook.HeaderTriggeredAt, time.Now().UTC().Format(time.RFC3339Nano))
		switch {
		case c.forged != "":
			req.Header.Set(webhook.HeaderHMAC, c.forged)
		case c.sign != "":
			req.Header.Set(webhook.HeaderHMAC, webhook.Sign([]byte(c.sign), c.body))
		}
		resp, err := client.Do(req)
		require.NoError(t, err, c.name)
		answer, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		found(t, "%-45s -> %d %s", c.name, resp.StatusCode, strings.TrimSpace(string(answer)))
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.name, answer)
		require.NotEmpty(t, strings.TrimSpace(string(answer)), "%s: an error without a message", c.name)
		for _, s := range append(p.tokens, p.secrets...) {
			require.NotContains(t, string(answer), s, "%s: a credential in the answer", c.name)
		}
		if c.stored {
			stored++
		}
	}

	// The verified delivery with wrong types is stored, then refused by the
	// mirror: ignored (retrying cannot make it pass; reconciliation reads
	// the product again) with a warning that says why.
	var status, webhookID string
	require.Eventually(t, func() bool {
		err := p.db.QueryRow(context.Background(), `SELECT status, webhook_id FROM webhook_deliveries
			WHERE webhook_id LIKE 'bad-%' ORDER BY received_at DESC LIMIT 1`).Scan(&status, &webhookID)
		return err == nil && status != "received"
	}, time.Minute, 200*time.Millisecond, "the wrong-types delivery was never processed:\n%s", p.ingest.tail(3000))
	require.Contains(t, []string{"ignored", "failed"}, status, "a delivery with wrong types was applied")
	var warning string
	for _, line := range strings.Split(p.ingest.output(), "\n") {
		if strings.Contains(line, webhookID) {
			warning = line
		}
	}
	found(t, "the wrong-types delivery (verified, stored) ended %s; ingest logged: %s", status, warning)
	require.Contains(t, warning, "cannot be mirrored", "no clear log line for the refused delivery")

	after := p.mirrorDigest()
	stored1, _ := p.deliveries()
	changed := 0
	for store, d := range before {
		if after[store] != d {
			changed++
			t.Errorf("the mirror of %s changed", store)
		}
	}
	require.Equal(t, stored, stored1-stored0, "requests without their shop's signature were stored")
	require.NotEqual(t, "FORGED", dst.Products()[0].Title)
	var forged int
	require.NoError(t, p.db.QueryRow(context.Background(), `SELECT count(*) FROM products WHERE title = 'FORGED'`).Scan(&forged))
	require.Zero(t, forged, "a forged title reached the mirror")
	r.sent, r.applied, r.lost = len(cases), changed, 0
	found(t, "every request refused with its status and reason; %d stored (verified, then failed to apply), mirror digests of %d stores unchanged",
		stored1-stored0, len(before))
	require.NotContains(t, p.output(), "FORGED", "ingest logged a forged payload")
}

func names(cs []badDelivery) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.name)
	}
	return strings.Join(out, "; ")
}
