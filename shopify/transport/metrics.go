package transport

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of one attempt, the values of the outcome label.
const (
	OutcomeOK             = "ok"              // 2xx without THROTTLED
	OutcomeThrottled      = "throttled"       // 2xx with a THROTTLED error
	OutcomeRateLimited    = "rate_limited"    // HTTP 429
	OutcomeServerError    = "server_error"    // HTTP 5xx
	OutcomeClientError    = "client_error"    // other HTTP 4xx
	OutcomeTransportError = "transport_error" // no response
)

// Metrics receives what the transport observes. Calls are made from the
// requesting goroutines, concurrently.
type Metrics interface {
	// Request is called once per attempt sent to Shopify.
	Request(shop, outcome string)
	// CostPoints is called with the actual cost Shopify reported.
	CostPoints(shop string, points float64)
	// ThrottleWait is called with how long an attempt waited for budget.
	ThrottleWait(shop string, wait time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) Request(string, string)             {}
func (nopMetrics) CostPoints(string, float64)         {}
func (nopMetrics) ThrottleWait(string, time.Duration) {}

// PrometheusMetrics implements Metrics with Prometheus collectors.
type PrometheusMetrics struct {
	requests *prometheus.CounterVec
	points   *prometheus.CounterVec
	wait     *prometheus.HistogramVec
}

// NewPrometheusMetrics creates the transport's collectors and registers them
// with reg:
//
//	shopsync_shopify_requests_total{shop,outcome}
//	shopsync_shopify_cost_points_total{shop}
//	shopsync_shopify_throttle_wait_seconds{shop}
func NewPrometheusMetrics(reg prometheus.Registerer) (*PrometheusMetrics, error) {
	m := &PrometheusMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_shopify_requests_total",
			Help: "Admin GraphQL attempts sent, by shop and outcome.",
		}, []string{"shop", "outcome"}),
		points: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_shopify_cost_points_total",
			Help: "Actual query cost points Shopify charged, by shop.",
		}, []string{"shop"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "shopsync_shopify_throttle_wait_seconds",
			Help:    "Time an attempt waited for the shop's cost budget before it was sent.",
			Buckets: []float64{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"shop"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.points, m.wait} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *PrometheusMetrics) Request(shop, outcome string) {
	m.requests.WithLabelValues(shop, outcome).Inc()
}

func (m *PrometheusMetrics) CostPoints(shop string, points float64) {
	m.points.WithLabelValues(shop).Add(points)
}

func (m *PrometheusMetrics) ThrottleWait(shop string, wait time.Duration) {
	m.wait.WithLabelValues(shop).Observe(wait.Seconds())
}
