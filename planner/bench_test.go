package planner_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/testdb"
)

const (
	benchProducts = 30_000 // of 10 variants each: 300,000 source variants
	benchVariants = 10
)

// benchLinks are the three destinations of the benchmark, one per match key.
var benchLinks = []struct{ dest, match string }{
	{"bench-d1.myshopify.com", "handle"},
	{"bench-d2.myshopify.com", "sku"},
	{"bench-d3.myshopify.com", "barcode"},
}

// seedBench writes a source of benchProducts products and three destinations,
// each half in sync with it: of every six products, three are in sync, one is
// missing, one has another title and one another price on one variant. The
// pairs that exist are in id_map, as after earlier plans (steady state).
func seedBench(b *testing.B, pool *pgxpool.Pool) []int64 {
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(b, err, sql)
	}
	exec(`INSERT INTO stores (domain, role) VALUES ('bench-src.myshopify.com', 'source')`)
	exec(`INSERT INTO products (store, gid, handle, title, status, tags, options, content_hash)
		SELECT 'bench-src.myshopify.com', 'gid://shopify/Product/' || i, 'product-' || i, 'Product ' || i, 'ACTIVE',
			ARRAY['tag-a', 'tag-b'], '[{"name": "Size", "position": 1}]', '\x00'
		FROM generate_series(1, $1::int) i`, benchProducts)
	exec(`INSERT INTO variants (store, gid, product_gid, sku, barcode, price, position, options,
			inventory_item_gid, content_hash)
		SELECT 'bench-src.myshopify.com', 'gid://shopify/ProductVariant/' || (i * 100 + j), 'gid://shopify/Product/' || i,
			'SKU-' || i || '-' || j, 'BC-' || i || '-' || j, 10 + j, j,
			jsonb_build_array(jsonb_build_object('name', 'Size', 'value', j::text)),
			'gid://shopify/InventoryItem/' || (i * 100 + j), '\x00'
		FROM generate_series(1, $1::int) i, generate_series(1, $2::int) j`, benchProducts, benchVariants)
	var ids []int64
	for n, l := range benchLinks {
		off := (n + 1) * 10_000_000
		exec(`INSERT INTO stores (domain, role) VALUES ($1, 'destination')`, l.dest)
		var id int64
		require.NoError(b, pool.QueryRow(ctx, `INSERT INTO links (source_store, destination_store, match_key)
			VALUES ('bench-src.myshopify.com', $1, $2) RETURNING id`, l.dest, l.match).Scan(&id))
		ids = append(ids, id)
		exec(`INSERT INTO products (store, gid, handle, title, status, tags, options, content_hash)
			SELECT $1, 'gid://shopify/Product/' || ($2 + i), 'product-' || i,
				CASE WHEN i % 6 = 4 THEN 'Edited ' ELSE 'Product ' END || i, 'ACTIVE',
				ARRAY['tag-a', 'tag-b'], '[{"name": "Size", "position": 1}]', '\x00'
			FROM generate_series(1, $3::int) i WHERE i % 6 <> 3`, l.dest, off, benchProducts)
		exec(`INSERT INTO variants (store, gid, product_gid, sku, barcode, price, position, options,
				inventory_item_gid, content_hash)
			SELECT $1, 'gid://shopify/ProductVariant/' || ($2 + i * 100 + j), 'gid://shopify/Product/' || ($2 + i),
				'SKU-' || i || '-' || j, 'BC-' || i || '-' || j,
				CASE WHEN i % 6 = 5 AND j = 1 THEN 99 ELSE 10 + j END, j,
				jsonb_build_array(jsonb_build_object('name', 'Size', 'value', j::text)),
				'gid://shopify/InventoryItem/' || ($2 + i * 100 + j), '\x00'
			FROM generate_series(1, $3::int) i, generate_series(1, $4::int) j WHERE i % 6 <> 3`,
			l.dest, off, benchProducts, benchVariants)
		exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
			SELECT $1, 'product', 'gid://shopify/Product/' || i, 'gid://shopify/Product/' || ($2 + i)
			FROM generate_series(1, $3::int) i WHERE i % 6 <> 3`, id, off, benchProducts)
		exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
			SELECT $1, 'variant', 'gid://shopify/ProductVariant/' || (i * 100 + j),
				'gid://shopify/ProductVariant/' || ($2 + i * 100 + j)
			FROM generate_series(1, $3::int) i, generate_series(1, $4::int) j WHERE i % 6 <> 3`,
			id, off, benchProducts, benchVariants)
	}
	exec(`VACUUM ANALYZE`)
	return ids
}

// baselineScan is the plain join a plan cannot do without, over the same
// tables: every source variant beside its destination twin (through id_map)
// and every source product beside its twin, for every link.
func baselineScan(b *testing.B, pool rowQuerier, links []int64) time.Duration {
	ctx := context.Background()
	start := time.Now()
	for _, id := range links {
		var n int64
		require.NoError(b, pool.QueryRow(ctx, `
			SELECT (SELECT count(*) FROM variants s
			        LEFT JOIN id_map m ON m.link_id = l.id AND m.resource = 'variant' AND m.source_gid = s.gid
			        LEFT JOIN variants d ON d.store = l.destination_store AND d.gid = m.destination_gid
			        WHERE s.store = l.source_store AND d.price IS DISTINCT FROM s.price)
			     + (SELECT count(*) FROM products s
			        LEFT JOIN id_map m ON m.link_id = l.id AND m.resource = 'product' AND m.source_gid = s.gid
			        LEFT JOIN products d ON d.store = l.destination_store AND d.gid = m.destination_gid
			        WHERE s.store = l.source_store AND d.title IS DISTINCT FROM s.title)
			FROM links l WHERE l.id = $1`, id).Scan(&n))
	}
	return time.Since(start)
}

