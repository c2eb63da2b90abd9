package fakeshop

import (
	"slices"
	"sync"
	"time"
)

// delivery is one webhook to one subscription. Its body, ids and trigger
// time are fixed when the change happens: retries resend the original
// payload with the same X-Shopify-Webhook-Id and X-Shopify-Triggered-At, to
// the address the subscription had then (FACTS.md §2.3).
type delivery struct {
	subID       int64
	uri         string
	name        string
	topic       string
	body        []byte
	webhookID   string
	eventID     string
	triggeredAt time.Time
	attempt     int  // retries made so far
	duplicate   bool // the extra copy of a duplicate fault: sent once, never retried
}

// shopQueue holds one shop's unfinished deliveries: ready ones for the
// workers, held ones (reorder fault), and ones waiting on a timer (retry
// backoff, delay fault). Workers start with the first delivery, so a server
// whose shops never deliver runs no goroutines for it.
type shopQueue struct {
	d    *webhookDispatcher
	shop *Shop

	mu     sync.Mutex
	cond   sync.Cond // signalled when ready grows or the queue closes
	ready  []*delivery
	held   []*delivery
	timers map[*time.Timer]*delivery // nil value: a reorder-window timer
	count  int                       // unfinished deliveries of this shop
	// overflowed counts the deliveries not queued because the queue was full.
	overflowed int
	started    bool
	closed     bool
}

// admit queues a new delivery, applying the shop's webhook faults.
func (q *shopQueue) admit(dl *delivery) {
	plan := q.shop.faults.planDelivery()
	st := &q.d.stats
	if plan.drop {
		st.dropped.Add(1)
		q.d.log.Debug("fakeshop fault: webhook dropped", "shop", q.shop.name, "topic", dl.topic, "webhook_id", dl.webhookID)
		return
	}
	items := []*delivery{dl}
	if plan.duplicate {
		dup := *dl
		dup.duplicate = true
		items = append(items, &dup)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if q.count+len(items) > q.d.opts.QueueSize {
		st.overflowed.Add(1)
		q.overflowed++
		// Said once, then once per thousand: a receiver that falls behind
		// loses thousands, and a line for each buried every other line.
		if q.overflowed%1000 == 1 {
			q.d.log.Warn("fakeshop webhooks: queue full, deliveries not queued", "shop", q.shop.name, "topic", dl.topic,
				"queue_size", q.d.opts.QueueSize, "not_queued_so_far", q.overflowed)
		}
		return
	}
	q.count += len(items)
	q.d.begin(len(items))
	st.queued.Add(int64(len(items)))
	if plan.duplicate {
		st.duplicated.Add(1)
	}
	q.startLocked()
	switch {
	case plan.delay > 0:
		st.delayed.Add(1)
		for _, it := range items {
			q.afterLocked(plan.delay, it)
		}
	case plan.hold:
		st.reordered.Add(1)
		q.held = append(q.held, items...)
		q.holdTimerLocked(plan.window, items)
	default:
		q.ready = append(q.ready, items...)
		// Held deliveries go after this one, the latest held first.
		for i := len(q.held) - 1; i >= 0; i-- {
			q.ready = append(q.ready, q.held[i])
		}
		q.held = q.held[:0]
		q.cond.Broadcast()
	}
}

// startLocked starts the workers on first use.
func (q *shopQueue) startLocked() {
	if q.started {
		return
	}
	q.started = true
	for range q.d.opts.Workers {
		q.d.wg.Add(1)
		go q.work()
	}
}

// afterLocked makes dl ready after wait.
func (q *shopQueue) afterLocked(wait time.Duration, dl *delivery) {
	var t *time.Timer
	// The callback takes q.mu, which the caller holds until t is stored.
	t = time.AfterFunc(wait, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		delete(q.timers, t)
		if q.closed {
			return // close already counted it as discarded
		}
		q.ready = append(q.ready, dl)
		q.cond.Signal()
	})
	q.timers[t] = dl
}

// holdTimerLocked releases held items after window if no later delivery
// has released them by then.
func (q *shopQueue) holdTimerLocked(window time.Duration, items []*delivery) {
	var t *time.Timer
	t = time.AfterFunc(window, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		delete(q.timers, t)
		if q.closed {
			return
		}
		for _, it := range items {
			if i := slices.Index(q.held, it); i >= 0 {
				q.held = slices.Delete(q.held, i, i+1)
				q.ready = append(q.ready, it)
			}
		}
		q.cond.Broadcast()
	})
	q.timers[t] = nil
}

// work sends ready deliveries until the queue closes.
func (q *shopQueue) work() {
	defer q.d.wg.Done()
	for {
		q.mu.Lock()
		for len(q.ready) == 0 && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		dl := q.ready[0]
		q.ready[0] = nil
		q.ready = q.ready[1:]
		q.mu.Unlock()
		q.attempt(dl)
	}
}

// attempt sends dl once and decides what follows: done on 2xx, a retry after
// the next backoff step, or, once the retries are spent, the subscription's
// removal (Shopify deletes shop-specific subscriptions that keep failing).
func (q *shopQueue) attempt(dl *delivery) {
	d := q.d
	if !q.shop.hasSubscription(dl.subID) {
		d.stats.abandoned.Add(1)
		q.finish()
		return
	}
	status, err := d.send(q.shop, dl)
	if err == nil && status >= 200 && status < 300 {
		d.stats.delivered.Add(1)
		q.finish()
		return
	}
	if d.ctx.Err() != nil { // closing: not the receiver's failure
		q.finish()
		return
	}
	d.stats.failed.Add(1)
	d.log.Debug("fakeshop webhooks: delivery failed", "shop", q.shop.name, "topic", dl.topic, "webhook_id", dl.webhookID,
		"attempt", dl.attempt+1, "status", status, "err", err)
	switch {
	case dl.duplicate:
		q.finish()
	case dl.attempt < len(d.opts.RetrySchedule):
		wait := d.opts.RetrySchedule[dl.attempt]
		dl.attempt++
		d.stats.retries.Add(1)
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			q.finish()
			return
		}
		q.afterLocked(wait, dl)
		q.mu.Unlock()
	default:
		if q.shop.DeleteWebhookSubscription(dl.subID) == nil {
			d.stats.removed.Add(1)
			d.log.Info("fakeshop webhooks: subscription removed after failed retries", "shop", q.shop.name,
				"subscription", dl.subID, "topic", dl.topic, "attempts", dl.attempt+1)
		}
		q.finish()
	}
}

func (q *shopQueue) finish() {
	q.mu.Lock()
	q.count--
	q.mu.Unlock()
	q.d.done()
}

// close discards every unfinished delivery and wakes the workers so they
// return. A worker in the middle of a send finishes that one itself.
func (q *shopQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	discarded := len(q.ready) + len(q.held)
	for t, dl := range q.timers {
		// A timer that already fired is blocked on q.mu and will see
		// closed; its delivery is counted here either way.
		t.Stop()
		if dl != nil {
			discarded++
		}
	}
	q.ready, q.held, q.timers = nil, nil, map[*time.Timer]*delivery{}
	q.count -= discarded
	for range discarded {
		q.d.done()
	}
	q.cond.Broadcast()
}
