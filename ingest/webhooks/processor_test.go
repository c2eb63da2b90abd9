package webhooks_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
)

// recorder is a test Applier: it records every call and answers with fn
// (Processed when nil). It is the seam where the mirror's applier goes, so
// the services around it stay real.
type recorder struct {
	mu    sync.Mutex
	calls []webhooks.Delivery
	fn    func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error)
}

func (r *recorder) Apply(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
	r.mu.Lock()
	r.calls = append(r.calls, d)
	r.mu.Unlock()
	if r.fn == nil {
		return webhooks.Processed, nil
	}
	return r.fn(ctx, tx, d)
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.calls))
	for i, d := range r.calls {
		out[i] = d.WebhookID
	}
	return out
}

func processorConfig(f *fixture) webhooks.ProcessorConfig {
	cfg := webhooks.DefaultProcessorConfig()
	cfg.Logger, cfg.Metrics = f.logger, f.metrics
	return cfg
}

func newProcessor(t *testing.T, f *fixture, a webhooks.Applier, configure ...func(*webhooks.ProcessorConfig)) *webhooks.Processor {
	t.Helper()
	cfg := processorConfig(f)
	for _, c := range configure {
		c(&cfg)
	}
	p, err := webhooks.NewProcessor(f.pool, a, cfg)
	require.NoError(t, err)
	return p
}

// store sends d and requires it to be stored.
func (f *fixture) store(d delivery) string {
	f.t.Helper()
	d = d.withDefaults()
	got := f.send(d)
	require.Equal(f.t, http.StatusOK, got.status, got.body)
	return d.id
}

// storeDomain records an applier's write: a row in stores named after the
// delivery, through the transaction the processor handed over.
func storeDomain(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) error {
	_, err := tx.Exec(ctx, "INSERT INTO stores (domain, role) VALUES ($1, 'destination')", strings.ToLower(d.WebhookID)+".example")
	return err
}

func (f *fixture) storesWritten() int {
	f.t.Helper()
	var n int
	require.NoError(f.t, f.pool.QueryRow(context.Background(), "SELECT count(*) FROM stores WHERE domain LIKE '%.example'").Scan(&n))
	return n
}

func TestProcessorClaimsInTriggerOrderAndMarksOutcomes(t *testing.T) {
	f := newFixture(t)
	base := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	late := f.store(delivery{triggeredAt: base.Add(3 * time.Minute)})
	early := f.store(delivery{triggeredAt: base.Add(1 * time.Minute), topic: "products/delete", body: `{"id":788032119674292922}`})
	middle := f.store(delivery{triggeredAt: base.Add(2 * time.Minute), shop: shopB, secret: secretB})
	ignoredTopic := f.store(delivery{topic: "customers/redact"}) // stored as ignored: never handed over

	rec := &recorder{fn: func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
		if err := storeDomain(ctx, tx, d); err != nil {
			return 0, err
		}
		if d.Store == shopB {
			return webhooks.Ignored, nil // say, stale
		}
		return webhooks.Processed, nil
	}}
	n, err := newProcessor(t, f, rec).ProcessBatch(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{early, middle, late}, rec.ids(), "oldest X-Shopify-Triggered-At first")

	first := rec.calls[0]
	assert.Equal(t, shopA, first.Store)
	assert.Equal(t, "products/delete", first.Topic)
	assert.True(t, first.Tombstone(), "a delete topic tombstones")
	assert.Equal(t, "products", first.TopicInfo().Family)
	assert.Equal(t, "2026-01", first.APIVersion)
	assert.Zero(t, first.Attempts)
	assert.JSONEq(t, `{"id":788032119674292922}`, string(first.Payload))
	assert.False(t, rec.calls[2].Tombstone())

	for id, status := range map[string]string{early: webhooks.StatusProcessed, late: webhooks.StatusProcessed, middle: webhooks.StatusIgnored} {
		r := f.row(id)
		assert.Equal(t, status, r.Status, id)
		assert.Equal(t, 1, r.Attempts)
		assert.NotNil(t, r.ProcessedAt)
		assert.Nil(t, r.Error)
	}
	assert.Zero(t, f.row(ignoredTopic).Attempts)
	assert.Equal(t, 3, f.storesWritten(), "the applier's writes committed with the marks")

	n, err = newProcessor(t, f, rec).ProcessBatch(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left")
	assert.Equal(t, 2.0, counter(t, f.reg, "shopsync_webhook_applied_total", map[string]string{"outcome": webhooks.ApplyProcessed, "topic": "products/update"})+
		counter(t, f.reg, "shopsync_webhook_applied_total", map[string]string{"outcome": webhooks.ApplyProcessed, "topic": "products/delete"}))
}

