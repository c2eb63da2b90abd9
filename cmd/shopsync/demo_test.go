package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
}
