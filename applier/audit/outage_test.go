package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
)

// While ClickHouse is unreachable, Record keeps succeeding and the rows wait
// in the buffer; the Writer says it is unhealthy, once in its log. When
// ClickHouse is back every row arrives, each exactly once.
func TestClickHouseDownRowsWaitThenArriveOnce(t *testing.T) {
	ctx := context.Background()
	db, ch, dsn := databases(t)
	p := newDownProxy(t, clickhouseAddr(t, dsn))
	reg := prometheus.NewRegistry()
	metrics, err := audit.NewMetrics(reg)
	require.NoError(t, err)
	log, logs := newLog()
	cfg := testConfig(log)
	cfg.Metrics = metrics
	w := startWriter(t, db, openClickHouse(t, dsn, p.addr), cfg)

	recordN(t, w, 150, "d1.myshopify.com")
	require.Eventually(t, func() bool { return !w.Healthy() }, 10*time.Second, 10*time.Millisecond)
	require.ErrorContains(t, w.LastError(), "ClickHouse")
	recordN(t, w, 150, "d2.myshopify.com") // Record does not wait for ClickHouse
	require.Equal(t, int64(300), outboxCount(t, db))
	require.Eventually(t, func() bool { return counter(t, reg, "shopsync_audit_flush_errors_total") >= 3 },
		10*time.Second, 10*time.Millisecond, "the flusher keeps retrying")
	require.Eventually(t, func() bool { return gauge(t, reg, "shopsync_audit_buffered_rows") == 300 },
		10*time.Second, 10*time.Millisecond)
	require.Equal(t, 1, logs.count("audit: ClickHouse unreachable"), "logged once per state change, not per retry:\n%s", logs)
	require.Contains(t, logs.String(), "rows buffered")
	require.Zero(t, chCounts(t, ch).Rows)

	p.up()
	waitDelivered(t, db, ch, 300)
	require.Equal(t, counts{Rows: 300, Final: 300, Attempts: 300}, chCounts(t, ch), "no copies, even before merges")
	require.Eventually(t, w.Healthy, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, 1, logs.count("audit: ClickHouse reachable again"), "%s", logs)
	require.Equal(t, 300.0, rowsMetric(t, reg, audit.RowsDelivered))

	// And again: an outage in the middle of a stream of rows.
	p.down()
	recordN(t, w, 120, "d3.myshopify.com")
	require.Eventually(t, func() bool { return !w.Healthy() }, 10*time.Second, 10*time.Millisecond)
	p.up()
	waitDelivered(t, db, ch, 420)
	require.Equal(t, counts{Rows: 420, Final: 420, Attempts: 420}, chCounts(t, ch))
	require.Equal(t, 2, logs.count("audit: ClickHouse unreachable"), "%s", logs)

	// PostgreSQL down is the caller's problem: Record says so, nothing is
	// claimed to be durable.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.Error(t, w.Record(cancelled, row(1, "d1.myshopify.com")))
	require.Equal(t, 1.0, rowsMetric(t, reg, audit.RowsUnbuffered))
}
