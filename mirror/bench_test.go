package mirror

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
)

const (
	benchStore    = "bench.myshopify.com"
	benchVariants = 10 // per product
)

// benchProducts is the store size of BenchmarkSnapshot in products:
// SHOPSYNC_BENCH_VARIANTS / 10, default 100,000 (1,000,000 variants).
func benchProducts(b *testing.B) int {
	if v := os.Getenv("SHOPSYNC_BENCH_VARIANTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < benchVariants {
			b.Fatalf("SHOPSYNC_BENCH_VARIANTS %q: want a number of variants of at least %d", v, benchVariants)
		}
		return n / benchVariants
	}
	return 100_000
}

// benchRows builds a store of products with 10 variants each as a products
// snapshot reads it: rows with a raw column the size of a bulk line.
func benchRows(benchProducts int) []Row {
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	created := at.Add(-24 * time.Hour)
	rows := make([]Row, 0, benchProducts*(1+benchVariants))
	for i := 1; i <= benchProducts; i++ {
		pgid := fmt.Sprintf("gid://shopify/Product/%d", 7_000_000_000+i)
		rows = append(rows, &Product{
			Store: benchStore, GID: pgid, Handle: fmt.Sprintf("product-%d", i), Title: fmt.Sprintf("Product %d", i),
			DescriptionHTML: "<p>A comfortable shirt made of organic cotton, cut for an easy fit.</p>",
			Vendor:          "Acme", ProductType: "Shirt", Status: "ACTIVE", Tags: []string{"cotton", "summer", fmt.Sprintf("batch-%d", i%50)},
			Options:   []ProductOption{{Name: "Size", Position: 1, Values: []string{"XS", "S", "M", "L", "XL"}}, {Name: "Colour", Position: 2, Values: []string{"Blue", "Red"}}},
			CreatedAt: &created, UpdatedAt: &at, PublishedAt: &created,
			Raw: json.RawMessage(fmt.Sprintf(`{"id":%q,"handle":"product-%d","title":"Product %d","descriptionHtml":"<p>A comfortable shirt made of organic cotton, cut for an easy fit.</p>","vendor":"Acme","productType":"Shirt","status":"ACTIVE","tags":["cotton","summer","batch-%d"],"options":[{"id":"gid://shopify/ProductOption/%d","name":"Size","position":1,"values":["XS","S","M","L","XL"]},{"id":"gid://shopify/ProductOption/%d","name":"Colour","position":2,"values":["Blue","Red"]}],"templateSuffix":null,"publishedAt":"2026-10-31T12:00:00Z","createdAt":"2026-10-31T12:00:00Z","updatedAt":"2026-11-01T12:00:00Z"}`,
				pgid, i, i, i%50, 2*i, 2*i+1)),
		})
		for j := 1; j <= benchVariants; j++ {
			n := 9_000_000_000 + i*benchVariants + j
			gid := fmt.Sprintf("gid://shopify/ProductVariant/%d", n)
			item := fmt.Sprintf("gid://shopify/InventoryItem/%d", n)
			sku := fmt.Sprintf("SKU-%d-%d", i, j)
			barcode := fmt.Sprintf("40%011d", n%100_000_000_000)
			price := fmt.Sprintf("%d.%02d", 10+i%90, j*7%100)
			rows = append(rows, &Variant{
				Store: benchStore, GID: gid, ProductGID: pgid, Title: fmt.Sprintf("Size %d / Blue", j), SKU: &sku, Barcode: &barcode,
				Price: price, Position: j, Options: []SelectedOption{{Name: "Size", Value: fmt.Sprint(j)}, {Name: "Colour", Value: "Blue"}},
				InventoryItemGID: &item, InventoryPolicy: ptrTo("DENY"), Taxable: true, CreatedAt: &created, UpdatedAt: &at,
				Raw: json.RawMessage(fmt.Sprintf(`{"id":%q,"title":"Size %d / Blue","sku":%q,"barcode":%q,"price":%q,"compareAtPrice":null,"position":%d,"taxable":true,"inventoryPolicy":"DENY","selectedOptions":[{"name":"Size","value":"%d"},{"name":"Colour","value":"Blue"}],"inventoryItem":{"id":%q},"createdAt":"2026-10-31T12:00:00Z","updatedAt":"2026-11-01T12:00:00Z","__parentId":%q}`,
					gid, j, sku, barcode, price, j, j, item, pgid)),
			})
		}
	}
	return rows
}

func ptrTo[T any](v T) *T { return &v }

