package applier_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// BenchmarkApplierBacklog applies a 20,000-change backlog to a destination
// on Shopify's Standard plan (2,000-point bucket, 100 points/s), emulated in
// real time by fakeshop: 2,000 products of 10 variants, of which 1,000
// products are repriced (10,000 variant prices, one delta per product) and
// every product has 5 of its 10 variants' stock changed (10,000 levels).
//
// The baseline applies the same kind of backlog without packing, one
// mutation per change in an HTTP request of its own, on a second
// destination. At about 11.5 points a change it would need over half an
// hour for 20,000 changes, so it gets the backlog scaled down 1:33 with the
// same mix (60 products: 300 prices of 30 products, 300 levels), runs it to
// the end, and its rate is extrapolated. Both runs start from a full
// bucket, which flatters the shorter baseline run: the ratio is a lower
// bound.
//
// Reported: changes per second packed and unpacked and their ratio; for the
// packed run the share of the available budget it spent (actualQueryCost
// over the bucket's level at the start plus the restore rate times the
// duration), THROTTLED answers (HTTP 429 from fakeshop, counted below the
// transport, so retried ones count too) and cost points per change.
func BenchmarkApplierBacklog(b *testing.B) {
	for range b.N {
		benchBacklog(b)
	}
}

func benchBacklog(b *testing.B) {
	const (
		products, variantsPer = 2000, 10
		restocked             = 5 // variants of each product whose stock changes
		scale                 = 33
	)
	setup := time.Now()
	phase := func(name string) { b.Logf("%-9s %s", name, time.Since(setup).Round(time.Millisecond)) }
	f := newFixture(b, fixtureOptions{plan: cost.Standard, dests: 2, auditFlush: time.Second})
	f.addCatalog(f.src, f.srcLoc, products, variantsPer, "10.00", func(i, j int) int { return 10 + j })
	backlog := func(shop *fakeshop.Shop, loc *fakeshop.Location, n int) int {
		f.addCatalogPriced(shop, loc, n, variantsPer,
			func(i int) string { return map[bool]string{true: "9.00", false: "10.00"}[i < n/2] },
			func(i, j int) int { return map[bool]int{true: 0, false: 10 + j}[j < restocked] })
		return n/2*variantsPer + n*restocked
	}
	changes := backlog(f.dsts[0], f.dstLocs[0], products)
	baseChanges := backlog(f.dsts[1], f.dstLocs[1], products/scale)
	phase("catalogs")
	f.snapshot()
	// Fresh statistics: without them the planner's joins over 60,000 new
	// rows take minutes instead of seconds.
	f.exec(`ANALYZE products, variants, inventory_items, inventory_levels, id_map, plan_deltas`)
	phase("snapshot")
	// The baseline destination holds only the first products of the
	// catalogue: the creates planned for the others are set aside, leaving
	// it the same mix of changes as the packed one.
	f.plan()
	f.exec(`UPDATE plan_deltas SET status = 'superseded' WHERE target_store = $1 AND operation = 'create'`, f.dsts[1].Domain())
	require.Equal(b, changes, f.changes(f.dsts[0]))
	require.Equal(b, baseChanges, f.changes(f.dsts[1]))
	phase("plan")
	b.ResetTimer()

	type run struct {
		took                time.Duration
		points, startLevel  float64
		throttled, requests int64
	}
	apply := func(shop *fakeshop.Shop, unpacked bool) run {
		waitFull(b, shop)
		var r run
		r.startLevel = shop.Budget().Available()
		_, _, p0 := f.observer.Counts(shop.Domain())
		t0, q0 := f.counter.throttled.Load(), f.counter.requests.Load()
		cfg := f.config()
		cfg.Destinations = []string{shop.Domain()}
		cfg.OneChangePerCall = unpacked
		start := time.Now()
		require.NoError(b, f.applier(cfg).RunOnce(f.ctx))
		r.took = time.Since(start)
		_, _, p1 := f.observer.Counts(shop.Domain())
		r.points, r.throttled, r.requests = p1-p0, f.counter.throttled.Load()-t0, f.counter.requests.Load()-q0
		require.Zero(b, f.count(`SELECT count(*) FROM plan_deltas WHERE target_store = $1 AND status IN ('pending', 'failed')`, shop.Domain()))
		return r
	}
	packed := apply(f.dsts[0], false)
	phase("packed")
	base := apply(f.dsts[1], true)
	phase("baseline")
	b.StopTimer()

	packedRate := float64(changes) / packed.took.Seconds()
	baseRate := float64(baseChanges) / base.took.Seconds()
	available := packed.startLevel + f.dsts[0].Plan().RestoreRate*packed.took.Seconds()
	fmt.Printf("BENCH applier_packed_seconds %.1f s\n", packed.took.Seconds())
	fmt.Printf("BENCH applier_packed_requests %d requests\n", packed.requests)
	fmt.Printf("BENCH applier_packed_changes_per_s %.1f changes/s\n", packedRate)
	fmt.Printf("BENCH applier_baseline_changes_per_s %.2f changes/s\n", baseRate)
	fmt.Printf("BENCH applier_baseline_measured_changes %d changes\n", baseChanges)
	fmt.Printf("BENCH applier_baseline_extrapolated_seconds %.0f s\n", float64(changes)/baseRate)
	fmt.Printf("BENCH applier_speedup_ratio %.1f x\n", packedRate/baseRate)
	fmt.Printf("BENCH applier_budget_used_share %.3f ratio\n", packed.points/available)
	fmt.Printf("BENCH applier_throttled_count %d answers\n", packed.throttled)
	fmt.Printf("BENCH applier_cost_points_per_change %.3f points\n", packed.points/float64(changes))
	fmt.Printf("BENCH applier_baseline_cost_points_per_change %.2f points\n", base.points/float64(baseChanges))
	fmt.Printf("BENCH applier_baseline_throttled_count %d answers\n", base.throttled)
	b.ReportMetric(packedRate, "changes/s")
	b.ReportMetric(packedRate/baseRate, "speedup")
	b.ReportMetric(packed.points/available, "budget-share")
	// Deliver the audit rows now, to see what that takes.
	require.NoError(b, f.audit.Close(f.ctx))
	phase("audit")
}

