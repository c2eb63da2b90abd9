package testdb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopsync/shopsync/schema/testdb"
)

// What a test pays for its own database: a PostgreSQL copy of the migrated
// template, and a ClickHouse database migrated from scratch.
func BenchmarkFreshDatabase(b *testing.B) {
	const perIteration = 5 // enough for a figure under `make bench`'s -benchtime 1x
	for _, c := range []struct {
		name string
		open func(testing.TB)
	}{
		{"postgres", func(tb testing.TB) { testdb.Postgres(tb) }},
		{"clickhouse", func(tb testing.TB) { testdb.ClickHouse(tb) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.open(b) // the first Postgres call also builds the template: not measured
			var total time.Duration
			n := 0
			for b.Loop() {
				for range perIteration {
					start := time.Now()
					c.open(b)
					total += time.Since(start)
					n++
				}
			}
			ms := float64(total.Microseconds()) / 1000 / float64(n)
			b.ReportMetric(ms, "ms/database")
			fmt.Printf("BENCH testdb_%s_fresh_database %.1f ms\n", c.name, ms)
		})
	}
}
