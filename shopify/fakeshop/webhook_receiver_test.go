package fakeshop

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// received is one request a receiver got.
type received struct {
	Method string
	Header http.Header
	Body   []byte
}

// JSON decodes the body, keeping numbers exact (ids exceed 2^53 in Shopify).
func (r received) JSON(t *testing.T) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m), string(r.Body))
	return m
}

// receiver is a webhook endpoint on 127.0.0.1 that records every request
// and answers with whatever answer says (200 when nil).
type receiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	got    []received
	answer func(n int, r *http.Request) int // n counts requests from 1
}

func newReceiver(t *testing.T, answer func(n int, r *http.Request) int) *receiver {
	t.Helper()
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{Method: r.Method, Header: r.Header.Clone(), Body: body})
		n := len(rc.got)
		rc.mu.Unlock()
		status := http.StatusOK
		if rc.answer != nil {
			status = rc.answer(n, r)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) URL() string { return rc.srv.URL + "/webhooks" }

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// byTopic groups the requests by X-Shopify-Topic.
func (rc *receiver) byTopic() map[string][]received {
	out := map[string][]received{}
	for _, r := range rc.requests() {
		topic := r.Header.Get("X-Shopify-Topic")
		out[topic] = append(out[topic], r)
	}
	return out
}

// flush waits for the server's deliveries to finish.
func flush(t *testing.T, srv *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, srv.FlushWebhooks(ctx))
}

// subscribe stores a subscription of shop to topic (enum form) at url.
func subscribe(t *testing.T, shop *Shop, topic, url string) *WebhookSubscription {
	t.Helper()
	w, err := shop.CreateWebhookSubscription(WebhookSubscriptionInput{Topic: topic, URI: url, APIVersion: "2026-01"})
	require.NoError(t, err)
	return w
}

// hmacOf computes the expected X-Shopify-Hmac-Sha256 with crypto/hmac
// directly, independent of fakeshop and package webhook.
func hmacOf(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// fastRetries is a retry schedule of n short steps.
func fastRetries(n int, step time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = step
	}
	return out
}
