package planner_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/testdb"
)

const (
	benchContentProducts    = 20_000
	benchCollections        = 2_000 // custom, 50 members each: 100,000 memberships
	benchCollectionMembers  = 50
	benchPages              = 5_000
	benchBlogs              = 50
	benchArticlesPerBlog    = 100 // 5,000 articles
	benchContentDestination = "bench-content-d.myshopify.com"
)

// seedContentBench writes a source's catalogue and content and a destination
// holding a copy of it, recorded in id_map as after earlier plans, except
// that of every six objects one is missing in the destination and one has
// another title (and every sixth collection misses one member).
func seedContentBench(b *testing.B, pool *pgxpool.Pool) int64 {
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(b, err, sql)
	}
	const s, d = "bench-content-s.myshopify.com", benchContentDestination
	exec(`INSERT INTO stores (domain, role) VALUES ($1, 'source'), ($2, 'destination')`, s, d)
	var link int64
	require.NoError(b, pool.QueryRow(ctx, `INSERT INTO links (source_store, destination_store) VALUES ($1, $2) RETURNING id`, s, d).Scan(&link))
	// A source object i is <Type>/i, its destination twin <Type>/(10000000 + i).
	exec(`INSERT INTO products (store, gid, handle, title, status, content_hash)
		SELECT st, 'gid://shopify/Product/' || (off + i), 'p-' || i, 'P ' || i, 'ACTIVE', '\x00'
		FROM generate_series(1, $3::int) i, (VALUES ($1, 0), ($2, 10000000)) x (st, off)`, s, d, benchContentProducts)
	exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
		SELECT $1, 'product', 'gid://shopify/Product/' || i, 'gid://shopify/Product/' || (10000000 + i)
		FROM generate_series(1, $2::int) i`, link, benchContentProducts)
	// Each kind: source rows, destination copies of all but every sixth
	// (title changed on the next one), id_map pairs for the copies.
	kinds := []struct {
		table, typ, cols, vals string
		n                      int
	}{
		{"collections", "Collection", "handle, title, collection_type, description_html, sort_order", "'c-' || i, %TITLE%, 'custom', '<p>x</p>', 'MANUAL'", benchCollections},
		{"pages", "Page", "handle, title, body, is_published", "'pg-' || i, %TITLE%, '<p>b</p>', true", benchPages},
		{"blogs", "Blog", "handle, title", "'b-' || i, %TITLE%", benchBlogs},
		{"articles", "Article", "blog_gid, handle, title, body, author_name, is_published",
			"'gid://shopify/Blog/' || (off + 1 + i % " + strconv.Itoa(benchBlogs) + "), 'a-' || i, %TITLE%, '<p>a</p>', 'Ann', true",
			benchBlogs * benchArticlesPerBlog},
	}
	for _, k := range kinds {
		vals := strings.ReplaceAll(k.vals, "%TITLE%", `CASE WHEN off > 0 AND i % 6 = 1 THEN 'Old ' || i ELSE 'T ' || i END`)
		exec(`INSERT INTO `+k.table+` (store, gid, `+k.cols+`, content_hash)
			SELECT st, 'gid://shopify/`+k.typ+`/' || (off + i), `+vals+`, '\x00'
			FROM generate_series(1, $3::int) i, (VALUES ($1, 0), ($2, 10000000)) x (st, off)
			WHERE off = 0 OR i % 6 <> 0`, s, d, k.n)
		exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
			SELECT $1, $2, 'gid://shopify/`+k.typ+`/' || i, 'gid://shopify/`+k.typ+`/' || (10000000 + i)
			FROM generate_series(1, $3::int) i WHERE i % 6 <> 0`, link, strings.TrimSuffix(k.table, "s"), k.n)
	}
	exec(`INSERT INTO collection_products (store, collection_gid, product_gid)
		SELECT st, 'gid://shopify/Collection/' || (off + i), 'gid://shopify/Product/' || (off + 1 + (i * 37 + j) % $4)
		FROM generate_series(1, $3::int) i, generate_series(1, $5::int) j, (VALUES ($1, 0), ($2, 10000000)) x (st, off)
		WHERE (off = 0 OR i % 6 <> 0) AND NOT (off > 0 AND i % 6 = 2 AND j = 1)`,
		s, d, benchCollections, benchContentProducts, benchCollectionMembers)
	exec(`ANALYZE`)
	return link
}

// BenchmarkContentPlan is a full plan of the content family of one link:
// 2,000 custom collections with 100,000 memberships, 5,000 pages, 50 blogs
// and 5,000 articles, a sixth of each missing in the destination and a
// sixth retitled (dry run: computed, not written).
func BenchmarkContentPlan(b *testing.B) {
	pool := testdb.Postgres(b)
	link := seedContentBench(b, pool)
	p := planner.New(pool)
	ctx := context.Background()
	var deltas int
	start := time.Now()
	for b.Loop() {
		lr, err := p.PlanContentDry(ctx, link)
		require.NoError(b, err)
		deltas = len(lr.Deltas)
	}
	per := time.Since(start) / time.Duration(b.N)
	require.Positive(b, deltas)
	b.Logf("BENCH content_plan_full %.0f ms (%d deltas; load %s)", float64(per.Milliseconds()), deltas, testdb.LoadAverage())
	b.ReportMetric(float64(deltas), "deltas")
}
