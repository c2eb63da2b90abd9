package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest"
	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// subscribe subscribes the shop to every topic shopsync follows, delivered
// to addr.
func (f *fixture) subscribe(addr string) {
	f.t.Helper()
	for topic, info := range webhooks.Topics {
		if info.Family == "" && topic != "app/uninstalled" {
			continue
		}
		enum := strings.ToUpper(strings.ReplaceAll(topic, "/", "_"))
		_, err := f.shop.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: enum, URI: "http://" + addr + webhooks.Path})
		require.NoError(f.t, err, topic)
	}
}

// service starts an ingest Service for the fixture's shop; stop (also run
// when the test ends) stops it and waits for it.
func (f *fixture) service(cfg ingest.Config) (svc *ingest.Service, stop func()) {
	f.t.Helper()
	cfg.Stores = []ingest.Store{{Domain: f.shop.Domain(), Client: f.client, WebhookSecrets: []string{f.shop.Secret()}}}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Snapshot.SpillDir == "" {
		cfg.Snapshot.SpillDir = f.t.TempDir()
	}
	var err error
	svc, err = ingest.New(f.pool, cfg)
	require.NoError(f.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(f.t, <-done)
		})
	}
	f.stops = append(f.stops, stop)
	f.t.Cleanup(stop)
	return svc, stop
}

// requireMetrics fails unless the service's /metrics has every line prefix.
func (f *fixture) requireMetrics(addr string, prefixes ...string) {
	f.t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(f.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	for _, p := range prefixes {
		require.Contains(f.t, string(body), "\n"+p, "metric %s", p)
	}
}

// stopServices stops every service the fixture started.
func (f *fixture) stopServices() {
	for _, stop := range f.stops {
		stop()
	}
}

// eventuallyMirrored waits until the mirror equals the shop (but for
// updated_at bumps, see diff), failing with the last difference.
func (f *fixture) eventuallyMirrored(ctx context.Context, within time.Duration) {
	f.t.Helper()
	var last []string
	var lastTotal int
	ok := assertEventually(within, func() bool {
		last, lastTotal, _ = f.mirrorDiff(ctx, true)
		return lastTotal == 0
	})
	if !ok {
		f.t.Fatalf("the mirror still differs from the shop in %d places; first ones:\n%s", lastTotal, strings.Join(last, "\n"))
	}
	f.requireMirroredAfterChanges(ctx)
}

// assertEventually polls cond every 100 ms until it holds or within passes.
func assertEventually(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
}

// A stream of changes delivered as webhooks with duplicates, drops, delays
// and reordering turned on ends with the mirror equal to the shop: the
// inbox drops duplicates, the mirror ignores payloads older than its rows,
// and reconcile passes catch what was dropped. Deletions whose webhooks
// were dropped leave nothing a reconcile pass can find; the periodic full
// snapshot catches them.
func TestStreamWithFaultsAndReconciliation(t *testing.T) {
	f := newFixture(t, fakeshop.Options{Seed: 5, Webhooks: fakeshop.WebhookOptions{RetrySchedule: []time.Duration{10 * time.Millisecond}}},
		fakeshop.SeedConfig{Seed: 31, Products: 40})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// Webhooks and reconcile passes, no periodic snapshot.
	svc, stop := f.service(ingest.Config{Listen: "127.0.0.1:0", ReconcileInterval: 500 * time.Millisecond})
	addr, ok := svc.Addr(ctx)
	require.True(t, ok)
	f.eventuallyMirrored(ctx, time.Minute) // the first start's snapshot
	f.requireMetrics(addr, "shopsync_ingest_snapshot_rows_total{family=\"products\"}",
		"shopsync_ingest_snapshot_seconds_count{family=\"orders\"}",
		"shopsync_ingest_runs_total{family=\"content\",kind=\"snapshot\",status=\"completed\"} 1")
	f.subscribe(addr)
	require.NoError(t, f.shop.SetFaults(fakeshop.Faults{
		WebhookDropRate: 0.15, WebhookDuplicateRate: 0.2,
		WebhookDelayRate: 0.2, WebhookMaxDelay: 300 * time.Millisecond,
		WebhookReorderRate: 0.2, WebhookReorderWindow: 200 * time.Millisecond,
	}))
	ch := newChanger(f, 7)
	ch.update(150)
	require.NoError(t, f.srv.FlushWebhooks(ctx))
	f.eventuallyMirrored(ctx, 2*time.Minute)

	var fromWebhooks, fromReconcile int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE source = 'webhook'), count(*) FILTER (WHERE source = 'reconcile')
		FROM change_outbox`).Scan(&fromWebhooks, &fromReconcile))
	t.Logf("changes applied: %d from webhooks, %d from reconcile passes (dropped webhooks)", fromWebhooks, fromReconcile)
	require.Positive(t, fromWebhooks)
	require.Positive(t, fromReconcile, "with 15 %% of the webhooks dropped, reconcile must have caught some")

	// Deletions; the ones whose webhooks were dropped stay live in the
	// mirror, whatever reconcile passes run.
	ch.remove(20)
	require.NoError(t, f.srv.FlushWebhooks(ctx))
	stop()

	// A periodic full snapshot tombstones them.
	f.service(ingest.Config{Listen: "127.0.0.1:0", ReconcileInterval: 500 * time.Millisecond, SnapshotInterval: time.Second})
	f.eventuallyMirrored(ctx, 2*time.Minute)
	var bulkDeletes int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM change_outbox WHERE source = 'bulk' AND operation = 'delete'`).Scan(&bulkDeletes))
	t.Logf("deletions caught by the periodic snapshot: %d rows", bulkDeletes)
}
