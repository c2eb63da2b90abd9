package transport_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/transport"
)

func TestPrometheusMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := transport.NewPrometheusMetrics(reg)
	require.NoError(t, err)
	_, err = transport.NewPrometheusMetrics(reg)
	require.Error(t, err, "registering twice is refused")

	plan := cost.Plan{Name: "TEST", Capacity: 1000, RestoreRate: 5000}
	shop := newShopServer(t, plan)
	shop.before = func(n int, w http.ResponseWriter) bool {
		if n > 1 {
			return false
		}
		io.WriteString(w, throttledBody(40, 0, plan))
		return true
	}
	s := newSetup(t, transport.NewRegistry(plan, nil), func(c *transport.Config) { c.Metrics = m })
	_, _, err = post(transport.WithCost(context.Background(), 40), s.client, shop.url(), graphqlBody(40))
	require.NoError(t, err)

	families, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			name := f.GetName()
			for _, l := range metric.GetLabel() {
				if l.GetName() == "outcome" {
					name += "/" + l.GetValue()
				}
			}
			switch {
			case metric.Counter != nil:
				got[name] = metric.GetCounter().GetValue()
			case metric.Histogram != nil:
				got[name] = float64(metric.GetHistogram().GetSampleCount())
			}
		}
	}
	require.Equal(t, map[string]float64{
		"shopsync_shopify_requests_total/throttled": 1,
		"shopsync_shopify_requests_total/ok":        1,
		"shopsync_shopify_cost_points_total":        20,
		"shopsync_shopify_throttle_wait_seconds":    2,
	}, got)
}
