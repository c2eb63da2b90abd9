package transport

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/shopsync/shopsync/shopify/cost"
)

// Registry holds one Budget per shop domain. Every Transport built on the
// same Registry shares the budgets, so the process as a whole stays inside
// each shop's bucket however many clients it creates.
type Registry struct {
	initial cost.Plan
	now     func() time.Time

	mu      sync.Mutex
	budgets map[string]*Budget
}

// DefaultRegistry is the process-wide registry Transports use by default.
// Budgets start as a full Standard bucket (the smallest plan) until a
// response reports the shop's real limits.
var DefaultRegistry = NewRegistry(cost.Standard, nil)

// NewRegistry returns a registry whose budgets start as a full bucket of
// plan. now is the clock for the buckets' refill (nil means time.Now).
func NewRegistry(initial cost.Plan, now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{initial: initial, now: now, budgets: map[string]*Budget{}}
}

// Budget returns the shop's budget, creating it on first use. The key is
// the lower-cased host, e.g. "dest-1.myshopify.com".
func (r *Registry) Budget(shop string) *Budget {
	shop = strings.ToLower(shop)
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.budgets[shop]
	if !ok {
		b = &Budget{
			shop:     shop,
			bucket:   cost.NewBucket(r.initial, r.now),
			admit:    make(chan struct{}, 1),
			inflight: map[uint64]float64{},
		}
		r.budgets[shop] = b
	}
	return b
}

// Budget is the client-side estimate of one shop's cost bucket.
type Budget struct {
	shop string
	// admit lets one request at a time wait for points; blocked senders on
	// a channel are served in order, so waiting is first come first served
	// and a large request is not starved by small ones.
	admit chan struct{}

	mu       sync.Mutex // guards the fields below and orders bucket updates
	bucket   *cost.Bucket
	seq      uint64
	inflight map[uint64]float64 // reserved cost of requests awaiting a response
	synced   bool               // a response has reported the shop's bucket
}

// Available is the estimated points available now.
func (b *Budget) Available() float64 { return b.bucket.Available() }

// Capacity is the shop's bucket size as last reported (or assumed).
func (b *Budget) Capacity() float64 { return b.bucket.Capacity() }

// RestoreRate is the shop's refill rate in points per second.
func (b *Budget) RestoreRate() float64 { return b.bucket.RestoreRate() }

// ticket is one reservation.
type ticket struct {
	seq  uint64
	cost float64
}

// reserve waits until the estimate covers want points and charges them. A
// cost above the bucket's capacity waits for a full bucket: Shopify is the
// judge of such a request.
func (b *Budget) reserve(ctx context.Context, want float64) (ticket, time.Duration, error) {
	start := time.Now()
	select {
	case b.admit <- struct{}{}:
	case <-ctx.Done():
		return ticket{}, time.Since(start), context.Cause(ctx)
	}
	defer func() { <-b.admit }()
	for {
		b.mu.Lock()
		c := min(want, b.bucket.Capacity())
		if ok, _ := b.bucket.TryCharge(c); ok {
			b.seq++
			t := ticket{seq: b.seq, cost: c}
			b.inflight[t.seq] = c
			b.mu.Unlock()
			return t, time.Since(start), nil
		}
		wait, _ := b.bucket.Wait(c)
		b.mu.Unlock()
		timer := time.NewTimer(max(wait, time.Millisecond))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ticket{}, time.Since(start), context.Cause(ctx)
		}
	}
}

// settlement is what a response revealed about a reservation.
type settlement struct {
	// refundAll: Shopify charged nothing (THROTTLED, HTTP 429).
	refundAll bool
	// actual is the actualQueryCost, when reported.
	actual *float64
	// status is the reported throttleStatus, when present.
	status *throttleStatus
}

// settle closes a reservation with what its response said.
func (b *Budget) settle(t ticket, s settlement) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.inflight, t.seq)
	switch {
	case s.refundAll:
		b.bucket.Refund(t.cost)
	case s.actual != nil && *s.actual <= t.cost:
		b.bucket.Refund(t.cost - *s.actual)
	case s.actual != nil:
		b.bucket.Charge(*s.actual - t.cost)
	}
	if s.status == nil {
		return
	}
	var all, after float64
	for seq, c := range b.inflight {
		all += c
		if seq > t.seq {
			after += c
		}
	}
	if !b.synced {
		// The first report replaces the assumed plan. Requests still in
		// flight may or may not be in the server's figure: assume not.
		b.synced = true
		b.bucket.Set(s.status.CurrentlyAvailable-all, s.status.MaximumAvailable, s.status.RestoreRate)
		return
	}
	b.bucket.SetLimits(s.status.MaximumAvailable, s.status.RestoreRate)
	// Requests sent before this one were most likely charged by the server
	// before it answered; those sent after may not have been, so they are
	// subtracted. Only ever lowering the estimate keeps it safe whichever
	// way the race went (our own accounting already covers our requests),
	// while still noticing points spent by another process.
	b.bucket.Lower(s.status.CurrentlyAvailable - after)
}
