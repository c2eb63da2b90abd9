package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// lockedBuffer is an output a running command writes while the test may
// read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startShopsync runs a long-running command until the test stops it (the
// returned function cancels it and waits for its end).
func startShopsync(t *testing.T, args ...string) (output func() string, stop func() error) {
	t.Helper()
	out := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	root := newRootCommand()
	root.SetOut(out)
	root.SetErr(out)
	root.SetArgs(args)
	go func() { done <- root.ExecuteContext(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("shopsync %s did not stop within 30 s of its cancellation", args[0])
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return out.String, stop
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// scrape reads a /metrics page; "" while nothing answers yet.
func scrape(addr string) string {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// sample is the value of one series of a /metrics page, or -1 when absent.
func sample(page, series string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(page)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}

// plan --watch and apply serve their metrics on --metrics-addr while they
// run, with what they did: the planner's delta, then the applier's write,
// the cost it spent and where the destination stands.
func TestPlanAndApplyServeMetrics(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.PostgresURL(t))
	t.Setenv("CLICKHOUSE_DSN", testdb.ClickHouseDSN(t))
	srv := fakeshop.New(fakeshop.Options{})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	src := srv.AddShop(fakeshop.ShopConfig{Name: "metrics-src", Plan: cost.Plus})
	dst := srv.AddShop(fakeshop.ShopConfig{Name: "metrics-dst", Plan: cost.Standard})
	title, handle, price := "Cap", "cap", "20.00"
	_, err := src.CreateProduct(fakeshop.ProductInput{Title: &title, Handle: &handle},
		[]fakeshop.VariantInput{{OptionValues: []fakeshop.SelectedOption{{Name: "Title", Value: "Default Title"}}, Price: &price}})
	require.NoError(t, err)
	t.Setenv("TOKEN_METRICS_SRC", src.Token())
	t.Setenv("SECRET_METRICS_SRC", src.Secret())
	t.Setenv("TOKEN_METRICS_DST", dst.Token())
	t.Setenv("SECRET_METRICS_DST", dst.Secret())
	conf := filepath.Join(t.TempDir(), "shopsync.yaml")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(`stores:
  - {name: src, domain: %s, role: source, plan: plus, endpoint: %s, token_env: TOKEN_METRICS_SRC, webhook_secret_env: SECRET_METRICS_SRC}
  - {name: dst, domain: %s, role: destination, endpoint: %s, token_env: TOKEN_METRICS_DST, webhook_secret_env: SECRET_METRICS_DST}
links:
  - {source: src, destination: dst, match_key: handle}
`, src.Domain(), srv.GraphQLURL(src.Name()), dst.Domain(), srv.GraphQLURL(dst.Name()))), 0o600))
	out, err := runShopsync(t, "ingest", "--config", conf, "--once", "--no-relay", "--listen", "", "--family", "products")
	require.NoError(t, err, out)
	dest := dst.Domain()

	// The planner's full plan at start writes the create; its metrics say so.
	addr := freeAddr(t)
	planOut, stopPlan := startShopsync(t, "plan", "--watch", "--every", "1h", "--metrics-addr", addr)
	var page string
	require.Eventually(t, func() bool {
		page = scrape(addr)
		return sample(page, fmt.Sprintf(`shopsync_planner_deltas_total{destination=%q,operation="create"}`, dest)) == 1
	}, 60*time.Second, 100*time.Millisecond, "planner metrics at %s:\n%s\n%s", addr, page, planOut())
	require.Equal(t, float64(1), sample(page, `shopsync_planner_plan_seconds_count{kind="full"}`))
	require.Equal(t, float64(0), sample(page, fmt.Sprintf(`shopsync_planner_conflicts{destination=%q}`, dest)))
	require.Contains(t, page, "go_goroutines ")
	require.NoError(t, stopPlan(), planOut())

	// The applier writes it; the counters and the gauges read from the plan
	// show it, and the destination's budget as the writes reported it.
	addr = freeAddr(t)
	applyOut, stopApply := startShopsync(t, "apply", "--config", conf, "--metrics-addr", addr)
	require.Eventually(t, func() bool {
		page = scrape(addr)
		return sample(page, fmt.Sprintf(`shopsync_applier_deltas_total{destination=%q,status="applied"}`, dest)) == 1 &&
			sample(page, fmt.Sprintf(`shopsync_applier_pending_deltas{destination=%q}`, dest)) == 0 &&
			sample(page, fmt.Sprintf(`shopsync_applier_budget_capacity_points{destination=%q}`, dest)) > 0
	}, 60*time.Second, 100*time.Millisecond, "applier metrics at %s:\n%s\n%s", addr, page, applyOut())
	require.NotNil(t, dst.ProductByHandle("cap"))
	require.Equal(t, float64(1), sample(page, "shopsync_applier_status_up"))
	require.Equal(t, float64(0), sample(page, fmt.Sprintf(`shopsync_applier_lag_seconds{destination=%q}`, dest)))
	require.Equal(t, float64(cost.Standard.Capacity), sample(page, fmt.Sprintf(`shopsync_applier_budget_capacity_points{destination=%q}`, dest)))
	require.Equal(t, float64(cost.Standard.RestoreRate), sample(page, fmt.Sprintf(`shopsync_applier_budget_restore_rate_points{destination=%q}`, dest)))
	require.Greater(t, sample(page, fmt.Sprintf(`shopsync_shopify_cost_points_total{shop=%q}`, dest)), 0.0)
	require.Greater(t, sample(page, fmt.Sprintf(`shopsync_applier_requests_total{destination=%q}`, dest)), 0.0)
	require.Greater(t, sample(page, `shopsync_audit_rows_total{status="recorded"}`), 0.0)
	require.NotContains(t, page, dst.Token())
	require.NoError(t, stopApply(), applyOut())
	require.False(t, strings.Contains(applyOut(), dst.Token()), "a token in the output")
}
