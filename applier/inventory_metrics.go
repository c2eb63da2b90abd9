package applier

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// inventoryMetrics are the inventory sync's collectors, part of Metrics:
//
//	shopsync_inventory_levels_read_total{store}           levels read from Shopify to confirm a mirror change
//	shopsync_inventory_changes_counted_total{destination} two-way destination changes counted for the source
//	shopsync_inventory_sync_lag_seconds{destination}      source change in the mirror to destination set recorded
//
// Per item and location, the last sync time and lag are in the
// inventory_sync_status view.
type inventoryMetrics struct {
	reads   *prometheus.CounterVec
	counted *prometheus.CounterVec
	lag     *prometheus.HistogramVec
}

func newInventoryMetrics(reg prometheus.Registerer) (*inventoryMetrics, error) {
	m := &inventoryMetrics{
		reads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_inventory_levels_read_total",
			Help: "Inventory levels the applier read from Shopify to confirm a change the mirror saw (webhooks cannot be ordered within a second; a read can).",
		}, []string{"store"}),
		counted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_inventory_changes_counted_total",
			Help: "Two-way inventory: destination changes (sales, returns, adjustments) counted and sent to the source as adjust_inventory deltas.",
		}, []string{"destination"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "shopsync_inventory_sync_lag_seconds",
			Help:    "Seconds from a source level's change reaching the mirror to the destination's set being recorded.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300},
		}, []string{"destination"}),
	}
	for _, c := range []prometheus.Collector{m.reads, m.counted, m.lag} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, err
			}
			switch ex := are.ExistingCollector.(type) {
			case *prometheus.CounterVec:
				if c == prometheus.Collector(m.reads) {
					m.reads = ex
				} else {
					m.counted = ex
				}
			case *prometheus.HistogramVec:
				m.lag = ex
			}
		}
	}
	return m, nil
}

func (m *Metrics) inventoryRead(store string, read, counted int) {
	if m == nil || m.inventory == nil {
		return
	}
	m.inventory.reads.WithLabelValues(store).Add(float64(read))
	if counted > 0 {
		m.inventory.counted.WithLabelValues(store).Add(float64(counted))
	}
}

func (m *Metrics) inventoryLag(store string, seconds float64) {
	if m == nil || m.inventory == nil {
		return
	}
	m.inventory.lag.WithLabelValues(store).Observe(seconds)
}
