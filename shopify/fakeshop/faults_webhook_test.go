package fakeshop

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultRun is what a receiver saw of n location changes under faults.
type faultRun struct {
	names      []string // location names in arrival order
	webhookIDs []string // in arrival order
	bodies     map[string][]byte
	stats      WebhookStats
}

// runWithFaults makes n locations on a fresh server with the given seed and
// faults, one worker (so arrival order is the queue order), and returns what
// arrived.
func runWithFaults(t *testing.T, seed int64, f Faults, n int) faultRun {
	t.Helper()
	srv := startServer(t, Options{Seed: seed, Webhooks: WebhookOptions{Workers: 1}})
	shop := srv.AddShop(ShopConfig{Name: "faulty"})
	require.NoError(t, shop.SetFaults(f))
	rc := newReceiver(t, nil)
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	for i := range n {
		_, err := shop.CreateLocation(LocationInput{Name: fmt.Sprintf("loc-%02d", i)})
		require.NoError(t, err)
	}
	flush(t, srv)
	run := faultRun{bodies: map[string][]byte{}, stats: srv.WebhookStats()}
	for _, r := range rc.requests() {
		id := r.Header.Get("X-Shopify-Webhook-Id")
		run.names = append(run.names, r.JSON(t)["name"].(string))
		run.webhookIDs = append(run.webhookIDs, id)
		if prev, ok := run.bodies[id]; ok {
			assert.Equal(t, prev, r.Body, "a duplicate is the same delivery")
		}
		run.bodies[id] = r.Body
	}
	return run
}

func locationNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("loc-%02d", i)
	}
	return out
}

func TestWebhookDropFaultIsReproducible(t *testing.T) {
	f := Faults{WebhookDropRate: 0.4}
	a := runWithFaults(t, 7, f, 30)
	b := runWithFaults(t, 7, f, 30)
	assert.Greater(t, a.stats.Dropped, int64(0))
	assert.Less(t, a.stats.Dropped, int64(30))
	assert.Len(t, a.names, 30-int(a.stats.Dropped), "dropped deliveries never arrive")
	assert.Equal(t, a.names, b.names, "the same seed drops the same changes")
	assert.Subset(t, locationNames(30), a.names)
}

func TestWebhookDuplicateFaultRepeatsTheWebhookID(t *testing.T) {
	a := runWithFaults(t, 11, Faults{WebhookDuplicateRate: 0.5}, 20)
	require.Greater(t, a.stats.Duplicated, int64(0))
	assert.Len(t, a.names, 20+int(a.stats.Duplicated))
	assert.Len(t, a.bodies, 20, "one webhook id per change, however often sent")
	counts := map[string]int{}
	for _, id := range a.webhookIDs {
		counts[id]++
	}
	dups := 0
	for _, c := range counts {
		if c == 2 {
			dups++
		}
	}
	assert.Equal(t, int(a.stats.Duplicated), dups)
	b := runWithFaults(t, 11, Faults{WebhookDuplicateRate: 0.5}, 20)
	assert.Equal(t, a.names, b.names)
}

func TestWebhookReorderFaultReleasesHeldDeliveriesLater(t *testing.T) {
	f := Faults{WebhookReorderRate: 0.3, WebhookReorderWindow: 500 * time.Millisecond}
	a := runWithFaults(t, 3, f, 20)
	require.Greater(t, a.stats.Reordered, int64(0))
	assert.ElementsMatch(t, locationNames(20), a.names, "every delivery arrives")
	assert.NotEqual(t, locationNames(20), a.names, "but not in the order of the changes")
	b := runWithFaults(t, 3, f, 20)
	assert.Equal(t, a.names, b.names, "the same seed gives the same order")
}

func TestWebhookDelayFaultDeliversEverythingLate(t *testing.T) {
	a := runWithFaults(t, 5, Faults{WebhookDelayRate: 1, WebhookMaxDelay: 30 * time.Millisecond}, 20)
	assert.Equal(t, int64(20), a.stats.Delayed)
	assert.ElementsMatch(t, locationNames(20), a.names)
}

func TestWebhookFaultsOffDeliverInOrder(t *testing.T) {
	a := runWithFaults(t, 1, Faults{}, 20)
	assert.Equal(t, locationNames(20), a.names, "one worker and no faults keep the order")
	assert.Equal(t, WebhookStats{Queued: 20, Delivered: 20}, a.stats)
}

func TestFaultsValidate(t *testing.T) {
	for name, f := range map[string]Faults{
		"rate above 1":          {WebhookDropRate: 1.5},
		"negative rate":         {GraphQLErrorRate: -0.1},
		"negative latency":      {GraphQLLatency: -time.Second},
		"delay without maximum": {WebhookDelayRate: 0.5},
		"status not 5xx":        {GraphQLErrorRate: 1, GraphQLErrorStatuses: []int{429}},
	} {
		t.Run(name, func(t *testing.T) { assert.Error(t, f.Validate()) })
	}
	assert.NoError(t, Faults{}.Validate())
}
