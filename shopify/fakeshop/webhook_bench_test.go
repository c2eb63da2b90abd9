package fakeshop

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkWebhookDelivery measures end-to-end delivery throughput: location
// changes through the Go API, each POSTed, signed, to a local receiver.
func BenchmarkWebhookDelivery(b *testing.B) {
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer rc.Close()
	srv := New(Options{})
	defer srv.Close()
	shop := srv.AddShop(ShopConfig{Name: "bench"})
	if _, err := shop.CreateWebhookSubscription(WebhookSubscriptionInput{Topic: "LOCATIONS_CREATE", URI: rc.URL}); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if _, err := shop.CreateLocation(LocationInput{Name: fmt.Sprint("loc-", i)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := srv.FlushWebhooks(ctx); err != nil {
		b.Fatal(err)
	}
	perSec := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(perSec, "deliveries/s")
	fmt.Printf("BENCH webhook_delivery_throughput %.0f deliveries/s\n", perSec)
}