func TestProcessorRetriesAFailedDeliveryWithBackoff(t *testing.T) {
	f := newFixture(t)
	failing := f.store(delivery{})
	fine := f.store(delivery{})
	fail := true
	var mu sync.Mutex
	rec := &recorder{fn: func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
		// The failing call writes first: its write must be rolled back.
		if err := storeDomain(ctx, tx, d); err != nil {
			return 0, err
		}
		mu.Lock()
		defer mu.Unlock()
		if d.WebhookID == failing && fail {
			fail = false
			return 0, errors.New("variant's product not in the mirror yet")
		}
		return webhooks.Processed, nil
	}}
	p := newProcessor(t, f, rec, func(c *webhooks.ProcessorConfig) {
		c.Retry = webhooks.RetryPolicy{Initial: time.Second, Max: time.Second}
	})
	n, err := p.ProcessBatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, n)

	r := f.row(failing)
	assert.Equal(t, webhooks.StatusFailed, r.Status)
	assert.Equal(t, 1, r.Attempts)
	require.NotNil(t, r.Error)
	assert.Equal(t, "variant's product not in the mirror yet", *r.Error)
	assert.Nil(t, r.ProcessedAt)
	assert.Equal(t, webhooks.StatusProcessed, f.row(fine).Status, "one failure does not fail the batch")
	assert.Equal(t, 1, f.storesWritten(), "the failed attempt's write was rolled back")

	n, err = p.ProcessBatch(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "not retried before its backoff")

	require.Eventually(t, func() bool {
		n, err := p.ProcessBatch(context.Background())
		require.NoError(t, err)
		return n == 1
	}, 10*time.Second, 50*time.Millisecond)
	r = f.row(failing)
	assert.Equal(t, webhooks.StatusProcessed, r.Status)
	assert.Equal(t, 2, r.Attempts)
	assert.Nil(t, r.Error, "the error is cleared once it applies")
	assert.Equal(t, 1, rec.calls[len(rec.calls)-1].Attempts, "the applier sees the earlier attempts")
	assert.Equal(t, 2, f.storesWritten())
	assert.Equal(t, 1.0, counter(t, f.reg, "shopsync_webhook_applied_total", map[string]string{"outcome": webhooks.ApplyFailed}))
}

func TestProcessorGivesUpAfterMaxAttempts(t *testing.T) {
	f := newFixture(t)
	id := f.store(delivery{})
	p := newProcessor(t, f, webhooks.ApplierFunc(func(context.Context, pgx.Tx, webhooks.Delivery) (webhooks.Outcome, error) {
		return 0, errors.New("payload names a location that does not exist")
	}), func(c *webhooks.ProcessorConfig) { c.MaxAttempts = 1 })
	_, err := p.ProcessBatch(context.Background())
	require.NoError(t, err)
	r := f.row(id)
	assert.Equal(t, webhooks.StatusIgnored, r.Status)
	assert.NotNil(t, r.ProcessedAt)
	require.NotNil(t, r.Error)
	assert.Contains(t, *r.Error, "gave up after 1 attempts")
	assert.Equal(t, 1.0, counter(t, f.reg, "shopsync_webhook_applied_total", map[string]string{"outcome": webhooks.ApplyGaveUp}))
}

func TestProcessorSurvivesAPanickingOrCarelessApplier(t *testing.T) {
	f := newFixture(t)
	panics := f.store(delivery{})
	aborts := f.store(delivery{})
	invalid := f.store(delivery{})
	fine := f.store(delivery{})
	p := newProcessor(t, f, webhooks.ApplierFunc(func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
		switch d.WebhookID {
		case panics:
			panic("nil map in the mirror")
		case aborts:
			_, _ = tx.Exec(ctx, "SELECT 1/0") // the error swallowed, the transaction aborted
			return webhooks.Processed, nil
		case invalid:
			return 0, nil
		}
		return webhooks.Processed, storeDomain(ctx, tx, d)
	}))
	n, err := p.ProcessBatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 4, n)
	for id, want := range map[string]string{panics: "panicked", aborts: "aborted", invalid: "invalid outcome"} {
		r := f.row(id)
		assert.Equal(t, webhooks.StatusFailed, r.Status, id)
		require.NotNil(t, r.Error)
		assert.Contains(t, *r.Error, want)
	}
	assert.Equal(t, webhooks.StatusProcessed, f.row(fine).Status)
	assert.Equal(t, 1, f.storesWritten())
}

