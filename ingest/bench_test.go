package ingest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/bulk"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// benchVariants is the store size of BenchmarkSnapshot1MVariants:
// SHOPSYNC_BENCH_VARIANTS, default one million.
func benchVariants(b *testing.B) int {
	if v := os.Getenv("SHOPSYNC_BENCH_VARIANTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err, "SHOPSYNC_BENCH_VARIANTS")
		return n
	}
	return 1_000_000
}

// BenchmarkSnapshot1MVariants takes the products family's snapshot of a
// store of a million variants (about 100,000 products, each variant with
// its inventory item) into an empty mirror, end to end: the bulk export
// (fakeshop), the download, bulk.Join and the mirror's load (COPY into
// staging, merge with hashes and change rows). Then, in the same run, it
// COPYs the same records raw (gid, parent, the line as jsonb) into an
// UNLOGGED table with pgx: the floor any load of them has on this machine.
//
//	BENCH ingest_snapshot_1m_variants_seconds   export to commit
//	BENCH ingest_snapshot_rows_per_s            bulk records per second, end to end
//	BENCH ingest_snapshot_vs_raw_copy_ratio     end-to-end rate / raw COPY rate
//
// The export is fakeshop's work (Shopify's, in a real snapshot), and it
// takes a large part of the end-to-end time; the ingest's own part, from
// the finished export to the commit, is reported beside it:
//
//	BENCH ingest_snapshot_fakeshop_export_seconds  the emulator's export
//	BENCH ingest_snapshot_load_seconds          download, join, staging
//	BENCH ingest_snapshot_commit_seconds        merge, change rows, tombstones
//	BENCH ingest_snapshot_ours_seconds          load + commit
//	BENCH ingest_snapshot_ours_vs_raw_copy_ratio   our rate / raw COPY rate
func BenchmarkSnapshot1MVariants(b *testing.B) {
	variants := benchVariants(b)
	srv := fakeshop.New(fakeshop.Options{})
	require.NoError(b, srv.Start("127.0.0.1:0"))
	b.Cleanup(func() { require.NoError(b, srv.Close()) })
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "bench", Plan: cost.Enterprise})
	seedStart := time.Now()
	stats, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 1, Variants: variants})
	require.NoError(b, err)
	b.Logf("seeded %d products, %d variants in %s", stats.Products, stats.Variants, time.Since(seedStart).Round(time.Millisecond))
	c, err := client.New(client.Config{ShopDomain: shop.Domain(), Endpoint: srv.GraphQLURL(shop.Name()), Token: shop.Token(),
		Transport: transport.Config{Registry: transport.NewRegistry(cost.Enterprise, nil)},
		Bulk:      client.BulkPolling{FirstInterval: 50 * time.Millisecond, FirstPolls: 1000, Interval: 100 * time.Millisecond},
		Logger:    slog.New(slog.DiscardHandler)})
	require.NoError(b, err)
	ctx := context.Background()

	for i := 0; b.Loop(); i++ {
		pool := testdb.Postgres(b)
		_, err := pool.Exec(ctx, `INSERT INTO stores (domain, role) VALUES ($1, 'source')`, shop.Domain())
		require.NoError(b, err)
		mcfg := mirror.DefaultConfig()
		logger := slog.New(slog.DiscardHandler)
		if testing.Verbose() {
			logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
		}
		mcfg.Logger = logger
		m, err := mirror.New(pool, mcfg)
		require.NoError(b, err)
		phases := &phaseProgress{inner: snapshot.NewLogProgress(logger)}
		r, err := snapshot.NewRunner(pool, snapshot.MirrorLoader{Mirror: m}, snapshot.Config{Families: []events.Family{events.Products},
			SpillDir: b.TempDir(), Progress: phases, ReportEvery: 100_000})
		require.NoError(b, err)

		start := time.Now()
		res, err := r.Snapshot(ctx, c)
		took := time.Since(start)
		require.NoError(b, err)
		records := res[0].Stats.Records

		// The same records, raw: download the result to a file first, so
		// that only the COPY is timed.
		ops := shop.BulkOperations()
		op := ops[0]
		require.NotNil(b, op.URL)
		file := filepath.Join(b.TempDir(), "products.jsonl")
		download(b, c, *op.URL, file)
		rawTook, rawRows := rawCopy(b, pool, file)
		require.EqualValues(b, records, rawRows)

		rate := float64(records) / took.Seconds()
		rawRate := float64(rawRows) / rawTook.Seconds()
		// Ours: from the finished export (fakeshop's work, as Shopify's
		// would be) to the commit: download, join, staging and commit.
		export, load, commit := phases.split(start)
		ours := load + commit
		oursRate := float64(records) / ours.Seconds()
		b.ReportMetric(rate, "records/s")
		fmt.Printf("BENCH ingest_snapshot_variants %d variants\n", stats.Variants)
		fmt.Printf("BENCH ingest_snapshot_1m_variants_seconds %.1f s\n", took.Seconds())
		fmt.Printf("BENCH ingest_snapshot_rows_per_s %.0f records/s\n", rate)
		fmt.Printf("BENCH ingest_snapshot_vs_raw_copy_ratio %.2f ratio\n", rate/rawRate)
		fmt.Printf("BENCH ingest_snapshot_raw_copy_rows_per_s %.0f records/s\n", rawRate)
		fmt.Printf("BENCH ingest_snapshot_fakeshop_export_seconds %.1f s\n", export.Seconds())
		fmt.Printf("BENCH ingest_snapshot_load_seconds %.1f s\n", load.Seconds())
		fmt.Printf("BENCH ingest_snapshot_commit_seconds %.1f s\n", commit.Seconds())
		fmt.Printf("BENCH ingest_snapshot_ours_seconds %.1f s\n", ours.Seconds())
		fmt.Printf("BENCH ingest_snapshot_ours_rows_per_s %.0f records/s\n", oursRate)
		fmt.Printf("BENCH ingest_snapshot_ours_vs_raw_copy_ratio %.2f ratio\n", oursRate/rawRate)
		fmt.Printf("BENCH ingest_snapshot_load_average %s load\n", testdb.LoadAverage())
		b.Logf("%d variants: %d bulk records in %s end to end (%d mirror changes): fakeshop's export %s, download+join+staging %s, commit %s; raw COPY of the same records %s (%.0f records/s)",
			stats.Variants, records, took.Round(time.Millisecond), res[0].Stats.Changed, export.Round(time.Millisecond),
			load.Round(time.Millisecond), commit.Round(time.Millisecond), rawTook.Round(time.Millisecond), rawRate)
	}
}

