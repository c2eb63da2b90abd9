package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// The `make run` path, headless and bounded: the demo seeds a small source,
// syncs it to both destinations through ingest, Kafka (the real broker),
// planner and applier, proves zero drift through the mirror and the Admin
// API, counts audit rows in ClickHouse, and sees a live edit of the source
// reach both destinations.
func TestDemoHeadlessSyncsAndVerifies(t *testing.T) {
	// The demo points DATABASE_URL and CLICKHOUSE_DSN at its own databases;
	// t.Setenv puts them back afterwards.
	t.Setenv("DATABASE_URL", endpoints.Postgres())
	t.Setenv("CLICKHOUSE_DSN", endpoints.ClickHouse())
	t.Setenv("KAFKA_BROKERS", endpoints.LocalKafkaBrokers()[0]) // the real broker, never the embedded one
	name := fmt.Sprintf("shopsync_demo_test_%d", time.Now().UnixNano()%1_000_000_000)
	db, err := newDemoDatabases(name)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		require.NoError(t, db.drop(ctx))
	})

	out, err := runShopsync(t, "demo", "--products", "300", "--duration", "8m", "--every", "1s",
		"--state-dir", t.TempDir(), "--database", name)
	require.NoError(t, err, out)
	require.Contains(t, out, "demo-source has 300 products")
	require.Regexp(t, `(?m)^in sync after `, out)
	require.Regexp(t, `(?m)^demo-eu\.myshopify\.com <- demo-source\.myshopify\.com \(link \d+, match by handle\)$`, out)
	require.Regexp(t, `(?m)^demo-outlet\.myshopify\.com <- demo-source\.myshopify\.com \(link \d+, match by sku\)$`, out)
	require.Regexp(t, `(?m)^  via mirror [1-9]\d* products, [1-9]\d* variants, [1-9]\d* stock levels compared, \d+ held back by conflicts: no drift$`, out)
	require.Regexp(t, `(?m)^  via api    [1-9]\d* products, [1-9]\d* variants, [1-9]\d* stock levels compared, \d+ held back by conflicts: no drift$`, out)
	require.Contains(t, out, "\nverify: no drift\n")
	m := regexp.MustCompile(`(?m)^audit: (\d+) rows written to ClickHouse`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	rows, _ := strconv.Atoi(m[1])
	require.Positive(t, rows, "audit rows in ClickHouse")
	require.Regexp(t, `(?m)^  demo-eu: arrived after `, out)
	require.Regexp(t, `(?m)^  demo-outlet: arrived after `, out)

	// Every product create went through (stocking its variants), none
	// failed: a create planned again while the first was under way is
	// superseded, not refused as a handle conflict.
	pool, err := pgxpool.New(context.Background(), db.postgres)
	require.NoError(t, err)
	defer pool.Close()
	var created, failed int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status = 'applied'),
		count(*) FILTER (WHERE status = 'failed') FROM plan_deltas WHERE operation = 'create'`).Scan(&created, &failed))
	require.Positive(t, created)
	require.Zero(t, failed, "failed creates")
}

// The progress shows the rate of applied deltas between two looks: what a
// user waiting for the first sync can extrapolate from.
func TestDemoProgressRate(t *testing.T) {
	look := func(applied ...int64) demoProgress {
		p := demoProgress{}
		for i, n := range applied {
			p.Dests = append(p.Dests, applier.DestinationStatus{Store: fmt.Sprintf("demo-%d.myshopify.com", i), Applied: n})
		}
		return p
	}
	first := look(0, 0)
	first.rateSince(demoProgress{}, 0)
	require.Zero(t, first.AppliedPerSecond, "no rate before a second look")
	next := look(30, 10)
	next.rateSince(first, 2*time.Second)
	require.InDelta(t, 20.0, next.AppliedPerSecond, 1e-9)
	require.Contains(t, next.line(time.Minute, "demo-source.myshopify.com"), "planned 40 applied 40 (20/s) pending 0 |")
	next.Dests[0].Superseded = 7
	require.Contains(t, next.line(time.Minute, "demo-source.myshopify.com"), "planned 47 applied 40 (20/s) pending 0 superseded 7 |")
}
