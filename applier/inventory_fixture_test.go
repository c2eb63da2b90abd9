package applier_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/ingest/apply"
	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// inventoryPipeline is the whole inventory path around the fixture's shops:
// fakeshop's webhooks into the real inbox and processor (so duplicates,
// delays and reordering reach the mirror as they would in production), a
// planner planning every planEvery, and an applier writing to every store.
type inventoryPipeline struct {
	f      *fixture
	cancel context.CancelFunc
	wg     sync.WaitGroup
	errs   chan error
	app    *applier.Applier
	mu     sync.Mutex
	first  error
	// reg holds the applier's metrics and the inventory collector.
	reg *prometheus.Registry
}

type pipelineOptions struct {
	mode      string // one_way or two_way
	planEvery time.Duration
	faults    fakeshop.Faults
	// production, when set, runs the components as a user runs them
	// (inventory_latency_test.go): its configs, and its planner in place of
	// the periodic one.
	production *productionPath
}

// startInventoryPipeline subscribes every shop's inventory webhooks to a
// receiver, then runs the processor, the periodic planner and the applier
// until the test ends. The shops must be snapshotted and planned once
// before (the pairs the inventory sync follows are the planner's).
func startInventoryPipeline(t testing.TB, f *fixture, o pipelineOptions) *inventoryPipeline {
	t.Helper()
	f.exec(`UPDATE links SET inventory_mode = $1`, o.mode)
	p := &inventoryPipeline{f: f, errs: make(chan error, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel

	secrets := map[string][]string{}
	shops := append([]*fakeshop.Shop{f.src}, f.dsts...)
	for _, sh := range shops {
		secrets[sh.Domain()] = []string{sh.Secret()}
	}
	ss, err := webhooks.NewStaticSecrets(secrets)
	require.NoError(t, err)
	rcfg := webhooks.DefaultReceiverConfig()
	rcfg.Logger = slog.New(slog.DiscardHandler)
	rc, err := webhooks.NewReceiver(f.pool, ss, rcfg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle(webhooks.Path, rc)
	srv := httptest.NewServer(mux)
	for _, sh := range shops {
		for _, topic := range []string{"INVENTORY_LEVELS_UPDATE", "INVENTORY_LEVELS_CONNECT"} {
			_, err := sh.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: topic, URI: srv.URL + webhooks.Path, APIVersion: "2026-01"})
			require.NoError(t, err)
		}
		require.NoError(t, sh.SetFaults(o.faults))
	}
	pcfg := webhooks.DefaultProcessorConfig()
	if o.production == nil {
		pcfg.PollInterval = 50 * time.Millisecond
	}
	pcfg.Logger = slog.New(slog.DiscardHandler)
	proc, err := webhooks.NewProcessor(f.pool, apply.New(f.mirror, nil), pcfg)
	require.NoError(t, err)

	acfg := f.config()
	if o.production != nil {
		acfg = o.production.applierConfig()
	}
	p.reg = prometheus.NewRegistry()
	acfg.Metrics, err = applier.NewMetrics(p.reg)
	require.NoError(t, err)
	p.reg.MustRegister(applier.NewInventoryCollector(f.pool))
	acfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p.app = f.applier(acfg)
	run := func(name string, fn func(context.Context) error) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := fn(ctx); err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
				p.errs <- errors.New(name + ": " + err.Error())
			}
		}()
	}
	run("processor", proc.Run)
	if o.production != nil {
		o.production.start(t, run)
	} else {
		run("planner", func(ctx context.Context) error { return f.planner.RunPeriodic(ctx, o.planEvery) })
	}
	run("applier", p.app.Run)
	// Stopped before the fakeshop server closes (registered later, so run
	// earlier): deliveries still in flight go nowhere.
	t.Cleanup(func() {
		cancel()
		p.wg.Wait()
		srv.Close()
	})
	return p
}

// failed reports a component's error, if any stopped with one.
func (p *inventoryPipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first == nil {
		select {
		case p.first = <-p.errs:
		default:
		}
	}
	return p.first
}

// available is a level's available quantity in a fakeshop shop.
func available(sh *fakeshop.Shop, itemID, locationID int64) int {
	l := sh.InventoryLevel(itemID, locationID)
	if l == nil {
		return -1
	}
	return l.Quantity(fakeshop.QtyAvailable)
}

// metric sums a gathered metric family's values (a histogram's sample
// counts), over every label; -1 when the family is missing.
func (p *inventoryPipeline) metric(t testing.TB, name string) float64 {
	t.Helper()
	mfs, err := p.reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		sum := 0.0
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetGauge() != nil:
				sum += m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				sum += m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
		return sum
	}
	return -1
}
