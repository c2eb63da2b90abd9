package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// syncBuffer is a bytes.Buffer safe to write from the command's goroutines
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// shopsync run syncs a source to a destination with ingest, planner and
// applier in one process, serves every component's metrics on one /metrics
// and /healthz, and stops cleanly when its context ends (Ctrl-C).
func TestRunSyncsServesMetricsAndStops(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.PostgresURL(t))
	t.Setenv("CLICKHOUSE_DSN", testdb.ClickHouseDSN(t))
	t.Setenv("KAFKA_BROKERS", endpoints.LocalKafkaBrokers()[0])
	srv := fakeshop.New(fakeshop.Options{})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	src := srv.AddShop(fakeshop.ShopConfig{Name: "run-src", Plan: cost.Plus})
	dst := srv.AddShop(fakeshop.ShopConfig{Name: "run-dst", Plan: cost.Plus})
	_, err := fakeshop.Seed(src, fakeshop.SeedConfig{Seed: 5, Products: 8})
	require.NoError(t, err)
	dir := t.TempDir()
	for _, sh := range []*fakeshop.Shop{src, dst} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, sh.Name()+".token"), []byte(sh.Token()), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, sh.Name()+".secret"), []byte(sh.Secret()), 0o600))
	}
	conf := filepath.Join(dir, "shopsync.yaml")
	store := func(name, role string, sh *fakeshop.Shop) string {
		return fmt.Sprintf("  - {name: %s, domain: %s, role: %s, plan: plus, endpoint: %s, token_file: %s, webhook_secret_file: %s}\n",
			name, sh.Domain(), role, srv.GraphQLURL(sh.Name()), filepath.Join(dir, sh.Name()+".token"), filepath.Join(dir, sh.Name()+".secret"))
	}
	require.NoError(t, os.WriteFile(conf, []byte("stores:\n"+store("src", "source", src)+store("dst", "destination", dst)+
		"links:\n  - {source: src, destination: dst, match_key: handle}\n"), 0o600))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runRun(ctx, &logs, runOptions{config: conf, listen: "127.0.0.1:0", planEvery: time.Minute, inFlight: 2})
	}()
	addrPattern := regexp.MustCompile(`"msg":"shopsync run: serving webhooks, /metrics and /healthz","addr":"([^"]+)"`)
	var addr string
	require.Eventually(t, func() bool {
		if m := addrPattern.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
			return true
		}
		return false
	}, time.Minute, 50*time.Millisecond, "run never served: %s", logs.String())

	require.Eventually(t, func() bool { return len(dst.Products()) == len(src.Products()) }, 3*time.Minute, 100*time.Millisecond,
		"the destination never got the source's products: %s", logs.String())

	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}
	require.Equal(t, "ok\n", get("/healthz"))
	require.Eventually(t, func() bool {
		metrics := get("/metrics")
		for _, name := range []string{
			"shopsync_ingest_snapshot_rows_total", "shopsync_mirror_rows_total", // ingest
			"shopsync_planner_plan_seconds_count", "shopsync_planner_deltas_total", // planner
			"shopsync_applier_deltas_total", "shopsync_applier_pending_deltas", "shopsync_audit_rows_total", // applier
			"shopsync_shopify_requests_total", "go_goroutines",
		} {
			if !strings.Contains(metrics, "\n"+name) {
				t.Logf("not yet on /metrics: %s", name)
				return false
			}
		}
		return true
	}, time.Minute, 200*time.Millisecond)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "run stops without an error when interrupted")
	case <-time.After(time.Minute):
		t.Fatalf("run did not stop within a minute of its interruption: %s", logs.String())
	}
}
