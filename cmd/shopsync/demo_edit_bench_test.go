package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/testdb"
)

// BenchmarkDemoLiveEdit runs the `make run` path headless (the demo with the
// real Kafka broker) and reports how long its live edit of a source product
// took to reach each destination, beside the edit's own productUpdate round
// trip in the same run. SHOPSYNC_DEMO_PRODUCTS sets the source's size
// (default 1000; `make run` seeds 10,000).
func BenchmarkDemoLiveEdit(b *testing.B) {
	products := 1000
	if v := os.Getenv("SHOPSYNC_DEMO_PRODUCTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("SHOPSYNC_DEMO_PRODUCTS=%q is not a positive number", v)
		}
		products = n
	}
	b.Setenv("DATABASE_URL", endpoints.Postgres())
	b.Setenv("CLICKHOUSE_DSN", endpoints.ClickHouse())
	b.Setenv("KAFKA_BROKERS", endpoints.LocalKafkaBrokers()[0])
	for range b.N {
		name := fmt.Sprintf("shopsync_demo_bench_%d", time.Now().UnixNano()%1_000_000_000)
		db, err := newDemoDatabases(name)
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		stateDir := b.TempDir()
		root := newRootCommand()
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs([]string{"demo", "--products", strconv.Itoa(products), "--duration", "30m", "--every", "1s",
			"--state-dir", stateDir, "--database", name})
		err = root.ExecuteContext(context.Background())
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if m := regexp.MustCompile(`(?m)^edited (\S+) in `).FindStringSubmatch(out.String()); m != nil {
			editTimeline(ctx, b, db.postgres, m[1])
		}
		if os.Getenv("SHOPSYNC_DEMO_PLANNER_LOG") != "" { // the planner's last words, to read the timeline by
			if log, err := os.ReadFile(filepath.Join(stateDir, "shopsync.log")); err == nil {
				var lines []string
				for _, l := range strings.Split(string(log), "\n") {
					if strings.Contains(l, `"msg":"planner`) {
						lines = append(lines, l)
					}
				}
				fmt.Println(strings.Join(lines[max(0, len(lines)-12):], "\n"))
			}
		}
		if derr := db.drop(ctx); derr != nil {
			b.Logf("drop the demo's databases: %v", derr)
		}
		cancel()
		if err != nil {
			b.Fatalf("demo: %v\n%s", err, lastLines(out.String(), 40))
		}
		text := out.String()
		report := func(metric, pattern string) {
			m := regexp.MustCompile(pattern).FindStringSubmatch(text)
			if m == nil {
				b.Fatalf("no %q in the demo's output:\n%s", pattern, lastLines(text, 40))
			}
			d, err := time.ParseDuration(m[1])
			if err != nil {
				b.Fatalf("%s: %v", m[1], err)
			}
			fmt.Printf("BENCH %s %.0f ms\n", metric, float64(d.Microseconds())/1000)
		}
		report("demo_live_edit_baseline_product_update", `productUpdate answered after (\S+)\)`)
		report("demo_live_edit_eu", `(?m)^  demo-eu: arrived after (\S+)$`)
		report("demo_live_edit_outlet", `(?m)^  demo-outlet: arrived after (\S+)$`)
		report("demo_in_sync_after", `(?m)^in sync after (\S+)$`)
		fmt.Printf("BENCH demo_live_edit_products %d products\n", products)
		fmt.Printf("BENCH demo_live_edit_loadavg %s load\n", testdb.LoadAverage())
	}
}

// editTimeline prints when the edit of the product with the handle passed
// each stage, from the database's records, in ms after fakeshop triggered
// its webhook.
func editTimeline(ctx context.Context, b *testing.B, url, handle string) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Logf("timeline: %v", err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		WITH p AS (SELECT p.store, p.gid FROM products p JOIN stores s ON s.domain = p.store AND s.role = 'source' WHERE p.handle = $1),
		w AS (SELECT d.triggered_at AS t0, d.received_at, d.processed_at FROM webhook_deliveries d, p
		      WHERE d.store = p.store AND d.topic = 'products/update' AND d.payload->>'admin_graphql_api_id' = p.gid
		      ORDER BY d.received_at DESC LIMIT 1)
		SELECT 'webhook_triggered ' || to_char(w.t0, 'HH24:MI:SS.MS') AS stage, 0 FROM w
		UNION ALL SELECT stage, round(extract(epoch FROM at - w.t0) * 1000)::int FROM w, LATERAL (
		  SELECT 'webhook_received' AS stage, w.received_at AS at
		  UNION ALL SELECT 'webhook_processed', w.processed_at
		  UNION ALL (SELECT 'outbox_published', o.published_at FROM change_outbox o, p
		             WHERE o.store = p.store AND o.gid = p.gid AND o.created_at >= w.t0 ORDER BY o.id LIMIT 1)
		  UNION ALL (SELECT 'planned_' || split_part(d.target_store, '.', 1), d.created_at FROM plan_deltas d, p
		             WHERE d.source_gid = p.gid AND d.created_at >= w.t0 ORDER BY d.id)
		  UNION ALL (SELECT 'applied_' || split_part(d.target_store, '.', 1), d.applied_at FROM plan_deltas d, p
		             WHERE d.source_gid = p.gid AND d.created_at >= w.t0 ORDER BY d.id)
		) s ORDER BY 2`, handle)
	if err != nil {
		b.Logf("timeline: %v", err)
		return
	}
	defer rows.Close()
	defer func() {
		// What the change topics carried in the minute before the edit.
		rows, err := conn.Query(ctx, `
			SELECT split_part(o.store, '.', 1) || ' ' || o.resource || ' ' || o.source, count(*)::int FROM change_outbox o
			WHERE o.created_at > (SELECT max(triggered_at) FROM webhook_deliveries WHERE topic = 'products/update') - interval '60 seconds'
			GROUP BY 1 ORDER BY 2 DESC LIMIT 8`)
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var what string
			var n int
			if rows.Scan(&what, &n) == nil {
				fmt.Printf("OUTBOX last minute before the edit: %s %d\n", what, n)
			}
		}
	}()
	for rows.Next() {
		var stage string
		var at *int
		if err := rows.Scan(&stage, &at); err != nil {
			b.Logf("timeline: %v", err)
			return
		}
		if at != nil {
			fmt.Printf("TIMELINE %s %d ms\n", stage, *at)
		} else {
			fmt.Printf("TIMELINE %s never\n", stage)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