// changes counts the pending changes of a destination: a price delta
// carries one per variant.
func (f *fixture) changes(shop *fakeshop.Shop) int {
	return f.count(`SELECT coalesce(sum(CASE WHEN resource = 'variant' THEN jsonb_array_length(desired -> 'variants') ELSE 1 END), 0)::int
		FROM plan_deltas WHERE target_store = $1 AND status = 'pending'`, shop.Domain())
}

// waitFull waits until the shop's bucket is full again (the snapshot's
// polling spent some), so each run starts from the same level.
func waitFull(b *testing.B, shop *fakeshop.Shop) {
	b.Helper()
	require.Eventually(b, func() bool { return shop.Budget().Available() >= shop.Budget().Capacity()-1 },
		time.Duration(shop.Budget().Capacity()/shop.Budget().RestoreRate()+5)*time.Second, 100*time.Millisecond)
}

// addCatalogPriced is addCatalog with a price per product.
func (f *fixture) addCatalogPriced(shop *fakeshop.Shop, loc *fakeshop.Location, n, k int, price func(i int) string, qty func(i, j int) int) {
	f.t.Helper()
	batch := make([]fakeshop.NewProduct, n)
	for i := range n {
		sizes := make([]string, k)
		vs := make([]fakeshop.VariantInput, k)
		for j := range k {
			sizes[j] = fmt.Sprintf("V%d", j+1)
			vs[j] = fakeshop.VariantInput{
				OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: sizes[j]}},
				Price:        ptr(price(i)), SKU: ptr(fmt.Sprintf("P%d-V%d", i, j+1)),
				Quantities: []fakeshop.LocationQuantity{{LocationID: loc.ID, Name: "available", Quantity: qty(i, j)}},
			}
		}
		batch[i] = fakeshop.NewProduct{
			Product:  fakeshop.ProductInput{Title: ptr(fmt.Sprintf("Product %d", i)), Handle: ptr(fmt.Sprintf("p%d", i)), Options: []fakeshop.OptionInput{{Name: "Size", Values: sizes}}},
			Variants: vs,
		}
	}
	_, err := shop.CreateProducts(batch)
	require.NoError(f.t, err)
}

// BenchmarkApplierCreates applies the first sync of an empty destination on
// Shopify's Plus plan (20,000-point bucket, 1,000 points/s), as `make run`
// does: 500 source products of 9 variants, each a productSet create, then
// the stock of their 4,500 variants (planned again once the creates are
// recorded, as the planner's change events would). BENCH_CREATES sets the
// product count.
//
// Reported beside the rate: the cost points per second spent against the
// restore rate (the budget's bound), the budget-limited maximum of creates
// per second at the measured points per create, and where a request's time
// went (begin, send, record: the Writer's debug log), so a figure below the
// bound says which step holds it back.
func BenchmarkApplierCreates(b *testing.B) {
	for range b.N {
		benchCreates(b)
	}
}

