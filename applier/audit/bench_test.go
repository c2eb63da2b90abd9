package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/schema/testdb"
)

// Audit throughput, each figure beside the baseline of the same run: a raw
// ClickHouse batch insert of the same rows (what the writer does minus the
// durable buffer).
//
//	audit_raw_insert_rows_per_s  PrepareBatch inserts of 10,000 rows, nothing else
//	audit_rows_per_s             Record from 32 goroutines (one PostgreSQL commit each) until all are in ClickHouse
//	audit_recordtx_rows_per_s    RecordTx of 500 rows per transaction (one statement), one goroutine, until all are in ClickHouse
//	audit_drain_rows_per_s       the flusher alone: a backlog (as after an outage) into ClickHouse
func BenchmarkAuditDelivery(b *testing.B) {
	const n = 20_000
	var raw, record, recordTx, drain time.Duration
	runs := 0
	for b.Loop() {
		raw += benchRaw(b, n)
		record += benchRecord(b, n)
		recordTx += benchRecordTx(b, n)
		drain += benchDrain(b, n)
		runs++
	}
	rate := func(d time.Duration) float64 { return float64(n*runs) / d.Seconds() }
	base := rate(raw)
	fmt.Printf("BENCH audit_raw_insert_rows_per_s %.0f rows/s\n", base)
	for _, r := range []struct {
		name string
		d    time.Duration
	}{{"audit_rows_per_s", record}, {"audit_recordtx_rows_per_s", recordTx}, {"audit_drain_rows_per_s", drain}} {
		fmt.Printf("BENCH %s %.0f rows/s\n", r.name, rate(r.d))
		fmt.Printf("BENCH %s_vs_raw_insert %.3f ratio\n", r.name, rate(r.d)/base)
	}
	b.ReportMetric(rate(record), "rows/s")
}

func benchConfig() audit.Config {
	cfg := audit.DefaultConfig() // BatchSize 10,000
	cfg.FlushInterval = 100 * time.Millisecond
	log, _ := newLog()
	cfg.Logger = log
	return cfg
}

func benchRows(n int) []audit.Row {
	rows := make([]audit.Row, n)
	for i := range rows {
		rows[i] = row(i, fmt.Sprintf("d%d.myshopify.com", i%4))
		rows[i].AttemptID = uuid.New()
	}
	return rows
}

func benchRaw(b *testing.B, n int) time.Duration {
	b.StopTimer()
	ch := testdb.ClickHouse(b)
	rows := benchRows(n)
	b.StartTimer()
	start := time.Now()
	for i := 0; i < n; i += 10_000 {
		require.NoError(b, audit.Insert(ch, "audit_writes", rows[i:min(i+10_000, n)]))
	}
	return time.Since(start)
}

func benchRecord(b *testing.B, n int) time.Duration {
	b.StopTimer()
	db, ch := testdb.Postgres(b), testdb.ClickHouse(b)
	rows := benchRows(n)
	w, err := audit.New(db, ch, benchConfig())
	require.NoError(b, err)
	defer closeWriter(b, w)
	b.StartTimer()
	start := time.Now()
	const workers = 32
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			for i := k; i < n; i += workers {
				if err := w.Record(context.Background(), rows[i]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	waitAll(b, db, ch, n)
	return time.Since(start)
}

func benchRecordTx(b *testing.B, n int) time.Duration {
	b.StopTimer()
	ctx := context.Background()
	db, ch := testdb.Postgres(b), testdb.ClickHouse(b)
	rows := benchRows(n)
	w, err := audit.New(db, ch, benchConfig())
	require.NoError(b, err)
	defer closeWriter(b, w)
	b.StartTimer()
	start := time.Now()
	for i := 0; i < n; i += 500 {
		tx, err := db.Begin(ctx)
		require.NoError(b, err)
		require.NoError(b, w.RecordTx(ctx, tx, rows[i:min(i+500, n)]...))
		require.NoError(b, tx.Commit(ctx))
	}
	waitAll(b, db, ch, n)
	return time.Since(start)
}

func benchDrain(b *testing.B, n int) time.Duration {
	b.StopTimer()
	ctx := context.Background()
	db, ch := testdb.Postgres(b), testdb.ClickHouse(b)
	rows := benchRows(n)
	for i := 0; i < n; i += 1000 {
		require.NoError(b, audit.BufferRows(ctx, db, rows[i:min(i+1000, n)]...))
	}
	b.StartTimer()
	start := time.Now()
	w, err := audit.New(db, ch, benchConfig())
	require.NoError(b, err)
	defer closeWriter(b, w)
	waitAll(b, db, ch, n)
	return time.Since(start)
}

// waitAll polls until ClickHouse has n rows and the buffer is empty.
func waitAll(b *testing.B, db *pgxpool.Pool, ch driver.Conn, n int) {
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var inCH uint64
		var buffered int64
		require.NoError(b, ch.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&inCH))
		require.NoError(b, db.QueryRow(ctx, "SELECT count(*) FROM audit_outbox").Scan(&buffered))
		if inCH == uint64(n) && buffered == 0 {
			return
		}
		require.Truef(b, time.Now().Before(deadline), "after 2 min: %d rows in ClickHouse, %d buffered", inCH, buffered)
		time.Sleep(2 * time.Millisecond) // polling interval, not synchronisation
	}
}

func closeWriter(b *testing.B, w *audit.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(b, w.Close(ctx))
}
