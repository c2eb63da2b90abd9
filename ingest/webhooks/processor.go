package webhooks

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Processor applies stored deliveries to the mirror through an Applier; see
// the package documentation. Several may run against one database, in one
// process or many.
type Processor struct {
	pool    *pgxpool.Pool
	applier Applier
	cfg     ProcessorConfig
	log     *slog.Logger

	// backoff holds the deliveries this processor failed, until their next
	// attempt is due. It lives in memory because the inbox has no column
	// for it: another processor, or this one after a restart, may retry a
	// failed delivery sooner, which costs an attempt and never a double
	// application.
	mu        sync.Mutex
	backoff   map[string]time.Time
	pendingAt time.Time // when the pending gauge was last refreshed
}

// NewProcessor returns a Processor claiming from pool's webhook_deliveries.
func NewProcessor(pool *pgxpool.Pool, applier Applier, cfg ProcessorConfig) (*Processor, error) {
	if pool == nil || applier == nil {
		return nil, errors.New("webhooks: NewProcessor needs a pool and an applier")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Processor{pool: pool, applier: applier, cfg: cfg, log: log, backoff: map[string]time.Time{}}, nil
}

// Run applies deliveries until ctx is done, then returns nil once the
// batches in flight are rolled back or committed. Each of Workers loops
// claims and applies batches; each wakes on a notification of a new
// delivery, when a failed one's retry falls due, and every PollInterval.
// Database failures are logged and retried at the poll interval: Run only
// ends with ctx.
func (p *Processor) Run(ctx context.Context) error {
	wakes := make([]chan struct{}, max(p.cfg.Workers, 1))
	for i := range wakes {
		wakes[i] = make(chan struct{}, 1)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		p.listen(ctx, func() {
			for _, w := range wakes {
				select {
				case w <- struct{}{}:
				default: // a wake-up is pending already
				}
			}
		})
	})
	for _, w := range wakes {
		wg.Go(func() { p.loop(ctx, w) })
	}
	wg.Wait()
	return nil
}

// loop is one worker of Run.
func (p *Processor) loop(ctx context.Context, wake <-chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n, err := p.ProcessBatch(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := p.cfg.PollInterval
		switch {
		case err != nil:
			p.log.LogAttrs(ctx, slog.LevelError, "webhook processor batch failed; retrying", slog.String("error", err.Error()))
		case n == p.cfg.BatchSize:
			continue // more are likely waiting
		default:
			if due, ok := p.nextRetry(); ok {
				wait = min(wait, max(time.Until(due), 0))
			}
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-timer.C:
		}
	}
}

// listen turns notifications of new deliveries into wake-ups, on a
// connection of its own (a LISTEN holds its session), reconnecting after a
// failure; meanwhile Run polls.
func (p *Processor) listen(ctx context.Context, signal func()) {
	for ctx.Err() == nil {
		err := p.listenOnce(ctx, signal)
		if ctx.Err() != nil {
			return
		}
		p.log.LogAttrs(ctx, slog.LevelWarn, "webhook processor lost its LISTEN connection; polling meanwhile",
			slog.String("error", err.Error()))
		select {
		case <-ctx.Done():
			return
		case <-time.After(p.cfg.PollInterval):
		}
	}
}

func (p *Processor) listenOnce(ctx context.Context, signal func()) error {
	conn, err := pgx.ConnectConfig(ctx, p.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{NotifyChannel}.Sanitize()); err != nil {
		return err
	}
	signal() // catch up on what was stored while nobody listened
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		signal()
	}
}

// retryAfter records that a failed delivery is due again at t.
func (p *Processor) retryAfter(webhookID string, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.backoff[webhookID] = t
}

// settled forgets a delivery's backoff once it no longer waits.
func (p *Processor) settled(webhookID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.backoff, webhookID)
}

// backingOff lists the deliveries not due yet, forgetting those that are.
func (p *Processor) backingOff(now time.Time) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.backoff))
	for id, due := range p.backoff {
		if due.After(now) {
			out = append(out, id)
		} else {
			delete(p.backoff, id)
		}
	}
	return out
}

// nextRetry is the earliest time one of this processor's failed deliveries
// falls due.
func (p *Processor) nextRetry() (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var first time.Time
	for _, due := range p.backoff {
		if first.IsZero() || due.Before(first) {
			first = due
		}
	}
	return first, !first.IsZero()
}