// benchBaseline COPYs the same rows, already encoded, into UNLOGGED copies
// of the mirror tables without indexes: the fastest PostgreSQL takes them.
func benchBaseline(b *testing.B, pool *pgxpool.Pool, rows []Row) time.Duration {
	ctx := context.Background()
	byTable := map[*table][][]any{}
	for _, r := range rows {
		t := tableOf(r.Resource())
		e := &encoder{}
		e.reset(string(t.resource))
		r.encode(e)
		vals := append([]any{benchStore}, e.finish(t.hashed)...)
		vals[len(vals)-1] = append([]byte(nil), vals[len(vals)-1].([]byte)...)
		byTable[t] = append(byTable[t], vals)
	}
	start := time.Now()
	for _, t := range tableOrder {
		vals := byTable[t]
		if len(vals) == 0 {
			continue
		}
		name := "baseline_" + t.name
		if _, err := pool.Exec(ctx, "CREATE UNLOGGED TABLE "+name+" (LIKE "+t.name+" INCLUDING DEFAULTS)"); err != nil {
			b.Fatal(err)
		}
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{name}, append([]string{"store"}, t.colNames()...), pgx.CopyFromRows(vals)); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// benchSnapshot loads rows as a snapshot; stage and commit are the CPU
// time its two steps took.
func benchSnapshot(b *testing.B, m *Mirror, rows []Row) (took time.Duration, res SnapshotResult, stage, commit cpuUse) {
	ctx := context.Background()
	start := time.Now()
	cpu := cpuNow(ctx, m.pool)
	s, err := m.BeginSnapshot(ctx, SnapshotSpec{Store: benchStore, Family: events.Products, RunID: 1})
	if err != nil {
		b.Fatal(err)
	}
	const chunk = 1000 // as a loader adds them, record by record in batches
	for i := 0; i < len(rows); i += chunk {
		end := min(i+chunk, len(rows))
		if err := s.Add(ctx, fmt.Sprint(end), rows[i:end]...); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	stage = cpu.since(ctx, m.pool)
	cpu = cpuNow(ctx, m.pool)
	res, err = s.Commit(ctx, CommitOptions{Complete: true})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start), res, stage, cpu.since(ctx, m.pool)
}

// BenchmarkSnapshot loads a 1,000,000-variant store (and its 100,000
// products; SHOPSYNC_BENCH_VARIANTS sets another size) through the
// snapshot path into an empty mirror, beside a raw COPY of the same rows
// into UNLOGGED tables, then loads it again unchanged. Beside the
// wall-clock figures it prints CPU seconds (the database's backends and
// this process), which a loaded machine changes much less: the
// *_cpu_ratio compares the raw COPY's CPU with the snapshot's.
func BenchmarkSnapshot(b *testing.B) {
	rows := benchRows(benchProducts(b))
	n := float64(len(rows))
	for b.Loop() {
		pool := testdb.Postgres(b)
		if _, err := pool.Exec(context.Background(), `INSERT INTO stores (domain, role) VALUES ($1, 'source')`, benchStore); err != nil {
			b.Fatal(err)
		}
		cfg := DefaultConfig()
		if testing.Verbose() {
			cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
		m, err := New(pool, cfg)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		cpu := cpuNow(ctx, pool)
		base := benchBaseline(b, pool, rows)
		baseCPU := cpu.since(ctx, pool)
		took, res, stageCPU, commitCPU := benchSnapshot(b, m, rows)
		commit := res.Duration
		if got := res.Changes(); got != int64(len(rows)) {
			b.Fatalf("snapshot wrote %d changes, want %d", got, len(rows))
		}
		again, res, againStage, againCommit := benchSnapshot(b, m, rows)
		if got := res.Changes(); got != 0 {
			b.Fatalf("unchanged re-snapshot wrote %d changes", got)
		}

		fmt.Printf("BENCH mirror_snapshot_rows %d rows\n", len(rows))
		fmt.Printf("BENCH raw_copy_unlogged_rows_per_s %.0f rows/s\n", n/base.Seconds())
		fmt.Printf("BENCH mirror_snapshot_1m_variants_rows_per_s %.0f rows/s\n", n/took.Seconds())
		fmt.Printf("BENCH mirror_snapshot_vs_raw_copy_ratio %.3f ratio\n", base.Seconds()/took.Seconds())
		fmt.Printf("BENCH mirror_snapshot_1m_variants_seconds %.1f s\n", took.Seconds())
		fmt.Printf("BENCH mirror_snapshot_commit_seconds %.1f s\n", commit.Seconds())
		fmt.Printf("BENCH mirror_resnapshot_unchanged_rows_per_s %.0f rows/s\n", n/again.Seconds())
		fmt.Printf("BENCH mirror_resnapshot_unchanged_seconds %.1f s\n", again.Seconds())
		fmt.Printf("BENCH mirror_snapshot_load_average %s load\n", testdb.LoadAverage())
		if baseCPU.dbOK && stageCPU.dbOK && commitCPU.dbOK && againStage.dbOK && againCommit.dbOK {
			// The raw COPY's encoding was done before it was timed: its
			// CPU is the database's only.
			snapCPU := stageCPU.db + stageCPU.self + commitCPU.db + commitCPU.self
			fmt.Printf("BENCH raw_copy_unlogged_db_cpu_seconds %.2f s\n", baseCPU.db.Seconds())
			fmt.Printf("BENCH mirror_snapshot_stage_db_cpu_seconds %.2f s\n", stageCPU.db.Seconds())
			fmt.Printf("BENCH mirror_snapshot_stage_go_cpu_seconds %.2f s\n", stageCPU.self.Seconds())
			fmt.Printf("BENCH mirror_snapshot_commit_db_cpu_seconds %.2f s\n", commitCPU.db.Seconds())
			fmt.Printf("BENCH mirror_snapshot_cpu_seconds %.2f s\n", snapCPU.Seconds())
			fmt.Printf("BENCH mirror_snapshot_vs_raw_copy_cpu_ratio %.3f ratio\n", baseCPU.db.Seconds()/snapCPU.Seconds())
			fmt.Printf("BENCH mirror_resnapshot_unchanged_cpu_seconds %.2f s\n",
				(againStage.db + againStage.self + againCommit.db + againCommit.self).Seconds())
		} else {
			fmt.Println("(no CPU figures: PostgreSQL's backends are not readable in /proc here)")
		}
	}
}
