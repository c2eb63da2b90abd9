package bulk_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/shopsync/shopsync/shopify/bulk"
)

// The generated snapshot: 100,000 products × 3 variants × 2 inventory
// levels = 1,000,000 lines, the shape of a products bulk query.
const (
	benchProducts = 100_000
	benchVariants = 3
	benchLevels   = 2
	linesPerTree  = 1 + benchVariants*(1+benchLevels)
	benchLines    = benchProducts * linesPerTree
)

// benchLine renders line i (0-based) of the parents-first file. GIDs use
// Shopify's "\/" escapes.
func benchLine(i int) string {
	p, k := i/linesPerTree, i%linesPerTree
	pid := fmt.Sprintf(`gid:\/\/shopify\/Product\/%d`, 7000000000+p)
	if k == 0 {
		return fmt.Sprintf(`{"id":"%s","handle":"product-%d","title":"Product %d","status":"ACTIVE","vendor":"Acme","tags":["a","b"],"updatedAt":"2026-01-02T03:04:05Z"}`, pid, p, p)
	}
	v, l := (k-1)/(1+benchLevels), (k-1)%(1+benchLevels)
	vid := fmt.Sprintf(`gid:\/\/shopify\/ProductVariant\/%d`, 8000000000+p*benchVariants+v)
	if l == 0 {
		return fmt.Sprintf(`{"id":"%s","sku":"SKU-%d-%d","barcode":null,"price":"19.99","inventoryItem":{"id":"gid:\/\/shopify\/InventoryItem\/%d"},"__parentId":"%s"}`, vid, p, v, 9000000000+p*benchVariants+v, pid)
	}
	return fmt.Sprintf(`{"id":"gid:\/\/shopify\/InventoryLevel\/%d?inventory_item_id=%d","location":{"id":"gid:\/\/shopify\/Location\/%d"},"quantities":[{"name":"available","quantity":%d}],"__parentId":"%s"}`,
		l, 9000000000+p*benchVariants+v, l, p%50, vid)
}

func writeBenchFile(b *testing.B, path string, order []int) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, i := range order {
		w.WriteString(benchLine(i))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// heapPeak samples the live heap; ReadMemStats stops the world, so it is
// called every 64k lines only.
type heapPeak struct{ peak uint64 }

func (h *heapPeak) sample(line int) {
	if line&0xffff != 0 {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapAlloc)
}

func measure(b *testing.B, path string, run func(r io.Reader, h *heapPeak) int) (linesPerS float64, peak uint64) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	h := &heapPeak{}
	h.sample(0)
	start := time.Now()
	n := run(f, h)
	elapsed := time.Since(start)
	h.sample(0)
	if n != benchLines {
		b.Fatalf("read %d lines, want %d", n, benchLines)
	}
	return float64(n) / elapsed.Seconds(), h.peak
}

// BenchmarkBulk reads a generated 1,000,000-line snapshot with a baseline
// (bufio.Scanner + json.Unmarshal of id and __parentId), with Reader, and
// with Join over the file in parents-first and shuffled order.
func BenchmarkBulk(b *testing.B) {
	dir := b.TempDir()
	ordered := filepath.Join(dir, "ordered.jsonl")
	shuffled := filepath.Join(dir, "shuffled.jsonl")
	order := make([]int, benchLines)
	for i := range order {
		order[i] = i
	}
	size := writeBenchFile(b, ordered, order)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	writeBenchFile(b, shuffled, order)
	order = nil

	baseline := func(r io.Reader, h *heapPeak) int {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), bulk.DefaultMaxLineSize)
		n := 0
		for sc.Scan() {
			var rec struct {
				ID       string `json:"id"`
				ParentID string `json:"__parentId"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.ID == "" {
				b.Fatalf("baseline line %d: %v", n+1, err)
			}
			n++
			h.sample(n)
		}
		if err := sc.Err(); err != nil {
			b.Fatal(err)
		}
		return n
	}
	reader := func(r io.Reader, h *heapPeak) int {
		rd := bulk.NewReader(r, bulk.Options{})
		n := 0
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return n
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
			h.sample(n)
		}
	}
	var spilled int
	join := func(r io.Reader, h *heapPeak) int {
		n := 0
		st, err := bulk.Join(context.Background(), r, dir, func(rec bulk.Record) error {
			if rec.Root == "" {
				return fmt.Errorf("line %d: no root", rec.Line)
			}
			n++
			h.sample(n)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		spilled = st.Spilled
		return n
	}

	for b.Loop() {
		baseRate, basePeak := measure(b, ordered, baseline)
		readRate, readPeak := measure(b, ordered, reader)
		joinRate, joinPeak := measure(b, ordered, join)
		shufRate, shufPeak := measure(b, shuffled, join)

		fmt.Printf("BENCH bulk_file_bytes %d bytes\n", size)
		fmt.Printf("BENCH bulk_baseline_lines_per_s %.0f lines/s\n", baseRate)
		fmt.Printf("BENCH bulk_reader_lines_per_s %.0f lines/s\n", readRate)
		fmt.Printf("BENCH bulk_reader_vs_baseline_ratio %.2f x\n", readRate/baseRate)
		fmt.Printf("BENCH bulk_baseline_peak_heap %.1f MiB\n", float64(basePeak)/(1<<20))
		fmt.Printf("BENCH bulk_reader_peak_heap %.1f MiB\n", float64(readPeak)/(1<<20))
		fmt.Printf("BENCH bulk_join_ordered_lines_per_s %.0f lines/s\n", joinRate)
		fmt.Printf("BENCH bulk_join_ordered_peak_heap %.1f MiB\n", float64(joinPeak)/(1<<20))
		fmt.Printf("BENCH bulk_join_shuffled_lines_per_s %.0f lines/s\n", shufRate)
		fmt.Printf("BENCH bulk_join_shuffled_peak_heap %.1f MiB\n", float64(shufPeak)/(1<<20))
		fmt.Printf("BENCH bulk_join_shuffled_spilled %d lines\n", spilled)
		b.ReportMetric(readRate, "lines/s")
		b.ReportMetric(readRate/baseRate, "x_baseline")
	}
}
