package mirror

import "github.com/prometheus/client_golang/prometheus"

// Accessors for the external tests.

func (m *Metrics) Published(topic string) prometheus.Counter {
	return m.published.WithLabelValues(topic)
}
func (m *Metrics) PublishFailures() prometheus.Counter { return m.publishErrors }
func (m *Metrics) Backlog() prometheus.Gauge           { return m.backlog }

func (m *Metrics) Rows(resource, outcome string) prometheus.Counter {
	return m.rows.WithLabelValues(resource, outcome)
}
func (m *Metrics) SnapshotRows(resource string) prometheus.Counter {
	return m.snapshotRows.WithLabelValues(resource)
}
