package applier

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the applier's Prometheus collectors:
//
//	shopsync_applier_deltas_total{destination,status}  deltas settled, by status (applied, failed, retried, skipped)
//	shopsync_applier_requests_total{destination}       HTTP requests sent (each may carry many mutations)
//	shopsync_applier_cost_points_total{destination}    actualQueryCost spent
//
// A nil *Metrics records nothing.
type Metrics struct {
	deltas   *prometheus.CounterVec
	requests *prometheus.CounterVec
	points   *prometheus.CounterVec
	// inventory: see inventory_metrics.go.
	inventory *inventoryMetrics
}

// NewMetrics creates the collectors and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deltas: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_applier_deltas_total",
			Help: "Deltas settled by the applier, by destination and status (applied, failed, retried, skipped).",
		}, []string{"destination", "status"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_applier_requests_total",
			Help: "Admin GraphQL requests the applier sent, by destination (one may carry many mutations).",
		}, []string{"destination"}),
		points: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_applier_cost_points_total",
			Help: "Cost points (actualQueryCost) the applier spent, by destination.",
		}, []string{"destination"}),
	}
	for _, c := range []**prometheus.CounterVec{&m.deltas, &m.requests, &m.points} {
		if err := reg.Register(*c); err != nil {
			// A second Applier in one process shares the first one's.
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, err
			}
			existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
			if !ok {
				return nil, err
			}
			*c = existing
		}
	}
	inv, err := newInventoryMetrics(reg)
	if err != nil {
		return nil, err
	}
	m.inventory = inv
	return m, nil
}

func (m *Metrics) request(store string, s sent) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(store).Inc()
	m.points.WithLabelValues(store).Add(float64(s.actual))
}

func (m *Metrics) delta(store string, dr *deltaResult) {
	if m == nil {
		return
	}
	status := "failed"
	switch {
	case dr.verdict == applied:
		status = "applied"
	case dr.verdict == skipped:
		status = "skipped"
	case dr.verdict == retry:
		status = "retried"
	}
	m.deltas.WithLabelValues(store, status).Inc()
}