func TestTwoProcessorsNeverClaimTheSameDelivery(t *testing.T) {
	f := newFixture(t)
	const total = 60
	for range total {
		f.store(delivery{})
	}
	batch := func(c *webhooks.ProcessorConfig) { c.BatchSize = 10 }

	// A claims a batch and holds it, blocked in its applier, while B claims.
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	recA := &recorder{fn: func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
		once.Do(func() {
			close(holding)
			<-release
		})
		return webhooks.Processed, storeDomain(ctx, tx, d)
	}}
	recB := &recorder{fn: func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
		return webhooks.Processed, storeDomain(ctx, tx, d)
	}}
	a, b := newProcessor(t, f, recA, batch), newProcessor(t, f, recB, batch)

	done := make(chan error, 1)
	go func() {
		_, err := a.ProcessBatch(context.Background())
		done <- err
	}()
	<-holding
	n, err := b.ProcessBatch(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 10, n, "B skipped A's locked rows and took others")
	close(release)
	require.NoError(t, <-done)
	assert.NotContains(t, recB.ids(), recA.ids()[0])

	// Now both drain the rest concurrently.
	var wg sync.WaitGroup
	for _, p := range []*webhooks.Processor{a, b} {
		wg.Go(func() {
			for {
				n, err := p.ProcessBatch(context.Background())
				if !assert.NoError(t, err) || n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()

	seen := map[string]int{}
	for _, id := range append(recA.ids(), recB.ids()...) {
		seen[id]++
	}
	assert.Len(t, seen, total)
	for id, n := range seen {
		assert.Equal(t, 1, n, "delivery %s applied %d times", id, n)
	}
	assert.Equal(t, total, f.storesWritten())
	var pending int
	require.NoError(t, f.pool.QueryRow(context.Background(), "SELECT count(*) FROM webhook_deliveries WHERE status <> 'processed' OR attempts <> 1").Scan(&pending))
	assert.Zero(t, pending)
}

func TestRunWakesOnNotificationAndStopsOnCancel(t *testing.T) {
	f := newFixture(t)
	rec := &recorder{}
	// An hour between polls: only a notification can wake it in time.
	p := newProcessor(t, f, rec, func(c *webhooks.ProcessorConfig) { c.PollInterval = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- p.Run(ctx) }()

	first := f.store(delivery{})
	require.Eventually(t, func() bool { return f.row(first).Status == webhooks.StatusProcessed }, 10*time.Second, 20*time.Millisecond)
	// The first may have been caught by the start-up pass, the second by the
	// catch-up pass the listener makes once its LISTEN is in place; after
	// that, only the notification can bring the third in time.
	for range 2 {
		id := f.store(delivery{})
		require.Eventually(t, func() bool { return f.row(id).Status == webhooks.StatusProcessed }, 10*time.Second, 20*time.Millisecond)
	}

	cancel()
	select {
	case err := <-stopped:
		require.NoError(t, err, "cancellation is a clean stop")
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunRetriesWhenTheBackoffEnds(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	failures := 2
	p := newProcessor(t, f, webhooks.ApplierFunc(func(context.Context, pgx.Tx, webhooks.Delivery) (webhooks.Outcome, error) {
		mu.Lock()
		defer mu.Unlock()
		if failures > 0 {
			failures--
			return 0, errors.New("not yet")
		}
		return webhooks.Processed, nil
	}), func(c *webhooks.ProcessorConfig) {
		c.PollInterval = time.Hour // the retry timer, not the poll, must bring it back
		c.Retry = webhooks.RetryPolicy{Initial: 50 * time.Millisecond, Max: 100 * time.Millisecond}
	})
	id := f.store(delivery{})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- p.Run(ctx) }()
	defer func() {
		cancel()
		require.NoError(t, <-stopped)
	}()
	require.Eventually(t, func() bool { return f.row(id).Status == webhooks.StatusProcessed }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, 3, f.row(id).Attempts)
}

func TestPendingGaugeCountsWhatWaits(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		f.store(delivery{})
	}
	p := newProcessor(t, f, webhooks.ApplierFunc(func(context.Context, pgx.Tx, webhooks.Delivery) (webhooks.Outcome, error) {
		return 0, errors.New("down")
	}), func(c *webhooks.ProcessorConfig) { c.BatchSize = 2 })
	_, err := p.ProcessBatch(context.Background())
	require.NoError(t, err)
	families, err := f.reg.Gather()
	require.NoError(t, err)
	var pending float64 = -1
	for _, fam := range families {
		if fam.GetName() == "shopsync_webhook_pending" {
			pending = fam.GetMetric()[0].GetGauge().GetValue()
		}
	}
	assert.Equal(t, 3.0, pending, "two failed and one never claimed all wait")
}

func TestRetryPolicy(t *testing.T) {
	p := webhooks.RetryPolicy{Initial: time.Second, Max: 10 * time.Second}
	for attempts, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 500: 10 * time.Second} {
		assert.Equal(t, want, p.Delay(attempts), "after %d attempts", attempts)
	}
	p.Jitter = 0.5
	for range 100 {
		d := p.Delay(1)
		assert.GreaterOrEqual(t, d, 500*time.Millisecond)
		assert.LessOrEqual(t, d, 1500*time.Millisecond)
	}
	assert.Error(t, webhooks.RetryPolicy{}.Validate())
	assert.NoError(t, webhooks.DefaultRetryPolicy().Validate())
}
