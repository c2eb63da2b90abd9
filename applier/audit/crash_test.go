package audit_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
)

// Rows recorded by a Writer killed before it delivered them (ClickHouse was
// unreachable from it) are delivered by the next Writer on the same buffer,
// whether the killed one had them claimed at the time (then after the lease)
// or not.
func TestRowsOfAKilledWriterAreDeliveredByTheNext(t *testing.T) {
	db, ch, dsn := databases(t)
	log, _ := newLog()
	closedPort := newDownProxy(t, clickhouseAddr(t, dsn)).addr
	killed, err := audit.New(db, openClickHouse(t, dsn, closedPort), testConfig(log))
	require.NoError(t, err)
	recordN(t, killed, 250, "d1.myshopify.com")
	require.Eventually(t, func() bool { return !killed.Healthy() }, 10*time.Second, 10*time.Millisecond)
	killed.Abandon()
	require.Zero(t, chCounts(t, ch).Rows)
	require.Equal(t, int64(250), outboxCount(t, db))

	startWriter(t, db, ch, testConfig(log))
	waitDelivered(t, db, ch, 250)
	require.Equal(t, counts{Rows: 250, Final: 250, Attempts: 250}, chCounts(t, ch))
}

// A Writer that crashed after ClickHouse stored its batch but before removing
// the batch from the buffer leaves rows that ClickHouse already has. The next
// Writer takes them when their lease ends, finds them in ClickHouse and does
// not insert them again; rows never sent go in as usual.
func TestResentBatchIsNotDuplicated(t *testing.T) {
	ctx := context.Background()
	db, ch, _ := databases(t)
	// More rows than one duplicate lookup names (1,000): a full batch's ids
	// would not fit in one ClickHouse query.
	const crashedRows = 2500
	rows := make([]audit.Row, crashedRows)
	for i := range rows {
		rows[i] = row(i, "d1.myshopify.com")
	}
	require.NoError(t, audit.BufferRows(ctx, db, rows...))
	log, _ := newLog()
	cfg := testConfig(log)
	cfg.BatchSize = crashedRows
	var crashed atomic.Bool
	crashing, err := audit.NewWithCrashAfterInsert(db, ch, cfg, func() error {
		crashed.Store(true)
		return errors.New("killed")
	})
	require.NoError(t, err)
	require.Eventually(t, crashed.Load, 10*time.Second, 10*time.Millisecond)
	crashing.Abandon()
	require.Equal(t, uint64(crashedRows), chCounts(t, ch).Rows, "ClickHouse stored the batch")
	require.Equal(t, int64(crashedRows), outboxCount(t, db), "but the buffer still has it")

	reg := prometheus.NewRegistry()
	metrics, err := audit.NewMetrics(reg)
	require.NoError(t, err)
	next := testConfig(log)
	next.BatchSize = crashedRows
	next.Metrics = metrics
	w := startWriter(t, db, ch, next)
	recordN(t, w, 50, "d2.myshopify.com") // sent before the lease ends
	require.Eventually(t, func() bool { return chCounts(t, ch).Rows == crashedRows+50 }, 10*time.Second, 10*time.Millisecond)
	// ClickHouse acknowledges the new rows before the flusher removes them from
	// the buffer, so wait for that removal; the crashed batch stays meanwhile.
	require.Eventually(t, func() bool { return outboxCount(t, db) == int64(crashedRows) }, 10*time.Second, 10*time.Millisecond,
		"the crashed batch waits for its lease")

	waitDelivered(t, db, ch, crashedRows+50)
	require.Equal(t, counts{Rows: crashedRows + 50, Final: crashedRows + 50, Attempts: crashedRows + 50}, chCounts(t, ch),
		"no copy, even before merges")
	require.Equal(t, float64(crashedRows), rowsMetric(t, reg, audit.RowsResent))
	require.Equal(t, 50.0, rowsMetric(t, reg, audit.RowsDelivered))
}

// The backstop: should a resend race the first insert (both in ClickHouse),
// the copies share attempt_id and sorting key, so FINAL reads one row and a
// merge keeps one. This is ClickHouse's behaviour, checked on the server the
// tests run against (18.16 here).
func TestCopiesOfAnAttemptFoldIntoOne(t *testing.T) {
	ctx := context.Background()
	_, ch, _ := databases(t)
	rows := []audit.Row{row(1, "d1.myshopify.com"), row(2, "d1.myshopify.com")}
	rows[0].AttemptID, rows[1].AttemptID = uuid.New(), uuid.New()
	for range 3 {
		require.NoError(t, audit.Insert(ch, "audit_writes", rows))
	}
	c := chCounts(t, ch)
	require.Equal(t, uint64(2), c.Final)
	require.Equal(t, uint64(2), c.Attempts)
	require.NoError(t, ch.Exec(ctx, "OPTIMIZE TABLE audit_writes FINAL"))
	require.Equal(t, counts{Rows: 2, Final: 2, Attempts: 2}, chCounts(t, ch))
}
