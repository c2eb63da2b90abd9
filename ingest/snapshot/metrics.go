package snapshot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/schema/events"
)

// Metrics are the snapshot runner's Prometheus collectors. A nil *Metrics
// records nothing. The family label is one of the five families; no label
// holds a store domain.
type Metrics struct {
	rows    *prometheus.CounterVec
	seconds *prometheus.HistogramVec
}

// NewMetrics creates the collectors and registers them with reg:
//
//	shopsync_ingest_snapshot_rows_total{family}  bulk records loaded into the mirror
//	shopsync_ingest_snapshot_seconds{family}     time of a completed family snapshot, export to commit
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_ingest_snapshot_rows_total",
			Help: "Bulk records of completed snapshots loaded into the mirror, by resource family.",
		}, []string{"family"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shopsync_ingest_snapshot_seconds",
			Help: "Duration of a completed family snapshot (bulk export, download and load) as this process saw it.",
			// From a small store's seconds to a large one's hour.
			Buckets: prometheus.ExponentialBuckets(0.5, 2, 14),
		}, []string{"family"}),
	}
	for _, c := range []prometheus.Collector{m.rows, m.seconds} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) completed(f events.Family, records int64, took time.Duration) {
	if m == nil {
		return
	}
	m.rows.WithLabelValues(string(f)).Add(float64(records))
	m.seconds.WithLabelValues(string(f)).Observe(took.Seconds())
}