// phaseProgress passes a run's progress on and notes when its phases
// end: the export (the emulator's work, which Shopify does in a real
// snapshot), the download, join and staging of every record, and the
// commit.
type phaseProgress struct {
	inner snapshot.Progress
	mu    sync.Mutex
	total int64
	// exported, read and done are when the bulk operation completed, the
	// last record was staged, and the run finished.
	exported, read, done time.Time
}

func (p *phaseProgress) Track(store string, family events.Family) snapshot.Tracker {
	return &phaseTracker{p: p, inner: p.inner.Track(store, family)}
}

// split returns the phases' lengths of a run started at start.
func (p *phaseProgress) split(start time.Time) (export, load, commit time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exported.Sub(start), p.read.Sub(p.exported), p.done.Sub(p.read)
}

type phaseTracker struct {
	p     *phaseProgress
	inner snapshot.Tracker
}

func (t *phaseTracker) Exporting(id string, resumed bool) { t.inner.Exporting(id, resumed) }

func (t *phaseTracker) Loading(total int64) {
	t.p.mu.Lock()
	t.p.exported, t.p.total = time.Now(), total
	t.p.mu.Unlock()
	t.inner.Loading(total)
}

// Loaded with the total comes once the last record is handed to the
// loader: what follows is the loader's commit.
func (t *phaseTracker) Loaded(n int64) {
	t.p.mu.Lock()
	if n == t.p.total {
		t.p.read = time.Now()
	}
	t.p.mu.Unlock()
	t.inner.Loaded(n)
}

func (t *phaseTracker) Done(st snapshot.LoadStats, err error) {
	t.p.mu.Lock()
	t.p.done = time.Now()
	t.p.mu.Unlock()
	t.inner.Done(st, err)
}

func download(b *testing.B, c *client.Client, url, path string) {
	b.Helper()
	body, err := c.OpenBulkResult(context.Background(), url)
	require.NoError(b, err)
	defer body.Close()
	f, err := os.Create(path)
	require.NoError(b, err)
	_, err = io.Copy(f, body)
	require.NoError(b, err)
	require.NoError(b, f.Close())
}

// rawCopy COPYs every record of a bulk file as (gid, parent, raw jsonb)
// into an UNLOGGED table and returns how long the COPY took and how many
// rows it wrote. The file is parsed by bulk.Reader inside the timing, as
// any loader must.
func rawCopy(b *testing.B, pool *pgxpool.Pool, path string) (time.Duration, int64) {
	b.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `CREATE UNLOGGED TABLE raw_records (gid text NOT NULL, parent text, raw jsonb NOT NULL)`)
	require.NoError(b, err)
	f, err := os.Open(path)
	require.NoError(b, err)
	defer f.Close()
	src := &fileSource{r: bulk.NewReader(bufio.NewReaderSize(f, 1<<20), bulk.Options{})}
	start := time.Now()
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"raw_records"}, []string{"gid", "parent", "raw"}, src)
	took := time.Since(start)
	require.NoError(b, err)
	require.NoError(b, src.err)
	return took, n
}

type fileSource struct {
	r   *bulk.Reader
	cur []any
	err error
}

func (s *fileSource) Next() bool {
	rec, err := s.r.Next()
	if err != nil {
		if err != io.EOF {
			s.err = err
		}
		return false
	}
	s.cur = []any{rec.ID, rec.ParentID, string(rec.Raw)}
	return true
}

func (s *fileSource) Values() ([]any, error) { return s.cur, nil }
func (s *fileSource) Err() error             { return s.err }
