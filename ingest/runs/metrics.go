package runs

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/schema/events"
)

// Metrics count finished runs. A nil *Metrics records nothing.
type Metrics struct {
	runs *prometheus.CounterVec
}

// NewMetrics creates the collector and registers it with reg:
//
//	shopsync_ingest_runs_total{family,kind,status}  runs finished (completed, failed, canceled)
//
// kind (snapshot or reconcile) is a label beside family and status so that
// one counter covers both runners.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{runs: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shopsync_ingest_runs_total",
		Help: "Ingest runs finished, by resource family, kind (snapshot or reconcile) and final status.",
	}, []string{"family", "kind", "status"})}
	if err := reg.Register(m.runs); err != nil {
		return nil, err
	}
	return m, nil
}

// Finished counts one run that ended with status.
func (m *Metrics) Finished(f events.Family, k Kind, s Status) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(string(f), string(k), string(s)).Inc()
}
