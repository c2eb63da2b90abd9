package applier

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/shopify/transport"
)

// Observer is a transport.Metrics that counts, per shop, the attempts the
// transport sent and the THROTTLED (or HTTP 429) answers among them, which
// the transport retries without telling its caller. Install it as the
// destination clients' Transport.Metrics; the Writers report its counts in
// applier_budgets. It passes every call on to Next when set.
type Observer struct {
	Next transport.Metrics

	mu    sync.Mutex
	shops map[string]*shopCounts
}

type shopCounts struct {
	requests, throttled int64
	points              float64
}

// NewObserver returns an Observer passing calls on to next (nil: none).
func NewObserver(next transport.Metrics) *Observer {
	return &Observer{Next: next, shops: map[string]*shopCounts{}}
}

func (o *Observer) counts(shop string) *shopCounts {
	shop = strings.ToLower(shop)
	c := o.shops[shop]
	if c == nil {
		c = &shopCounts{}
		o.shops[shop] = c
	}
	return c
}

// Request implements transport.Metrics.
func (o *Observer) Request(shop, outcome string) {
	o.mu.Lock()
	c := o.counts(shop)
	c.requests++
	if outcome == transport.OutcomeThrottled || outcome == transport.OutcomeRateLimited {
		c.throttled++
	}
	o.mu.Unlock()
	if o.Next != nil {
		o.Next.Request(shop, outcome)
	}
}

// CostPoints implements transport.Metrics.
func (o *Observer) CostPoints(shop string, points float64) {
	o.mu.Lock()
	o.counts(shop).points += points
	o.mu.Unlock()
	if o.Next != nil {
		o.Next.CostPoints(shop, points)
	}
}

// ThrottleWait implements transport.Metrics.
func (o *Observer) ThrottleWait(shop string, wait time.Duration) {
	if o.Next != nil {
		o.Next.ThrottleWait(shop, wait)
	}
}

// Counts returns the attempts, THROTTLED answers and points seen for shop.
func (o *Observer) Counts(shop string) (requests, throttled int64, points float64) {
	if o == nil {
		return 0, 0, 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.counts(shop)
	return c.requests, c.throttled, c.points
}

// budgetTracker keeps what a Writer learns of its store's budget: the last
// throttleStatus and the points spent over the last minute.
type budgetTracker struct {
	mu       sync.Mutex
	status   *throttleStatus
	spent    []spentAt
	requests int64
	dirty    bool
}

type spentAt struct {
	at     time.Time
	points int
}

func (b *budgetTracker) observe(s sent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
	if s.status != nil {
		b.status = s.status
	}
	b.spent = append(b.spent, spentAt{time.Now(), s.actual})
	b.dirty = true
}

// lastMinute sums the points spent in the minute before now, dropping
// older entries.
func (b *budgetTracker) lastMinute(now time.Time) int64 {
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(b.spent) && b.spent[i].at.Before(cut) {
		i++
	}
	b.spent = b.spent[i:]
	var n int64
	for _, s := range b.spent {
		n += int64(s.points)
	}
	return n
}

// flush writes the store's applier_budgets row.
func (b *budgetTracker) flush(ctx context.Context, db *pgxpool.Pool, store string, throttled int64) error {
	b.mu.Lock()
	if !b.dirty || b.status == nil {
		b.mu.Unlock()
		return nil
	}
	st := *b.status
	minute := b.lastMinute(time.Now())
	requests := b.requests
	b.dirty = false
	b.mu.Unlock()
	_, err := db.Exec(ctx, `INSERT INTO applier_budgets AS b (store, maximum_available, currently_available, restore_rate,
			cost_last_minute, requests, throttled, observed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, now())
		ON CONFLICT (store) DO UPDATE SET maximum_available = EXCLUDED.maximum_available,
			currently_available = EXCLUDED.currently_available, restore_rate = EXCLUDED.restore_rate,
			cost_last_minute = EXCLUDED.cost_last_minute, requests = EXCLUDED.requests,
			throttled = EXCLUDED.throttled, observed_at = now()`,
		store, st.MaximumAvailable, st.CurrentlyAvailable, st.RestoreRate, minute, requests, throttled)
	if err != nil {
		// Not recorded: keep it dirty so the next flush (the Writer's last,
		// after a cancelled periodic one) writes it.
		b.mu.Lock()
		b.dirty = true
		b.mu.Unlock()
		return fmt.Errorf("applier: record budget of %s: %w", store, err)
	}
	return nil
}
