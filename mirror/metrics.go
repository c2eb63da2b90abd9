package mirror

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/schema/events"
)

// Metrics holds the mirror's and the relay's Prometheus collectors. A nil
// *Metrics records nothing, so tests and tools need not register any.
type Metrics struct {
	rows          *prometheus.CounterVec
	snapshotRows  *prometheus.CounterVec
	commitSeconds *prometheus.HistogramVec
	published     *prometheus.CounterVec
	publishErrors prometheus.Counter
	lag           prometheus.Gauge
	backlog       prometheus.Gauge
}

// Outcome label values of shopsync_mirror_rows_total.
const (
	rowsCreated   = "created"
	rowsUpdated   = "updated"
	rowsDeleted   = "deleted"
	rowsUnchanged = "unchanged"
	rowsStale     = "stale"
)

// NewMetrics creates the collectors and registers them with reg:
//
//	shopsync_mirror_rows_total{resource,outcome}   rows written or skipped (created, updated, deleted, unchanged, stale)
//	shopsync_mirror_snapshot_rows_total{resource}  rows staged by snapshots
//	shopsync_mirror_snapshot_commit_seconds{family} snapshot commit durations
//	shopsync_relay_published_total{topic}          change events Kafka acknowledged
//	shopsync_relay_publish_failures_total          failed publish attempts
//	shopsync_relay_lag_seconds                     age of the oldest unpublished change (0 when none)
//	shopsync_relay_backlog                         unpublished changes
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_mirror_rows_total",
			Help: "Mirror rows by what a write did with them: created, updated, deleted, unchanged or stale.",
		}, []string{"resource", "outcome"}),
		snapshotRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_mirror_snapshot_rows_total",
			Help: "Rows COPYed into snapshot staging tables.",
		}, []string{"resource"}),
		commitSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "shopsync_mirror_snapshot_commit_seconds",
			Help:    "Time to merge a snapshot's staging into the mirror.",
			Buckets: []float64{0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"family"}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_relay_published_total",
			Help: "Change events published to Kafka and acknowledged, by topic.",
		}, []string{"topic"}),
		publishErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "shopsync_relay_publish_failures_total",
			Help: "Relay batches that failed to publish (Kafka or PostgreSQL unavailable); they are retried.",
		}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "shopsync_relay_lag_seconds",
			Help: "Age of the oldest change not yet published to Kafka; 0 when none waits.",
		}),
		backlog: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "shopsync_relay_backlog",
			Help: "Changes waiting to be published to Kafka.",
		}),
	}
	for _, c := range []prometheus.Collector{m.rows, m.snapshotRows, m.commitSeconds, m.published, m.publishErrors, m.lag, m.backlog} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) rowResults(rs []Result) {
	if m == nil {
		return
	}
	for _, r := range rs {
		outcome := rowsUnchanged
		switch {
		case r.Outcome == Stale:
			outcome = rowsStale
		case r.Outcome == Applied:
			outcome = map[string]string{"create": rowsCreated, "update": rowsUpdated, "delete": rowsDeleted}[string(r.Operation)]
		}
		m.rows.WithLabelValues(string(r.Resource), outcome).Inc()
	}
}

func (m *Metrics) snapshotCounts(family string, took time.Duration, counts map[events.Resource]Counts) {
	if m == nil {
		return
	}
	m.commitSeconds.WithLabelValues(family).Observe(took.Seconds())
	for res, c := range counts {
		m.rows.WithLabelValues(string(res), rowsCreated).Add(float64(c.Created))
		m.rows.WithLabelValues(string(res), rowsUpdated).Add(float64(c.Updated))
		m.rows.WithLabelValues(string(res), rowsDeleted).Add(float64(c.Deleted))
		m.rows.WithLabelValues(string(res), rowsUnchanged).Add(float64(c.Unchanged))
		m.rows.WithLabelValues(string(res), rowsStale).Add(float64(c.Stale))
	}
}

func (m *Metrics) staged(resource string, n int) {
	if m == nil {
		return
	}
	m.snapshotRows.WithLabelValues(resource).Add(float64(n))
}

func (m *Metrics) publishedTo(topic string, n int) {
	if m == nil {
		return
	}
	m.published.WithLabelValues(topic).Add(float64(n))
}

func (m *Metrics) publishFailed() {
	if m == nil {
		return
	}
	m.publishErrors.Inc()
}

func (m *Metrics) relayLag(l Lag) {
	if m == nil {
		return
	}
	m.lag.Set(l.Oldest.Seconds())
	m.backlog.Set(float64(l.Backlog))
}