func benchCreates(b *testing.B) {
	products := 500
	if s := os.Getenv("BENCH_CREATES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		products = n
	}
	const variantsPer = 9
	f := newFixture(b, fixtureOptions{plan: cost.Plus, auditFlush: time.Second})
	f.addCatalog(f.src, f.srcLoc, products, variantsPer, "10.00", func(i, j int) int { return 10 + j })
	f.snapshot()
	f.exec(`ANALYZE products, variants, inventory_items, inventory_levels, id_map, plan_deltas`)
	require.Equal(b, products, f.plan())
	dst := f.dsts[0]
	waitFull(b, dst)

	timings := &requestTimings{}
	cfg := f.config()
	cfg.Logger = slog.New(timings)
	phase := func(name string) (took time.Duration, points float64, requests int64, deltas int) {
		_, _, p0 := f.observer.Counts(dst.Domain())
		q0 := f.counter.requests.Load()
		d0 := f.count(`SELECT count(*) FROM plan_deltas WHERE target_store = $1 AND status = 'applied'`, dst.Domain())
		start := time.Now()
		require.NoError(b, f.applier(cfg).RunOnce(f.ctx))
		took = time.Since(start)
		_, _, p1 := f.observer.Counts(dst.Domain())
		deltas = f.count(`SELECT count(*) FROM plan_deltas WHERE target_store = $1 AND status = 'applied'`, dst.Domain()) - d0
		require.Zero(b, f.count(`SELECT count(*) FROM plan_deltas WHERE target_store = $1 AND status IN ('pending', 'failed')`, dst.Domain()))
		return took, p1 - p0, f.counter.requests.Load() - q0, deltas
	}
	b.ResetTimer()
	ctook, cpoints, creqs, cdeltas := phase("creates")
	ctimes := timings.take()
	require.Equal(b, products, cdeltas)
	f.exec(`ANALYZE products, variants, inventory_items, inventory_levels, id_map, plan_deltas`)
	levels := f.plan()
	itook, ipoints, ireqs, ideltas := phase("stock")
	itimes := timings.take()
	b.StopTimer()
	require.Equal(b, levels, ideltas)
	require.Zero(b, f.plan())

	rate := dst.Plan().RestoreRate
	perCreate := cpoints / float64(cdeltas)
	fmt.Printf("BENCH applier_creates_products %d products\n", products)
	fmt.Printf("BENCH applier_creates_seconds %.1f s\n", ctook.Seconds())
	fmt.Printf("BENCH applier_creates_per_s %.1f creates/s\n", float64(cdeltas)/ctook.Seconds())
	fmt.Printf("BENCH applier_creates_budget_bound_per_s %.1f creates/s\n", rate/perCreate)
	fmt.Printf("BENCH applier_creates_points_per_s %.0f points/s\n", cpoints/ctook.Seconds())
	fmt.Printf("BENCH applier_creates_restore_rate %.0f points/s\n", rate)
	fmt.Printf("BENCH applier_creates_points_per_create %.1f points\n", perCreate)
	fmt.Printf("BENCH applier_creates_requests %d requests\n", creqs)
	ctimes.print("applier_creates")
	fmt.Printf("BENCH applier_stock_levels %d deltas\n", ideltas)
	fmt.Printf("BENCH applier_stock_seconds %.1f s\n", itook.Seconds())
	fmt.Printf("BENCH applier_stock_per_s %.0f deltas/s\n", float64(ideltas)/itook.Seconds())
	fmt.Printf("BENCH applier_stock_points_per_s %.0f points/s\n", ipoints/itook.Seconds())
	fmt.Printf("BENCH applier_stock_requests %d requests\n", ireqs)
	itimes.print("applier_stock")
	b.ReportMetric(float64(cdeltas)/ctook.Seconds(), "creates/s")
	b.ReportMetric(cpoints/ctook.Seconds()/rate, "budget-share")
}

// requestTimings is a slog handler that sums the Writer's "request
// recorded" debug lines: how long requests spent beginning (attempt rows),
// at Shopify and recording their outcome.
type requestTimings struct {
	mu  sync.Mutex
	sum timingSums
}

type timingSums struct {
	n, deltas           int
	begin, send, record time.Duration
}

func (h *requestTimings) Enabled(context.Context, slog.Level) bool { return true }
func (h *requestTimings) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *requestTimings) WithGroup(string) slog.Handler            { return h }
func (h *requestTimings) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "request recorded" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &h.sum
	s.n++
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "deltas":
			s.deltas += int(a.Value.Int64())
		case "begin":
			s.begin += a.Value.Duration()
		case "send":
			s.send += a.Value.Duration()
		case "record":
			s.record += a.Value.Duration()
		}
		return true
	})
	return nil
}

// take returns the sums so far and starts again.
func (h *requestTimings) take() timingSums {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.sum
	h.sum = timingSums{}
	return out
}

func (h timingSums) print(name string) {
	if h.n == 0 {
		return
	}
	per := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(h.n) }
	fmt.Printf("BENCH %s_deltas_per_request %.1f deltas\n", name, float64(h.deltas)/float64(h.n))
	fmt.Printf("BENCH %s_begin_ms_per_request %.0f ms\n", name, per(h.begin))
	fmt.Printf("BENCH %s_send_ms_per_request %.0f ms\n", name, per(h.send))
	fmt.Printf("BENCH %s_record_ms_per_request %.0f ms\n", name, per(h.record))
}
