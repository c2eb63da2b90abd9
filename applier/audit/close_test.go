package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
)

// Close delivers what is buffered before it returns; Record fails after it.
func TestCloseDeliversTheBuffer(t *testing.T) {
	ctx := context.Background()
	db, ch, _ := databases(t)
	log, _ := newLog()
	cfg := testConfig(log)
	cfg.FlushInterval = time.Hour
	cfg.BatchSize = 1000
	w, err := audit.New(db, ch, cfg)
	require.NoError(t, err)
	recordN(t, w, 2500, "d1.myshopify.com")
	closeCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	require.NoError(t, w.Close(closeCtx))
	require.Equal(t, counts{Rows: 2500, Final: 2500, Attempts: 2500}, chCounts(t, ch))
	require.Zero(t, outboxCount(t, db))
	require.ErrorIs(t, w.Record(ctx, row(1, "d1.myshopify.com")), audit.ErrClosed)
	require.ErrorIs(t, w.Close(ctx), audit.ErrClosed)
}

// With ClickHouse down, Close gives up within its deadline and says how many
// rows stay buffered; they are all still there for the next Writer.
func TestCloseWithClickHouseDownLeavesRowsBuffered(t *testing.T) {
	ctx := context.Background()
	db, ch, dsn := databases(t)
	p := newDownProxy(t, clickhouseAddr(t, dsn))
	log, _ := newLog()
	w, err := audit.New(db, openClickHouse(t, dsn, p.addr), testConfig(log))
	require.NoError(t, err)
	recordN(t, w, 30, "d1.myshopify.com")
	closeCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	err = w.Close(closeCtx)
	require.ErrorContains(t, err, "30 rows stay buffered")
	require.Less(t, time.Since(start), 6*time.Second)
	require.Equal(t, int64(30), outboxCount(t, db))

	startWriter(t, db, ch, testConfig(log))
	waitDelivered(t, db, ch, 30)
}
