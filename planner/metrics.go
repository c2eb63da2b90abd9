package planner

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the planner's Prometheus collectors. A nil *Metrics records
// nothing. Labels are bounded: destination is a configured store domain,
// operation one of plan_deltas' operations, kind full or keys.
type Metrics struct {
	deltas    *prometheus.CounterVec
	seconds   *prometheus.HistogramVec
	conflicts *prometheus.GaugeVec
	fetchErrs prometheus.Counter
}

// NewMetrics creates the planner's collectors and registers them with reg:
//
//	shopsync_planner_deltas_total{destination,operation}  new pending deltas
//	shopsync_planner_plan_seconds{kind}                    duration of a plan run
//	shopsync_planner_conflicts{destination}                conflicts the last full plan found
//	shopsync_planner_consumer_fetch_errors_total           failed reads of the change events (Kafka down)
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deltas: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_planner_deltas_total",
			Help: "Deltas the planner added to the plan (new pending rows), by destination store and operation.",
		}, []string{"destination", "operation"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shopsync_planner_plan_seconds",
			Help: "Duration of a plan run: full (every key of every link) or keys (an incremental run).",
			// Incremental runs live around a few milliseconds, full plans
			// of large stores in seconds.
			Buckets: []float64{0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"kind"}),
		conflicts: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shopsync_planner_conflicts",
			Help: "Conflicts (ambiguous or blank match keys) the last full plan of each destination found; their products are not planned.",
		}, []string{"destination"}),
		fetchErrs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "shopsync_planner_consumer_fetch_errors_total",
			Help: "Failed reads of the change events from Kafka; the consumer tries again after a growing wait.",
		}),
	}
	for _, c := range []prometheus.Collector{m.deltas, m.seconds, m.conflicts, m.fetchErrs} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// observe records a finished run. Dry runs change nothing and count nothing
// but their duration.
func (p *Planner) observe(r *Result) {
	m := p.metrics
	if m == nil {
		return
	}
	m.seconds.WithLabelValues(r.Kind).Observe(r.Duration.Seconds())
	if r.DryRun {
		return
	}
	for _, l := range r.Links {
		for op, n := range l.Inserted {
			m.deltas.WithLabelValues(l.Destination, op).Add(float64(n))
		}
		if r.Kind == KindFull {
			m.conflicts.WithLabelValues(l.Destination).Set(float64(l.ConflictCount))
		}
	}
}

// countFetchError records a failed read of the change events.
func (p *Planner) countFetchError() {
	if p.metrics != nil {
		p.metrics.fetchErrs.Inc()
	}
}
