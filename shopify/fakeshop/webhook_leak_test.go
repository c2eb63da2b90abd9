package fakeshop

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestWebhookCloseLeavesNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	hanging := newReceiver(t, func(_ int, r *http.Request) int {
		<-r.Context().Done()
		return http.StatusOK
	})
	failing := newReceiver(t, func(int, *http.Request) int { return http.StatusInternalServerError })

	srv := New(Options{Seed: 1, Webhooks: WebhookOptions{RetrySchedule: []time.Duration{time.Hour}}})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	shop := srv.AddShop(ShopConfig{Name: "leaky"})
	subscribe(t, shop, "LOCATIONS_CREATE", hanging.URL())
	subscribe(t, shop, "LOCATIONS_CREATE", failing.URL())
	other := srv.AddShop(ShopConfig{Name: "held"})
	require.NoError(t, other.SetFaults(Faults{WebhookReorderRate: 1, WebhookReorderWindow: time.Hour}))
	subscribe(t, other, "LOCATIONS_CREATE", failing.URL())
	for range 3 {
		_, err := shop.CreateLocation(LocationInput{Name: "x"})
		require.NoError(t, err)
	}
	_, err := other.CreateLocation(LocationInput{Name: "y"})
	require.NoError(t, err)
	// Wait until there is something of every kind to stop: a request in
	// flight, a retry on its timer, a held delivery.
	require.Eventually(t, func() bool {
		return len(hanging.requests()) >= 1 && srv.WebhookStats().Retries >= 1
	}, 10*time.Second, time.Millisecond)

	done := make(chan error, 1)
	go func() { done <- srv.Close() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return while deliveries were in flight, waiting or held")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	assert.NoError(t, srv.FlushWebhooks(ctx), "Close discards what was left, so nothing is pending")
	hanging.srv.Close()
	failing.srv.Close()
	goleak.VerifyNone(t, ignore)
}