type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// serialScanCPU is the backends' CPU time of baselineScan with parallel
// query off (the CPU of parallel workers, short-lived processes, cannot be
// read after the fact; a plan's statements write, so they run serially too).
func serialScanCPU(b *testing.B, pool *pgxpool.Pool, links []int64) (time.Duration, bool) {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(b, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`)
	require.NoError(b, err)
	return testdb.CPUOf(ctx, pool, func() { baselineScan(b, tx, links) })
}

func BenchmarkPlanner(b *testing.B) {
	pool := testdb.Postgres(b)
	ids := seedBench(b, pool)
	ctx := context.Background()
	p := planner.New(pool)

	var full, scan, fullCPU time.Duration
	var cpuOK bool
	for b.Loop() {
		_, err := pool.Exec(ctx, `DELETE FROM plan_deltas`)
		require.NoError(b, err)
		scan = baselineScan(b, pool, ids) // warms the same pages the plan reads
		var r *planner.Result
		fullCPU, cpuOK = testdb.CPUOf(ctx, pool, func() {
			start := time.Now()
			r, err = p.Plan(ctx, planner.Options{})
			full = time.Since(start)
		})
		require.NoError(b, err)
		require.Len(b, r.Links, 3)
		for _, l := range r.Links {
			// Of every six products: one create, one update, one price update.
			want := benchProducts / 6
			require.Equal(b, map[string]int{"create": want, "update": 2 * want}, l.Inserted, l.Destination)
		}
	}
	b.ReportMetric(full.Seconds(), "plan_s")
	fmt.Printf("BENCH planner_full_plan_seconds %.3f s\n", full.Seconds())
	fmt.Printf("BENCH planner_scan_baseline_seconds %.3f s\n", scan.Seconds())
	fmt.Printf("BENCH planner_full_plan_vs_scan_ratio %.2f ratio\n", full.Seconds()/scan.Seconds())
	fmt.Printf("BENCH planner_load_average %s load\n", testdb.LoadAverage())
	if scanCPU, ok := serialScanCPU(b, pool, ids); ok && cpuOK {
		fmt.Printf("BENCH planner_full_plan_db_cpu_seconds %.2f s\n", fullCPU.Seconds())
		fmt.Printf("BENCH planner_scan_baseline_db_cpu_seconds %.2f s\n", scanCPU.Seconds())
		fmt.Printf("BENCH planner_full_plan_vs_scan_cpu_ratio %.2f ratio\n", fullCPU.Seconds()/scanCPU.Seconds())
	} else {
		fmt.Println("(no CPU figures: PostgreSQL's backends are not readable in /proc here)")
	}

	// Incremental: one source variant changes; each link plans its product.
	// The first runs on a connection prepare the statements (tens of
	// milliseconds, once per connection): warm up before measuring.
	const warmup, runs = 10, 200
	var perLink []time.Duration
	var cpuBefore time.Duration
	for i := range warmup + runs {
		if i == warmup {
			cpuBefore, cpuOK = testdb.BackendCPU(ctx, pool)
		}
		product := 1 + (i*6007)%benchProducts
		_, err := pool.Exec(ctx, `UPDATE variants SET price = price + 1, version = version + 1
			WHERE store = 'bench-src.myshopify.com' AND gid = $1`, fmt.Sprintf("gid://shopify/ProductVariant/%d", product*100+1))
		require.NoError(b, err)
		for n, id := range ids {
			key := fmt.Sprintf("gid://shopify/Product/%d", product)
			if benchLinks[n].match == "handle" {
				key = fmt.Sprintf("product-%d", product)
			}
			start := time.Now()
			lr, err := p.PlanKeys(ctx, id, "variant", []string{key})
			if i >= warmup {
				perLink = append(perLink, time.Since(start))
			}
			require.NoError(b, err)
			if product%6 != 3 {
				require.Equal(b, 1, planner.Total(lr.Planned), "link %d key %s", id, key)
			}
		}
	}
	cpuAfter, ok := testdb.BackendCPU(ctx, pool)
	slices.Sort(perLink)
	p99 := perLink[len(perLink)*99/100]
	if ok && cpuOK {
		// Mean per incremental plan, the one-row UPDATE before each round
		// included; 10 ms clock ticks, so only the mean is meaningful.
		fmt.Printf("BENCH planner_incremental_db_cpu_mean_ms %.2f ms\n",
			float64((cpuAfter-cpuBefore).Microseconds())/1000/float64(len(perLink)))
	}
	fmt.Printf("BENCH planner_incremental_p99_ms %.2f ms\n", float64(p99.Microseconds())/1000)
	fmt.Printf("BENCH planner_incremental_p50_ms %.2f ms\n", float64(perLink[len(perLink)/2].Microseconds())/1000)
	fmt.Printf("BENCH planner_incremental_load_average %s load\n", testdb.LoadAverage())
}
