package applier_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// BenchmarkInventoryLatency measures how long a source stock change takes
// to reach every destination, end to end, every fakeshop answer 50 ms late,
// 3 destinations. A change is done when all 3 destinations hold the new
// quantity in fakeshop. One change at a time; the next starts when the
// previous is done.
//
//   - default_one_way, default_two_way: the path as `shopsync run` runs it,
//     with the default configuration (inventory_latency_test.go): the
//     source's webhook through the inbox and processor into the mirror, the
//     change outbox relayed to the real Kafka, the planner's consumer and
//     its incremental plan, the applier's confirming read (two-way) and its
//     inventorySetQuantities; the applier polls every second and is woken
//     by the planner's and the mirror's notifications. Its baseline, in the
//     same run, is one inventorySetQuantities round trip to a destination.
//   - one_way, two_way: the session-2 configuration, kept comparable: a
//     full plan every 100 ms standing in for Kafka and the consumer, the
//     applier polling every 20 ms.
func BenchmarkInventoryLatency(b *testing.B) {
	for _, mode := range []string{"default_one_way", "default_two_way", "one_way", "two_way"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				benchInventoryLatency(b, mode, 40)
			}
		})
	}
}

func benchInventoryLatency(b *testing.B, name string, changes int) {
	f := newFixture(b, fixtureOptions{dests: 3})
	items := stockCatalog(b, f, 1, 1000)
	faults := fakeshop.Faults{GraphQLLatency: 50 * time.Millisecond}
	mode, production := strings.CutPrefix(name, "default_")
	o := pipelineOptions{mode: mode, planEvery: 100 * time.Millisecond, faults: faults}
	if production {
		for _, sh := range f.dsts {
			require.NoError(b, sh.SetFaults(faults))
		}
		var trips []time.Duration
		for k := range 20 {
			trips = append(trips, roundTrip(b, f, 1+k%3, items[1]))
		}
		report(b, name+"_baseline_round_trip", trips)
		o.production = newProductionPath(b, f)
	}
	pl := startInventoryPipeline(b, f, o)
	if production {
		waitPublished(b, f)
	}
	if mode == "two_way" {
		require.Eventually(b, func() bool {
			return f.count(`SELECT count(*)::int FROM inventory_sync`) == 3*len(items)
		}, 20*time.Second, 10*time.Millisecond)
	}
	it := items[0]
	var took []time.Duration
	for k := range changes + 1 {
		want := 900 - k
		start := time.Now()
		_, err := f.src.SetInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantitySet{
			{ItemID: it.items[0], LocationID: it.locs[0], Quantity: want}})
		require.NoError(b, err)
		reached := assert.Eventually(b, func() bool {
			for d := 1; d <= 3; d++ {
				if available(f.dsts[d-1], it.items[d], it.locs[d]) != want {
					return false
				}
			}
			return true
		}, 60*time.Second, 2*time.Millisecond)
		if !reached {
			b.Fatalf("change %d never reached every destination (pipeline error: %v; outbox %d rows, %d unpublished; deltas %v; webhooks %s)",
				k, pl.failed(), f.count(`SELECT count(*)::int FROM change_outbox`),
				f.count(`SELECT count(*)::int FROM change_outbox WHERE published_at IS NULL`), f.deltas(),
				f.text(`SELECT coalesce(string_agg(topic || ' ' || status || ' ' || coalesce(error, ''), '; '), '') FROM webhook_deliveries`))
		}
		if k == 0 {
			// The first change also waits for what starting took (the
			// consumer joining its group, first connections): reported
			// apart.
			fmt.Printf("BENCH inventory_latency_%s_first %.0f ms\n", name, ms(time.Since(start)))
			continue
		}
		took = append(took, time.Since(start))
	}
	report(b, "inventory_latency_"+name, took)
	switch name {
	case "two_way": // the session-2 headline figures
		fmt.Printf("BENCH inventory_latency_p50 %.0f ms\n", pct(took, 0.50))
		fmt.Printf("BENCH inventory_latency_p99 %.0f ms\n", pct(took, 0.99))
	case "default_two_way": // issue 7's: the longer path, as users run it
		fmt.Printf("BENCH inventory_latency_default_p50 %.0f ms\n", pct(took, 0.50))
		fmt.Printf("BENCH inventory_latency_default_p99 %.0f ms\n", pct(took, 0.99))
	}
	fmt.Printf("BENCH inventory_latency_%s_changes %d changes\n", name, len(took))
	fmt.Printf("BENCH inventory_latency_%s_loadavg %s load\n", name, testdb.LoadAverage())
}

// report prints p50, p99 and max of the durations.
func report(b *testing.B, name string, took []time.Duration) {
	b.Helper()
	fmt.Printf("BENCH %s_p50 %.0f ms\n", name, pct(took, 0.50))
	fmt.Printf("BENCH %s_p99 %.0f ms\n", name, pct(took, 0.99))
	fmt.Printf("BENCH %s_max %.0f ms\n", name, pct(took, 1))
}

// pct is the p-th quantile of the durations, in milliseconds.
func pct(took []time.Duration, p float64) float64 {
	s := slices.Clone(took)
	slices.Sort(s)
	return ms(s[min(len(s)-1, int(p*float64(len(s))))])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (f *fixture) text(sql string) string {
	var s string
	require.NoError(f.t, f.pool.QueryRow(f.ctx, sql).Scan(&s))
	return s
}
