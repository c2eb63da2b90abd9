package audit

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// What happened to audit rows, the values of shopsync_audit_rows_total's
// status label.
const (
	RowsRecorded   = "recorded"  // stored in the buffer by Record or RecordTx (a RecordTx row counts even if its transaction later rolls back)
	RowsDelivered  = "delivered" // ClickHouse acknowledged them; removed from the buffer
	RowsResent     = "duplicate" // a resent row ClickHouse already had: removed without a second insert
	RowsSetAside   = "set_aside" // undecodable in the buffer; left there with last_error for people
	RowsRefused    = "refused"   // Record refused them (ErrInvalidRow); never buffered
	RowsUnbuffered = "failed"    // Record could not store them (PostgreSQL error); the caller got the error
)

// Metrics are the audit writer's Prometheus collectors. A nil *Metrics
// records nothing. No label holds a store, a key or an error text.
type Metrics struct {
	rows     *prometheus.CounterVec
	buffered prometheus.Gauge
	flush    prometheus.Histogram
	errors   prometheus.Counter
}

// NewMetrics creates the collectors and registers them with reg:
//
//	shopsync_audit_rows_total{status}     rows by what happened to them (Rows* constants)
//	shopsync_audit_buffered_rows          rows in audit_outbox, waiting for ClickHouse
//	shopsync_audit_flush_seconds          time to deliver one batch (claim, send, remove)
//	shopsync_audit_flush_errors_total     failed batch deliveries (each retried)
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shopsync_audit_rows_total",
			Help: "Audit rows by what happened to them: recorded, delivered, duplicate (resent, already in ClickHouse), set_aside, refused, failed.",
		}, []string{"status"}),
		buffered: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "shopsync_audit_buffered_rows",
			Help: "Audit rows waiting in PostgreSQL audit_outbox for ClickHouse; grows while ClickHouse is down.",
		}),
		flush: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "shopsync_audit_flush_seconds",
			Help: "Time to deliver one batch of audit rows: claim from the buffer, insert into ClickHouse, remove.",
			// A healthy batch takes milliseconds; SendTimeout (30 s) is the top.
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "shopsync_audit_flush_errors_total",
			Help: "Failed deliveries of a batch of audit rows (ClickHouse or PostgreSQL unreachable); the batch is retried with backoff.",
		}),
	}
	for _, c := range []prometheus.Collector{m.rows, m.buffered, m.flush, m.errors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, s := range []string{RowsRecorded, RowsDelivered, RowsResent, RowsSetAside, RowsRefused, RowsUnbuffered} {
		m.rows.WithLabelValues(s) // every series exists from the start, at 0
	}
	return m, nil
}

func (m *Metrics) addRows(status string, n int) {
	if m != nil && n > 0 {
		m.rows.WithLabelValues(status).Add(float64(n))
	}
}

func (m *Metrics) setBuffered(n int64) {
	if m != nil {
		m.buffered.Set(float64(n))
	}
}

func (m *Metrics) flushed(d time.Duration) {
	if m != nil {
		m.flush.Observe(d.Seconds())
	}
}

func (m *Metrics) flushFailed() {
	if m != nil {
		m.errors.Inc()
	}
}
