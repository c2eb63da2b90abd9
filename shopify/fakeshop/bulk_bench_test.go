package fakeshop

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The export query of the benchmark: what a mirror's snapshot of products
// and variants reads.
const benchExportQuery = `{
  products {
    edges {
      node {
        id handle title status vendor productType tags updatedAt
        variants {
          edges {
            node { id sku barcode price compareAtPrice position updatedAt inventoryItem { id } }
          }
        }
      }
    }
  }
}`

// BenchmarkBulkExport1MVariants seeds a store of one million variants with
// Seed, exports its products and variants through a bulk operation, and
// compares the export with a baseline measured in the same run: the same
// records, fields and JSONL shape written with json.Marshal straight from
// the Go API, without GraphQL. Peak heap is sampled throughout.
func BenchmarkBulkExport1MVariants(b *testing.B) {
	const variants = 1_000_000
	for range b.N {
		sampler := startHeapSampler(20 * time.Millisecond)

		srv := New(Options{BulkDir: b.TempDir()})
		if err := srv.Start("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		shop := srv.AddShop(ShopConfig{Name: "bench"})

		start, cpu := time.Now(), cpuTime()
		stats, err := Seed(shop, SeedConfig{Seed: 1, Variants: variants})
		if err != nil {
			b.Fatal(err)
		}
		seeded, seedCPU := time.Since(start), cpuTime()-cpu
		if stats.Variants != variants {
			b.Fatalf("seeded %d variants, want %d", stats.Variants, variants)
		}

		runtime.GC()
		heapAfterSeed := heapInuse()
		sampler.resetWindow()

		start, cpu = time.Now(), cpuTime()
		op, err := shop.RunBulkQuery(b.Context(), benchExportQuery, false)
		if err != nil {
			b.Fatal(err)
		}
		done := waitBulkOperation(shop, op.ID)
		exported, exportCPU := time.Since(start), cpuTime()-cpu
		exportPeak := sampler.windowPeak()
		if done.Status != BulkCompleted {
			b.Fatalf("bulk operation ended %s (%v)", done.Status, done.ErrorCode)
		}
		if want := int64(stats.Products + stats.Variants); done.ObjectCount != want || done.RootObjectCount != int64(stats.Products) {
			b.Fatalf("exported %d objects (%d roots), want %d (%d)", done.ObjectCount, done.RootObjectCount, want, stats.Products)
		}

		liveGrowth := exportLiveGrowth(b, shop, done.ObjectCount)

		start, cpu = time.Now(), cpuTime()
		baselineSize, err := marshalBaseline(shop, filepath.Join(b.TempDir(), "baseline.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		baseline, baselineCPU := time.Since(start), cpuTime()-cpu
		peak := sampler.stop()

		mb := func(n uint64) float64 { return float64(n) / (1 << 20) }
		// Wall seconds are the figures; CPU seconds (user+system of the
		// whole process) beside them show how much of the wall time was
		// this process working, on a machine other jobs may share.
		fmt.Printf("BENCH fakeshop_seed_1m_variants_seconds %.2f s (cpu %.2f s)\n", seeded.Seconds(), seedCPU.Seconds())
		fmt.Printf("BENCH fakeshop_bulk_export_1m_variants_seconds %.2f s (cpu %.2f s)\n", exported.Seconds(), exportCPU.Seconds())
		fmt.Printf("BENCH fakeshop_seed_plus_export_1m_variants_seconds %.2f s (target < 60 s)\n", (seeded + exported).Seconds())
		fmt.Printf("BENCH fakeshop_bulk_export_baseline_json_marshal_seconds %.2f s (cpu %.2f s)\n", baseline.Seconds(), baselineCPU.Seconds())
		fmt.Printf("BENCH fakeshop_bulk_export_vs_baseline_ratio %.2f x (cpu %.2f x)\n", exported.Seconds()/baseline.Seconds(), exportCPU.Seconds()/baselineCPU.Seconds())
		fmt.Printf("BENCH fakeshop_bulk_export_lines_per_second %.0f lines/s\n", float64(done.ObjectCount)/exported.Seconds())
		fmt.Printf("BENCH fakeshop_bulk_export_file_mb %.1f MB (baseline %.1f MB)\n", mb(uint64(*done.FileSize)), mb(uint64(baselineSize)))
		fmt.Printf("BENCH fakeshop_peak_heap_mb %.0f MB\n", mb(peak))
		fmt.Printf("BENCH fakeshop_heap_after_seed_mb %.0f MB\n", mb(heapAfterSeed))
		// HeapInuse counts garbage not yet collected, which with GOGC=100
		// may grow as large as the live heap (the shop) before a GC; what
		// the export really holds is the live heap growth.
		fmt.Printf("BENCH fakeshop_bulk_export_heap_inuse_growth_mb %.0f MB\n", mb(exportPeak-min(exportPeak, heapAfterSeed)))
		fmt.Printf("BENCH fakeshop_bulk_export_live_heap_growth_mb %.1f MB\n", mb(liveGrowth))
		b.ReportMetric(seeded.Seconds(), "seed-s")
		b.ReportMetric(exported.Seconds(), "export-s")
		b.ReportMetric(mb(peak), "peak-heap-MB")

		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// exportLiveGrowth runs a second, untimed export and forces a GC when it is
// half done, with the export paused: the live heap then, minus the live heap before it started, is
// what an export holds (its item lists, buffers and caches), as opposed to
// garbage awaiting collection.
func exportLiveGrowth(b *testing.B, shop *Shop, objects int64) uint64 {
	runtime.GC()
	before := liveHeap()
	op, err := shop.RunBulkQuery(b.Context(), benchExportQuery, false)
	if err != nil {
		b.Fatal(err)
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for cur := shop.BulkOperation(op.ID); cur.ObjectCount < objects/2 && !cur.Finished(); cur = shop.BulkOperation(op.ID) {
		<-tick.C
	}
	// Holding the shop's write lock parks the export at its next read of
	// the shop, with all it holds still reachable; otherwise the lines it
	// allocates while the GC marks would count as live.
	shop.mu.Lock()
	runtime.GC()
	during := liveHeap()
	shop.mu.Unlock()
	if done := waitBulkOperation(shop, op.ID); done.Status != BulkCompleted {
		b.Fatalf("second export ended %s", done.Status)
	}
	return during - min(during, before)
}

// waitBulkOperation polls the Go API the way a client polls bulkOperation.
func waitBulkOperation(shop *Shop, id int64) *BulkOperation {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if op := shop.BulkOperation(id); op.Finished() {
			return op
		}
		<-tick.C
	}
}

// marshalBaseline writes the benchmark query's result with json.Marshal
// from the records: the cost of the bytes alone, without the executor.
func marshalBaseline(shop *Shop, path string) (int64, error) {
	type productLine struct {
		ID          string   `json:"id"`
		Handle      string   `json:"handle"`
		Title       string   `json:"title"`
		Status      string   `json:"status"`
		Vendor      string   `json:"vendor"`
		ProductType string   `json:"productType"`
		Tags        []string `json:"tags"`
		UpdatedAt   string   `json:"updatedAt"`
	}
	type itemRef struct {
		ID string `json:"id"`
	}
	type variantLine struct {
		ID             string  `json:"id"`
		SKU            *string `json:"sku"`
		Barcode        *string `json:"barcode"`
		Price          string  `json:"price"`
		CompareAtPrice *string `json:"compareAtPrice"`
		Position       int     `json:"position"`
		UpdatedAt      string  `json:"updatedAt"`
		InventoryItem  itemRef `json:"inventoryItem"`
		ParentID       string  `json:"__parentId"`
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: f}
	w := bufio.NewWriterSize(cw, 1<<20)
	write := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		w.Write(b)
		return w.WriteByte('\n')
	}
	for _, p := range shop.Products() {
		pid := gidOf("Product", p.ID)
		if err := write(productLine{pid, p.Handle, p.Title, p.Status, p.Vendor, p.ProductType, p.Tags, formatTime(p.UpdatedAt)}); err != nil {
			return 0, err
		}
		for _, v := range shop.Variants(p) {
			if err := write(variantLine{gidOf("ProductVariant", v.ID), v.SKU, v.Barcode, v.Price, v.CompareAtPrice, v.Position,
				formatTime(v.UpdatedAt), itemRef{gidOf("InventoryItem", v.InventoryItemID)}, pid}); err != nil {
				return 0, err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return cw.n, f.Close()
}

// heapSampler records the peak HeapInuse, overall and within a window.
type heapSampler struct {
	peak, window atomic.Uint64
	stopc        chan struct{}
	wg           sync.WaitGroup
}

func startHeapSampler(every time.Duration) *heapSampler {
	s := &heapSampler{stopc: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			s.sample()
			select {
			case <-s.stopc:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) sample() {
	h := heapInuse()
	raise(&s.peak, h)
	raise(&s.window, h)
}

func raise(a *atomic.Uint64, v uint64) {
	for {
		cur := a.Load()
		if v <= cur || a.CompareAndSwap(cur, v) {
			return
		}
	}
}

func (s *heapSampler) resetWindow()       { s.window.Store(0) }
func (s *heapSampler) windowPeak() uint64 { s.sample(); return s.window.Load() }

func (s *heapSampler) stop() uint64 {
	close(s.stopc)
	s.wg.Wait()
	s.sample()
	return s.peak.Load()
}

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// liveHeap is the heap the last GC found live.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
