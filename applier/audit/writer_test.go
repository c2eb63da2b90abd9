package audit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
)

// Rows recorded arrive in ClickHouse in batches, every column as recorded, and
// leave the buffer; the metrics count them.
func TestRecordDeliversInBatches(t *testing.T) {
	ctx := context.Background()
	db, ch, _ := databases(t)
	reg := prometheus.NewRegistry()
	metrics, err := audit.NewMetrics(reg)
	require.NoError(t, err)
	log, _ := newLog()
	cfg := testConfig(log)
	cfg.Metrics = metrics
	w := startWriter(t, db, ch, cfg)

	want := row(7, "d1.myshopify.com")
	want.AttemptID = uuid.New()
	want.Status, want.Error = audit.StatusUserError, "Price must be positive"
	want.Before, want.After = "", `{"price":"-1.00"}`
	require.NoError(t, w.Record(ctx, want))
	recordN(t, w, 249, "d2.myshopify.com")
	waitDelivered(t, db, ch, 250)

	var got []audit.Row
	require.NoError(t, ch.Select(ctx, &got, "SELECT * FROM audit_writes FINAL WHERE attempt_id = ?", want.AttemptID.String()))
	require.Len(t, got, 1)
	got[0].Time = got[0].Time.UTC()
	want.Before = "{}" // empty means {}
	require.Equal(t, want, got[0])

	var parts uint64
	require.NoError(t, ch.QueryRow(ctx, `SELECT count() FROM system.parts
		WHERE database = currentDatabase() AND table = 'audit_writes'`).Scan(&parts))
	require.LessOrEqual(t, parts, uint64(250/2), "rows go in batches, not one insert each")
	require.Equal(t, 250.0, rowsMetric(t, reg, audit.RowsRecorded))
	require.Equal(t, 250.0, rowsMetric(t, reg, audit.RowsDelivered))
	require.Eventually(t, func() bool { return gauge(t, reg, "shopsync_audit_buffered_rows") == 0 }, 5*time.Second, 10*time.Millisecond)
	require.Positive(t, histogramCount(t, reg, "shopsync_audit_flush_seconds"))
	require.True(t, w.Healthy())
	require.NoError(t, w.LastError())
	n, err := w.Buffered(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

// A row recorded in the caller's transaction exists only if it commits, and
// recording one attempt twice keeps one row.
func TestRecordTxFollowsTheTransaction(t *testing.T) {
	ctx := context.Background()
	db, ch, _ := databases(t)
	log, _ := newLog()
	w := startWriter(t, db, ch, testConfig(log))

	rolledBack := row(1, "d1.myshopify.com")
	tx, err := db.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, w.RecordTx(ctx, tx, rolledBack))
	require.NoError(t, tx.Rollback(ctx))

	committed := row(2, "d1.myshopify.com")
	committed.AttemptID = uuid.New()
	for range 2 { // a caller retrying its transaction with the same attempt id
		tx, err := db.Begin(ctx)
		require.NoError(t, err)
		require.NoError(t, w.RecordTx(ctx, tx, committed))
		require.NoError(t, tx.Commit(ctx))
	}
	// Many rows in one call, one of them again.
	tx, err = db.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, w.RecordTx(ctx, tx, row(3, "d1.myshopify.com"), committed, row(4, "d2.myshopify.com")))
	require.NoError(t, tx.Commit(ctx))

	waitDelivered(t, db, ch, 3)
	require.Equal(t, []string{"1002", "1003", "1004"}, runQuestion(t, ch, "SELECT delta_id FROM audit_writes ORDER BY delta_id"))
	require.Equal(t, uint64(3), chCounts(t, ch).Rows)
}

// Rows that ClickHouse or the dashboards could not use are refused at Record,
// never buffered.
func TestRecordRefusesInvalidRows(t *testing.T) {
	ctx := context.Background()
	db, ch, _ := databases(t)
	log, _ := newLog()
	w := startWriter(t, db, ch, testConfig(log))
	for name, change := range map[string]func(*audit.Row){
		"no destination": func(r *audit.Row) { r.Destination = "" },
		"no resource":    func(r *audit.Row) { r.Resource = "" },
		"operation":      func(r *audit.Row) { r.Operation = "upsert" },
		"status":         func(r *audit.Row) { r.Status = "applied" },
		"before":         func(r *audit.Row) { r.Before = "{not json" },
		"after":          func(r *audit.Row) { r.After = "price=1" },
		"time":           func(r *audit.Row) { r.Time = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) },
	} {
		r := row(1, "d1.myshopify.com")
		change(&r)
		require.ErrorIs(t, w.Record(ctx, r), audit.ErrInvalidRow, name)
		// One bad row refuses the whole call.
		err := w.Record(ctx, row(2, "d1.myshopify.com"), r)
		require.ErrorIs(t, err, audit.ErrInvalidRow, name)
		require.ErrorContains(t, err, "row 1")
	}
	require.Zero(t, outboxCount(t, db))
}

// Writers in several processes share one buffer: each row reaches ClickHouse
// once, whichever Writer recorded or sent it.
func TestWritersShareTheBuffer(t *testing.T) {
	db, ch, _ := databases(t)
	log, _ := newLog()
	cfg := testConfig(log)
	cfg.BatchSize = 37
	writers := []*audit.Writer{startWriter(t, db, ch, cfg), startWriter(t, db, ch, cfg), startWriter(t, db, ch, cfg)}
	var wg sync.WaitGroup
	for i, w := range writers {
		wg.Go(func() { recordN(t, w, 400, []string{"a.myshopify.com", "b.myshopify.com", "c.myshopify.com"}[i]) })
	}
	wg.Wait()
	waitDelivered(t, db, ch, 1200)
	require.Equal(t, counts{Rows: 1200, Final: 1200, Attempts: 1200}, chCounts(t, ch))
}

func TestConfigValidateNamesTheField(t *testing.T) {
	for field, change := range map[string]func(*audit.Config){
		"BatchSize":     func(c *audit.Config) { c.BatchSize = 0 },
		"FlushInterval": func(c *audit.Config) { c.FlushInterval = 0 },
		"SendTimeout":   func(c *audit.Config) { c.SendTimeout = -time.Second },
		"Lease":         func(c *audit.Config) { c.Lease = c.SendTimeout },
		"RetryInitial":  func(c *audit.Config) { c.RetryMax = c.RetryInitial / 2 },
		"GaugeInterval": func(c *audit.Config) { c.GaugeInterval = 0 },
		"Table":         func(c *audit.Config) { c.Table = "audit_writes; DROP TABLE x" },
	} {
		cfg := audit.DefaultConfig()
		require.NoError(t, cfg.Validate())
		change(&cfg)
		err := cfg.Validate()
		require.Error(t, err, field)
		require.Contains(t, err.Error(), field)
	}
}
