package fakeshop

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// webhookDispatcher delivers every shop's webhooks. It listens to each
// shop's changes (OnChange), builds the payload and queues one delivery per
// matching subscription on the change's goroutine, and leaves the HTTP to
// per-shop workers, so a change never waits for a receiver.
type webhookDispatcher struct {
	opts   WebhookOptions
	log    *slog.Logger
	format payloadFormat
	client *http.Client
	stats  webhookCounters

	// ctx is cancelled by close, aborting requests in flight.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // workers

	mu      sync.Mutex
	closed  bool
	queues  []*shopQueue
	pending int           // unfinished deliveries of every shop
	idle    chan struct{} // closed when pending drops to 0
}

func newWebhookDispatcher(opts WebhookOptions, log *slog.Logger) *webhookDispatcher {
	opts = opts.withDefaults()
	transport := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: opts.ConnectTimeout}).DialContext,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   opts.Workers,
		IdleConnTimeout:       30 * time.Second,
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &webhookDispatcher{
		opts:   opts,
		log:    log,
		format: payloadFormat{loc: opts.Location},
		client: &http.Client{
			Transport: transport,
			Timeout:   opts.Timeout,
			// A redirect is not a 2xx: Shopify counts it as a failed
			// delivery (UNVERIFIED), and following it would hide a
			// misconfigured endpoint.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx:    ctx,
		cancel: cancel,
	}
}

// attach makes the dispatcher deliver a shop's changes.
func (d *webhookDispatcher) attach(shop *Shop) {
	q := &shopQueue{d: d, shop: shop, timers: map[*time.Timer]*delivery{}}
	q.cond.L = &q.mu
	d.mu.Lock()
	q.closed = d.closed
	d.queues = append(d.queues, q)
	d.mu.Unlock()
	shop.OnChange(q.onChange)
}

// onChange queues the change's deliveries. It runs on the goroutine that
// made the change and does no I/O.
func (q *shopQueue) onChange(c Change) {
	enum, ok := topicEnum(c.Topic)
	if !ok {
		return
	}
	subs := q.shop.subscriptionsFor(enum)
	if len(subs) == 0 {
		return
	}
	d := q.d
	payload, ok := d.format.payload(c)
	if !ok {
		d.log.Warn("fakeshop webhooks: no payload for change", "shop", q.shop.name, "topic", c.Topic, "resource", fmt.Sprintf("%T", c.Resource))
		return
	}
	full, err := json.Marshal(payload)
	if err != nil {
		d.log.Error("fakeshop webhooks: encoding payload", "shop", q.shop.name, "topic", c.Topic, "err", err)
		return
	}
	for _, sub := range subs {
		if !httpEndpoint(sub.URI) || (sub.Format != "" && sub.Format != "JSON") {
			d.log.Debug("fakeshop webhooks: subscription not deliverable (only JSON over HTTP(S) is emulated)", "shop", q.shop.name, "subscription", sub.ID)
			continue
		}
		body := full
		if len(sub.IncludeFields) > 0 {
			if body, err = json.Marshal(includeFields(payload, sub.IncludeFields)); err != nil {
				d.log.Error("fakeshop webhooks: encoding payload", "shop", q.shop.name, "topic", c.Topic, "err", err)
				continue
			}
		}
		q.admit(&delivery{
			subID:       sub.ID,
			uri:         sub.URI,
			name:        sub.Name,
			topic:       c.Topic,
			body:        body,
			webhookID:   newUUID(),
			eventID:     eventUUID(c.EventID),
			triggeredAt: c.At,
		})
	}
}

// begin counts n new unfinished deliveries.
func (d *webhookDispatcher) begin(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending += n
}

// done counts a delivery finished: sent, given up on, or discarded.
func (d *webhookDispatcher) done() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

// flush waits until no delivery is unfinished.
func (d *webhookDispatcher) flush(ctx context.Context) error {
	d.mu.Lock()
	if d.pending == 0 {
		d.mu.Unlock()
		return nil
	}
	idle, n := d.idle, d.pending
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("fakeshop: flushing webhooks (%d deliveries unfinished): %w", n, ctx.Err())
	}
}

// close stops every queue, discarding what is left, aborts requests in
// flight and waits for the workers to return.
func (d *webhookDispatcher) close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	queues := d.queues
	d.mu.Unlock()
	for _, q := range queues {
		q.close()
	}
	d.cancel()
	d.wg.Wait()
	d.client.CloseIdleConnections()
}

// WebhookStats counts what webhook delivery did since the server started.
type WebhookStats struct {
	Queued               int64 `json:"queued"`                // deliveries accepted (duplicates included)
	Delivered            int64 `json:"delivered"`             // answered 2xx
	FailedAttempts       int64 `json:"failed_attempts"`       // attempts not answered 2xx (timeouts included)
	Retries              int64 `json:"retries"`               // retries scheduled
	SubscriptionsRemoved int64 `json:"subscriptions_removed"` // subscriptions deleted after a delivery exhausted its retries
	Abandoned            int64 `json:"abandoned"`             // deliveries stopped because their subscription was deleted
	Overflowed           int64 `json:"overflowed"`            // deliveries not queued because the shop's queue was full
	Dropped              int64 `json:"dropped"`               // fault: never sent
	Duplicated           int64 `json:"duplicated"`            // fault: sent twice
	Delayed              int64 `json:"delayed"`               // fault: held back by a random wait
	Reordered            int64 `json:"reordered"`             // fault: held and released after a later delivery
}

type webhookCounters struct {
	queued, delivered, failed, retries, removed, abandoned, overflowed atomic.Int64
	dropped, duplicated, delayed, reordered                            atomic.Int64
}

func (c *webhookCounters) snapshot() WebhookStats {
	return WebhookStats{
		Queued: c.queued.Load(), Delivered: c.delivered.Load(), FailedAttempts: c.failed.Load(), Retries: c.retries.Load(),
		SubscriptionsRemoved: c.removed.Load(), Abandoned: c.abandoned.Load(), Overflowed: c.overflowed.Load(),
		Dropped: c.dropped.Load(), Duplicated: c.duplicated.Load(), Delayed: c.delayed.Load(), Reordered: c.reordered.Load(),
	}
}

// FlushWebhooks waits until every delivery has finished: sent, dropped by a
// fault, or given up on after its retries. With the default retry schedule a
// failing receiver keeps a delivery alive for hours, so pass a context with
// a deadline (tests use a schedule of milliseconds).
func (s *Server) FlushWebhooks(ctx context.Context) error { return s.webhooks.flush(ctx) }

// WebhookStats reports what webhook delivery has done so far.
func (s *Server) WebhookStats() WebhookStats { return s.webhooks.stats.snapshot() }
