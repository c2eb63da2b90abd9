package reconcile

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/schema/events"
)

// Metrics are the reconciler's Prometheus collectors. A nil *Metrics
// records nothing.
type Metrics struct {
	rows *prometheus.CounterVec
}

// NewMetrics creates the collector and registers it with reg:
//
//	shopsync_ingest_reconcile_rows_total{family,outcome}  objects reconcile passes wrote
//
// outcome is applied (the mirror had missed the change: a lost webhook),
// unchanged (the mirror had it) or stale (the mirror had something newer).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{rows: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shopsync_ingest_reconcile_rows_total",
		Help: "Mirror rows written by reconcile passes, by resource family and outcome (applied means a missed change was caught).",
	}, []string{"family", "outcome"})}
	if err := reg.Register(m.rows); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Metrics) page(f events.Family, o Outcomes) {
	if m == nil {
		return
	}
	m.rows.WithLabelValues(string(f), "applied").Add(float64(o.Applied))
	m.rows.WithLabelValues(string(f), "unchanged").Add(float64(o.Unchanged))
	m.rows.WithLabelValues(string(f), "stale").Add(float64(o.Stale))
}
