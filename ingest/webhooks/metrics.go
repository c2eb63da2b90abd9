package webhooks

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of receiving one delivery, the values of
// shopsync_webhook_deliveries_total's outcome label.
const (
	OutcomeAccepted     = "accepted"      // stored, waits to be applied
	OutcomeDuplicate    = "duplicate"     // webhook id already stored; 200
	OutcomeIgnoredTopic = "ignored_topic" // verified, topic not in Topics; stored as ignored, 200
	OutcomeUnknownShop  = "unknown_shop"  // no or unknown shop domain; 401
	OutcomeBadHMAC      = "bad_hmac"      // missing or wrong signature; 401
	OutcomeTooLarge     = "too_large"     // body over the limit; 413
	OutcomeMalformed    = "malformed"     // verified but unusable (headers, JSON), or not a POST; 4xx
	OutcomeError        = "error"         // shopsync could not store it; 500, Shopify retries
)

// Outcomes of applying one delivery, the values of
// shopsync_webhook_applied_total's outcome label.
const (
	ApplyProcessed = "processed" // the Applier applied it
	ApplyIgnored   = "ignored"   // the Applier had nothing to do (stale, not needed)
	ApplyFailed    = "failed"    // the Applier failed; it will be retried
	ApplyGaveUp    = "gave_up"   // failed ProcessorConfig.MaxAttempts times; kept as ignored with its error
)

// Metrics are the inbox's Prometheus collectors. A nil *Metrics records
// nothing. Labels are bounded: topic is one of Topics or "other", and no
// label ever holds a shop domain, a webhook id or a secret.
type Metrics struct {
	deliveries *prometheus.CounterVec
	receive    prometheus.Histogram
	pending    prometheus.Gauge
	applied    *prometheus.CounterVec
	batches    *prometheus.CounterVec
}

// NewMetrics creates the inbox's collectors and registers them with reg:
//
//	shopsync_webhook_deliveries_total{topic,outcome}  deliveries received
//	shopsync_webhook_receive_seconds                   time to answer one
//	shopsync_webhook_pending                           stored, not yet applied
//	shopsync_webhook_applied_total{topic,outcome}      application attempts
//	shopsync_webhook_apply_batches_total{mode}         claimed batches by how they were applied
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_webhook_deliveries_total",
			Help: "Webhook deliveries received, by topic (\"other\" for topics shopsync does not subscribe to) and outcome.",
		}, []string{"topic", "outcome"}),
		receive: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "shopsync_webhook_receive_seconds",
			Help: "Time from a delivery's arrival to its answer; Shopify gives up after 5 s.",
			// Dense below 50 ms, where a healthy receiver lives, and up to
			// Shopify's 5 s, past which an answer no longer counts.
			Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "shopsync_webhook_pending",
			Help: "Deliveries stored but not yet applied (received or failed), as a processor last counted them.",
		}),
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_webhook_applied_total",
			Help: "Attempts to apply stored deliveries to the mirror, by topic and outcome.",
		}, []string{"topic", "outcome"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_webhook_apply_batches_total",
			Help: "Batches of claimed deliveries by how they were applied: batch (all at once), one_by_one (the applier cannot batch, or one delivery was claimed), fell_back (the batch failed and was applied one by one).",
		}, []string{"mode"}),
	}
	for _, c := range []prometheus.Collector{m.deliveries, m.receive, m.pending, m.applied, m.batches} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) received(topic, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(topicLabel(topic), outcome).Inc()
	m.receive.Observe(took.Seconds())
}

func (m *Metrics) appliedOne(topic, outcome string) {
	if m == nil {
		return
	}
	m.applied.WithLabelValues(topicLabel(topic), outcome).Inc()
}

func (m *Metrics) setPending(n int64) {
	if m == nil {
		return
	}
	m.pending.Set(float64(n))
}

// Modes of applying one claimed batch, the values of
// shopsync_webhook_apply_batches_total's mode label.
const (
	BatchApplied  = "batch"
	BatchOneByOne = "one_by_one"
	BatchFellBack = "fell_back"
)

func (m *Metrics) batchApplied(mode string) {
	if m == nil {
		return
	}
	m.batches.WithLabelValues(mode).Inc()
}
