package cost

import (
	"math"
	"sync"
	"time"
)

// Bucket is a leaky bucket of cost points, safe for concurrent use: it holds
// up to a capacity and refills continuously at a restore rate. Shopify's
// server side charges the requested cost before running a query and refunds
// the difference to the actual cost afterwards; a client keeps one as its
// estimate of the server's.
type Bucket struct {
	mu       sync.Mutex
	now      func() time.Time
	capacity float64
	rate     float64
	level    float64
	at       time.Time
}

// NewBucket returns a full bucket for plan. now is the clock (nil means
// time.Now); tests inject a fake one.
func NewBucket(plan Plan, now func() time.Time) *Bucket {
	if now == nil {
		now = time.Now
	}
	return &Bucket{now: now, capacity: plan.Capacity, rate: plan.RestoreRate, level: plan.Capacity, at: now()}
}

// refill brings level up to date; the caller holds mu.
func (b *Bucket) refill() time.Time {
	now := b.now()
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.level = math.Min(b.capacity, b.level+elapsed*b.rate)
	}
	b.at = now
	return now
}

// TryCharge takes cost points if that many are available and reports whether
// it did, and the points available afterwards (before, when refused).
func (b *Bucket) TryCharge(cost float64) (ok bool, available float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	if cost > b.level {
		return false, b.level
	}
	b.level -= cost
	return true, b.level
}

// Refund gives back n points (the requested cost minus the actual cost),
// never beyond capacity.
func (b *Bucket) Refund(n float64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	b.level = math.Min(b.capacity, b.level+n)
}

// Available returns the points available now.
func (b *Bucket) Available() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	return b.level
}

// Capacity returns the bucket's maximum.
func (b *Bucket) Capacity() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.capacity
}

// RestoreRate returns the refill rate in points per second.
func (b *Bucket) RestoreRate() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rate
}

// Wait returns how long until cost points are available: 0 when they are
// now, and ok=false when they never will be (cost above capacity, or no
// refill).
func (b *Bucket) Wait(cost float64) (wait time.Duration, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	return b.waitLocked(cost)
}

func (b *Bucket) waitLocked(cost float64) (time.Duration, bool) {
	if cost <= b.level {
		return 0, true
	}
	if cost > b.capacity || b.rate <= 0 {
		return 0, false
	}
	secs := (cost - b.level) / b.rate
	return time.Duration(math.Ceil(secs * float64(time.Second))), true
}

// Set replaces the bucket's state, e.g. with the throttleStatus a response
// reported: available points now, capacity and restore rate. A non-positive
// capacity or rate keeps the current one.
func (b *Bucket) Set(available, capacity, rate float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.at = b.now()
	if capacity > 0 {
		b.capacity = capacity
	}
	if rate > 0 {
		b.rate = rate
	}
	b.level = math.Min(available, b.capacity)
}

// Lower lowers the available points to at most available (never raising
// them): a client uses it to adopt a server's lower figure while keeping its
// own more conservative estimate.
func (b *Bucket) Lower(available float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	b.level = math.Min(b.level, available)
}

// Charge takes n points unconditionally, leaving a deficit if there are not
// enough: a client uses it when a response shows a request cost more than it
// reserved.
func (b *Bucket) Charge(n float64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	b.level -= n
}

// SetLimits changes capacity and restore rate, keeping the points available
// (capped at the new capacity). A non-positive value keeps the current one.
func (b *Bucket) SetLimits(capacity, rate float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	if capacity > 0 {
		b.capacity = capacity
	}
	if rate > 0 {
		b.rate = rate
	}
	b.level = math.Min(b.level, b.capacity)
}
