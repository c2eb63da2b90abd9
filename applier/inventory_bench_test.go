package applier_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// BenchmarkInventoryLatency measures how long a source stock change takes
// to reach every destination, end to end: the source's webhook through the
// inbox and processor into the mirror, the applier's confirming read (two-
// way), the planner's set (a full plan every 100 ms, standing in for the
// Kafka-driven incremental plan), and the applier's inventorySetQuantities
// to 3 destinations, every fakeshop answer 50 ms late. A change is done
// when all 3 destinations hold the new quantity in fakeshop. One change at
// a time; the next starts when the previous is done.
func BenchmarkInventoryLatency(b *testing.B) {
	for _, mode := range []string{"one_way", "two_way"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				benchInventoryLatency(b, mode, 40)
			}
		})
	}
}

func benchInventoryLatency(b *testing.B, mode string, changes int) {
	f := newFixture(b, fixtureOptions{dests: 3})
	items := stockCatalog(b, f, 1, 1000)
	startInventoryPipeline(b, f, pipelineOptions{mode: mode, planEvery: 100 * time.Millisecond,
		faults: fakeshop.Faults{GraphQLLatency: 50 * time.Millisecond}})
	if mode == "two_way" {
		require.Eventually(b, func() bool {
			return f.count(`SELECT count(*)::int FROM inventory_sync`) == 3*len(items)
		}, 20*time.Second, 10*time.Millisecond)
	}
	it := items[0]
	var took []time.Duration
	for k := range changes {
		want := 900 - k
		start := time.Now()
		_, err := f.src.SetInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantitySet{
			{ItemID: it.items[0], LocationID: it.locs[0], Quantity: want}})
		require.NoError(b, err)
		require.Eventually(b, func() bool {
			for d := 1; d <= 3; d++ {
				if available(f.dsts[d-1], it.items[d], it.locs[d]) != want {
					return false
				}
			}
			return true
		}, 30*time.Second, 2*time.Millisecond, "change %d never reached every destination", k)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	fmt.Printf("BENCH inventory_latency_%s_p50 %.0f ms\n", mode, pct(0.50))
	fmt.Printf("BENCH inventory_latency_%s_p99 %.0f ms\n", mode, pct(0.99))
	if mode == "two_way" { // the headline figures: the longer path
		fmt.Printf("BENCH inventory_latency_p50 %.0f ms\n", pct(0.50))
		fmt.Printf("BENCH inventory_latency_p99 %.0f ms\n", pct(0.99))
	}
	fmt.Printf("BENCH inventory_latency_%s_max %.0f ms\n", mode, float64(took[len(took)-1].Microseconds())/1000)
	fmt.Printf("BENCH inventory_latency_%s_changes %d changes\n", mode, len(took))
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("BENCH inventory_latency_%s_loadavg %s load\n", mode, strings.Fields(string(load))[0])
	}
}
