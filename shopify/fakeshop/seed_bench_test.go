package fakeshop

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSeedMillionVariants seeds a 1,000,000-variant store and, in the
// same run, a baseline: the same generator building the same records into
// plain slices, without the store (no lock, no indexes). The ratio is what
// the store costs on top of merely having the records.
//
//	go test ./shopify/fakeshop -run '^$' -bench SeedMillionVariants -benchtime 1x
func BenchmarkSeedMillionVariants(b *testing.B) {
	const variants = 1_000_000
	cfg := SeedConfig{Seed: 1, Variants: variants}
	for b.Loop() {
		seedRun := measure(func() any {
			shop := New(Options{}).AddShop(ShopConfig{Name: "bench"})
			st, err := Seed(shop, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if st.Variants != variants {
				b.Fatalf("seeded %d variants, want %d", st.Variants, variants)
			}
			b.Logf("seeded %+v", st)
			return shop
		})
		baseRun := measure(func() any { return baselineRecords(cfg) })

		fmt.Printf("BENCH fakeshop_seed_variants_per_s %.0f variants/s\n", variants/seedRun.elapsed.Seconds())
		fmt.Printf("BENCH fakeshop_seed_seconds %.2f s\n", seedRun.elapsed.Seconds())
		fmt.Printf("BENCH fakeshop_seed_cpu_seconds %.2f s\n", seedRun.cpu.Seconds())
		fmt.Printf("BENCH fakeshop_seed_peak_heap %.0f MiB\n", seedRun.peakMiB)
		fmt.Printf("BENCH fakeshop_seed_live_heap %.0f MiB\n", seedRun.liveMiB)
		fmt.Printf("BENCH fakeshop_seed_baseline_variants_per_s %.0f variants/s\n", variants/baseRun.elapsed.Seconds())
		fmt.Printf("BENCH fakeshop_seed_baseline_seconds %.2f s\n", baseRun.elapsed.Seconds())
		fmt.Printf("BENCH fakeshop_seed_baseline_cpu_seconds %.2f s\n", baseRun.cpu.Seconds())
		fmt.Printf("BENCH fakeshop_seed_baseline_peak_heap %.0f MiB\n", baseRun.peakMiB)
		fmt.Printf("BENCH fakeshop_seed_baseline_live_heap %.0f MiB\n", baseRun.liveMiB)
		fmt.Printf("BENCH fakeshop_seed_time_ratio %.2f x\n", seedRun.elapsed.Seconds()/baseRun.elapsed.Seconds())
		fmt.Printf("BENCH fakeshop_seed_cpu_ratio %.2f x\n", seedRun.cpu.Seconds()/baseRun.cpu.Seconds())
		fmt.Printf("BENCH fakeshop_seed_peak_heap_ratio %.2f x\n", seedRun.peakMiB/baseRun.peakMiB)
	}
}

type runFigures struct {
	elapsed, cpu     time.Duration
	peakMiB, liveMiB float64
}

// processCPU is the process's user plus system time: on a shared machine it
// says what a run cost even when the wall time says how busy the others were.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure times f and samples the heap while it runs: peak is the largest
// heap of live and not yet collected objects seen, live what f's result
// holds after a collection.
func measure(f func() any) runFigures {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	start, startCPU := time.Now(), processCPU()
	result := f()
	elapsed, cpu := time.Since(start), processCPU()-startCPU
	close(done)
	wg.Wait()
	peak = max(peak, read())
	runtime.GC()
	live := read()
	runtime.KeepAlive(result)
	const mib = 1 << 20
	return runFigures{elapsed: elapsed, cpu: cpu, peakMiB: float64(peak-base) / mib, liveMiB: float64(live-base) / mib}
}

// baselineRecords generates cfg's catalogue and builds the records Seed
// would store (products, variants, inventory items and levels) into slices.
func baselineRecords(cfg SeedConfig) any {
	s := &seeder{cfg: cfg.withDefaults(), rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed_f00d_cafe))}
	s.drawIdentity()
	for i := range s.cfg.Locations {
		s.locations = append(s.locations, int64(i+1))
	}
	var (
		products []*Product
		vars     []*Variant
		items    []*InventoryItem
		levels   []*InventoryLevel
		id       int64
		now      = time.Now()
	)
	next := func() int64 { id++; return id }
	total := 0
	for i := 0; total < cfg.Variants; i++ {
		np := s.product(i, min(s.variantCount(), cfg.Variants-total))
		total += len(np.Variants)
		in := np.Product
		p := &Product{ID: next(), Status: "ACTIVE", CreatedAt: now, UpdatedAt: now}
		applyProductInput(p, in)
		p.Handle = handleize(p.Title)
		for j, o := range in.Options {
			opt := ProductOption{ID: next(), Name: o.Name, Position: j + 1}
			for _, v := range o.Values {
				opt.Values = append(opt.Values, OptionValue{ID: next(), Name: v})
			}
			p.Options = append(p.Options, opt)
		}
		vs := make([]Variant, len(np.Variants))
		its := make([]InventoryItem, len(np.Variants))
		p.VariantIDs = make([]int64, len(np.Variants))
		for j, vin := range np.Variants {
			v, it := &vs[j], &its[j]
			*v = Variant{ID: next(), ProductID: p.ID, Position: j + 1, SelectedOptions: vin.OptionValues, Title: variantTitle(vin.OptionValues), CreatedAt: now, UpdatedAt: now}
			*it = InventoryItem{ID: next(), VariantID: v.ID, CreatedAt: now, UpdatedAt: now}
			v.InventoryItemID = it.ID
			applyVariantInput(v, it, vin)
			p.VariantIDs[j] = v.ID
			vars, items = append(vars, v), append(items, it)
			lv := make([]InventoryLevel, len(vin.Quantities))
			for k, q := range vin.Quantities {
				lv[k] = InventoryLevel{ID: next(), ItemID: it.ID, LocationID: q.LocationID, Quantities: availableOnly(q.Quantity), CreatedAt: now, UpdatedAt: now}
				levels = append(levels, &lv[k])
			}
		}
		products = append(products, p)
	}
	return []any{products, vars, items, levels}
}
