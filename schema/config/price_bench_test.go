package config

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopsync/shopsync/schema/testdb"
)

// How fast Postgres applies the price rule, beside a bare multiplication over
// the same rows: the planner computes a price per variant of every link.
func BenchmarkSQLPriceRule(b *testing.B) {
	ctx := context.Background()
	pool := testdb.Postgres(b)
	const rows = 1_000_000
	if _, err := pool.Exec(ctx, `CREATE TABLE bench_prices AS
		SELECT (random() * 1000)::numeric(12, 2) AS price FROM generate_series(1, $1)`, rows); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, sql string }{
		{"baseline_multiply", `SELECT sum(price * 0.92 * 1.10) FROM bench_prices`},
		{"shopsync_price_none", `SELECT sum(shopsync_price(price, 0.92, 1.10, 0, NULL)) FROM bench_prices`},
		{"shopsync_price_ending", `SELECT sum(shopsync_price(price, 0.92, 1.10, 0, 0.99)) FROM bench_prices`},
	} {
		b.Run(q.name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				var sum *string
				if err := pool.QueryRow(ctx, `SELECT (`+q.sql+`)::text`).Scan(&sum); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
			}
			perSec := float64(rows) * float64(b.N) / elapsed.Seconds()
			b.ReportMetric(perSec, "rows/s")
			fmt.Printf("BENCH %s %.0f rows/s\n", q.name, perSec)
		})
	}
}
