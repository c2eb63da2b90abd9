package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/testdb"
)

// testConfig flushes small batches often and retries fast, so that tests see
// each state within a second or two.
func testConfig(log *slog.Logger) audit.Config {
	cfg := audit.DefaultConfig()
	cfg.BatchSize = 100
	cfg.FlushInterval = 20 * time.Millisecond
	cfg.SendTimeout = 3 * time.Second
	cfg.Lease = 4 * time.Second
	cfg.RetryInitial = 20 * time.Millisecond
	cfg.RetryMax = 200 * time.Millisecond
	cfg.GaugeInterval = 50 * time.Millisecond
	cfg.Logger = log
	return cfg
}

// startWriter starts a Writer closed (with a drain of up to 10 s) when t ends.
func startWriter(t *testing.T, db *pgxpool.Pool, ch driver.Conn, cfg audit.Config) *audit.Writer {
	t.Helper()
	w, err := audit.New(db, ch, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.Close(ctx) // tests that care about Close's result call it themselves
	})
	return w
}

// openClickHouse opens a native connection to dsn's database at addr instead
// of dsn's host, with timeouts short enough for outage tests.
func openClickHouse(t *testing.T, dsn, addr string) driver.Conn {
	t.Helper()
	opts, err := schema.ParseClickHouseDSN(dsn)
	require.NoError(t, err)
	if addr != "" {
		opts.Addr = []string{addr}
	}
	opts.DialTimeout = time.Second
	opts.ReadTimeout = 3 * time.Second
	conn, err := clickhouse.Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// clickhouseAddr is the host:port of dsn.
func clickhouseAddr(t *testing.T, dsn string) string {
	t.Helper()
	opts, err := schema.ParseClickHouseDSN(dsn)
	require.NoError(t, err)
	return opts.Addr[0]
}

// row is a valid audit row of attempt i to dest.
func row(i int, dest string) audit.Row {
	return audit.Row{
		Time:           time.Now().UTC().Truncate(time.Second),
		RunID:          "run-1",
		DeltaID:        uint64(1000 + i),
		Source:         "source.myshopify.com",
		Destination:    dest,
		Resource:       "variant",
		Key:            fmt.Sprintf("SKU-%d", i),
		TargetGID:      fmt.Sprintf("gid://shopify/ProductVariant/%d", i),
		Operation:      audit.OperationUpdate,
		Mutation:       "productVariantsBulkUpdate",
		Before:         `{"price":"10.00"}`,
		After:          `{"price":"11.00"}`,
		Status:         audit.StatusOK,
		RequestedCost:  11,
		Cost:           10,
		LatencyMS:      uint32(50 + i%100),
		Attempt:        1,
		IdempotencyKey: fmt.Sprintf("k-%d", i),
	}
}

// recordN records n rows to dest and returns their attempt ids.
func recordN(t *testing.T, w *audit.Writer, n int, dest string) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	for i := range n {
		r := row(i, dest)
		r.AttemptID = uuid.New()
		require.NoError(t, w.Record(context.Background(), r))
		ids[i] = r.AttemptID
	}
	return ids
}

// counts are what ClickHouse holds: all rows (copies included), rows as FINAL
// reads them, and distinct attempt ids.
type counts struct{ Rows, Final, Attempts uint64 }

func chCounts(t *testing.T, ch driver.Conn) counts {
	t.Helper()
	var c counts
	ctx := context.Background()
	require.NoError(t, ch.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&c.Rows))
	require.NoError(t, ch.QueryRow(ctx, "SELECT count() FROM audit_writes FINAL").Scan(&c.Final))
	require.NoError(t, ch.QueryRow(ctx, "SELECT uniqExact(attempt_id) FROM audit_writes").Scan(&c.Attempts))
	return c
}

// waitDelivered waits until ClickHouse holds want rows and the buffer is empty.
func waitDelivered(t *testing.T, db *pgxpool.Pool, ch driver.Conn, want uint64) {
	t.Helper()
	require.Eventually(t, func() bool {
		return chCounts(t, ch).Final == want && outboxCount(t, db) == 0
	}, 20*time.Second, 10*time.Millisecond, "ClickHouse should hold %d rows and the buffer none; have %+v and %d buffered",
		want, chCounts(t, ch), outboxCount(t, db))
}

func outboxCount(t *testing.T, db *pgxpool.Pool) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.QueryRow(context.Background(), "SELECT count(*) FROM audit_outbox").Scan(&n))
	return n
}

// logBuffer collects a Writer's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(substr string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), substr)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

// databases gives a test a fresh PostgreSQL and ClickHouse database, both
// migrated; the ClickHouse DSN is for connections through a proxy.
func databases(t *testing.T) (*pgxpool.Pool, driver.Conn, string) {
	t.Helper()
	dsn := testdb.ClickHouseDSN(t)
	return testdb.Postgres(t), openClickHouse(t, dsn, ""), dsn
}

// rowsMetric is shopsync_audit_rows_total{status} in reg.
func rowsMetric(t *testing.T, reg *prometheus.Registry, status string) float64 {
	t.Helper()
	for _, m := range gather(t, reg, "shopsync_audit_rows_total") {
		for _, l := range m.GetLabel() {
			if l.GetName() == "status" && l.GetValue() == status {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no shopsync_audit_rows_total{status=%q}", status)
	return 0
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	return gather(t, reg, name)[0].GetGauge().GetValue()
}

func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	return gather(t, reg, name)[0].GetCounter().GetValue()
}

func histogramCount(t *testing.T, reg *prometheus.Registry, name string) uint64 {
	t.Helper()
	return gather(t, reg, name)[0].GetHistogram().GetSampleCount()
}

func gather(t *testing.T, reg *prometheus.Registry, name string) []*dto.Metric {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()
		}
	}
	t.Fatalf("metric %s not registered", name)
	return nil
}
