package applier

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/mirror"
)

// AuditRecorder records audit rows in the caller's transaction;
// *audit.Writer is one.
type AuditRecorder interface {
	RecordTx(ctx context.Context, tx pgx.Tx, rows ...audit.Row) error
}

// Writer applies one destination store's pending deltas while its process
// holds the store's lease. Applier runs one per store; Run is its loop.
type Writer struct {
	db       *pgxpool.Pool
	store    string
	lease    Lease
	client   graphql.Client
	clients  func(string) (graphql.Client, error) // any store's: orders read their destination (orders_complete.go)
	mirror   *mirror.Mirror
	audit    AuditRecorder
	observer *Observer
	cfg      Config
	log      *slog.Logger
	packer   packer
	budget   budgetTracker

	mu sync.Mutex
	// busy holds the deltas under way (zero time) and those waiting to be
	// retried (the time they may go again): the next read leaves them out.
	busy   map[int64]time.Time
	resume map[int64]string // interrupted deltas' batch keys (attempts.go)
	// wake ends a sleep: a request finished, or PostgreSQL told of new
	// deltas or a mirror change (wake.go).
	wake chan struct{}
	// mirrorChanged: the mirror changed since the inventory reads last
	// looked, so the Writer wakes when they are due (wake.go).
	mirrorChanged atomic.Bool
}

func newWriter(a *Applier, lease Lease, c graphql.Client) *Writer {
	return &Writer{
		db: a.db, store: lease.Store, lease: lease, client: c, clients: a.clients, mirror: a.mirror, audit: a.audit, observer: a.observer,
		cfg: a.cfg, log: a.cfg.Logger.With("destination", lease.Store), packer: packer{store: lease.Store, cfg: a.cfg},
		busy: map[int64]time.Time{}, wake: make(chan struct{}, 1),
	}
}

// Run applies the store's pending deltas until ctx ends, the lease is lost
// or, with once, nothing is left to do (no pending delta, none under way or
// waiting for a retry). It returns nil after once's end or ctx's; an error
// when it had to stop (ErrLeaseLost, ErrStoreUnavailable, the database).
func (w *Writer) Run(ctx context.Context, once bool) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resume, err := w.recoverInterrupted(ctx)
	if err != nil {
		return err
	}
	w.resume = resume
	if !once {
		// Woken by new deltas and mirror changes, not only by Poll.
		defer registerWake(w)()
	}

	var side sync.WaitGroup
	side.Add(1)
	go func() {
		defer side.Done()
		w.maintain(ctx, cancel)
	}()

	slots := make(chan struct{}, w.cfg.InFlight)
	var work sync.WaitGroup
	dispatch := func(f func()) bool {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		work.Add(1)
		go func() {
			defer work.Done()
			defer func() { <-slots }()
			f()
		}()
		return true
	}
	fail := func(err error) {
		if err != nil && !errors.Is(err, context.Canceled) {
			cancel(err)
		}
	}

	for ctx.Err() == nil {
		// Idle before the read: then the read left nothing out, and finding
		// nothing means done. (Idle only after it could be a request that
		// ended meanwhile and left deltas to retry.)
		wasIdle := w.idle()
		if !time.Now().Before(w.observeDue()) {
			w.mirrorChanged.Store(false) // the reads below look now
		}
		// Levels changed since last confirmed are read first: what they
		// count (two-way) is pending before the read below.
		if err := w.observeInventory(ctx); err != nil {
			fail(err)
			break
		}
		ds, err := loadPending(ctx, w.db, w.store, w.skipList(), w.cfg.ReadBatch)
		if err != nil {
			fail(err)
			break
		}
		if len(ds) == 0 {
			if once && wasIdle {
				break
			}
			w.sleep(ctx)
			continue
		}
		w.mu.Lock()
		for _, d := range ds {
			w.busy[d.ID] = time.Time{}
			d.resumeKey = w.resume[d.ID]
		}
		w.mu.Unlock()
		reqs, settled := w.packer.pack(ds)
		if len(settled.deltas) > 0 {
			var sds []*Delta
			for _, d := range ds {
				if settled.deltas[d.ID] != nil {
					sds = append(sds, d)
				}
			}
			if !dispatch(func() { fail(w.settle(ctx, sds, settled)) }) {
				break
			}
		}
		for _, q := range reqs {
			if !dispatch(func() { fail(w.process(ctx, q)) }) {
				break
			}
		}
	}
	work.Wait()
	cancel(nil)
	side.Wait()
	w.flushBudget(context.WithoutCancel(ctx))
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// settle records the deltas the packer settled without a request.
func (w *Writer) settle(ctx context.Context, ds []*Delta, res *result) error {
	infos, err := w.begin(ctx, nil, ds)
	if err != nil {
		w.release(ds, res)
		return err
	}
	var kept []*Delta
	for _, d := range ds {
		if _, ok := infos[d.ID]; ok {
			kept = append(kept, d)
		}
	}
	err = w.record(ctx, &outcome{ds: kept, infos: infos, res: res, mutation: map[int64]string{}, spends: map[int64]spend{}})
	w.release(ds, res)
	w.count(kept, res)
	return err
}

// process sends one request and records its outcome. An error means the
// Writer must stop; a delta's own failure is part of the outcome.
func (w *Writer) process(ctx context.Context, q *request) error {
	all := q.deltas()
	res := newResult()
	defer func() { w.release(all, res) }()
	start := time.Now()
	infos, err := w.begin(ctx, q, nil)
	if err != nil {
		return err
	}
	if len(q.parts) == 0 {
		return nil
	}
	begun := time.Now()
	o := &outcome{ds: q.deltas(), infos: infos, res: res, sent: true, mutation: map[int64]string{}, spends: map[int64]spend{}}
	var stop error
	for _, part := range q.parts {
		if part = w.findOrders(ctx, part, o); len(part) == 0 {
			continue // every call settled by the look-up (orders_lookup.go)
		}
		partCost := 0
		weights := make([]int, len(part))
		for i, c := range part {
			if pc, ok := c.(*productSetCall); ok && pc.d.resumeKey != "" {
				w.recoverVariants(ctx, pc)
			}
			weights[i], _ = callCost(c)
			partCost += weights[i]
		}
		s, err := w.sendPart(ctx, part, partCost, res)
		w.budget.observe(s)
		w.cfg.Metrics.request(w.store, s)
		o.apportion(part, weights, s)
		if err != nil {
			if ctx.Err() != nil {
				// Stopping: the attempts stay recorded as under way and are
				// audited as interrupted by the next holder.
				return err
			}
			stop = err
			break
		}
	}
	if h := w.cfg.Hooks.AfterSend; h != nil {
		ids := make([]int64, len(o.ds))
		for i, d := range o.ds {
			ids[i] = d.ID
		}
		if err := h(ctx, w.store, ids); err != nil {
			return err
		}
	}
	sentAt := time.Now()
	if err := w.record(ctx, o); err != nil {
		return err
	}
	w.count(o.ds, res)
	w.log.DebugContext(ctx, "request recorded", "deltas", len(o.ds), "http_requests", len(q.parts), "cost", q.cost,
		"begin", begun.Sub(start), "send", sentAt.Sub(begun), "record", time.Since(sentAt))
	return stop
}

// apportion shares a part's cost and latency among its deltas: each call
// by its static cost, each delta of a call equally. The shares of a request
// add up to what Shopify reported, so sums over audit rows are exact.
func (o *outcome) apportion(part []call, weights []int, s sent) {
	req := split(s.requested, weights)
	act := split(s.actual, weights)
	for i, c := range part {
		ds := c.deltas()
		eq := make([]int, len(ds))
		for j := range eq {
			eq[j] = 1
		}
		rq, ac := split(req[i], eq), split(act[i], eq)
		for j, d := range ds {
			sp := o.spends[d.ID]
			sp.requested += rq[j]
			sp.actual += ac[j]
			sp.latency += s.latency
			o.spends[d.ID] = sp
			if o.mutation[d.ID] == "" {
				o.mutation[d.ID] = c.mutation()
			}
		}
	}
}

// split divides total in proportion to weights, in whole points, the
// remainders going to the largest fractions first.
func split(total int, weights []int) []int {
	out := make([]int, len(weights))
	sum := 0
	for _, w := range weights {
		sum += w
	}
	if sum == 0 || total == 0 {
		return out
	}
	given := 0
	rem := make([]int, len(weights))
	for i, w := range weights {
		out[i] = total * w / sum
		rem[i] = total * w % sum
		given += out[i]
	}
	for left := total - given; left > 0; left-- {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

// release ends the deltas' time under way: those to retry wait for their
// backoff (none when only held up by another delta), the rest are done.
func (w *Writer) release(ds []*Delta, res *result) {
	w.mu.Lock()
	now := time.Now()
	for _, d := range ds {
		dr := res.deltas[d.ID]
		if dr != nil && dr.verdict == retry && !dr.now {
			w.busy[d.ID] = now.Add(w.backoff(d.Attempts + 1))
		} else {
			delete(w.busy, d.ID)
		}
		if dr != nil {
			delete(w.resume, d.ID)
		}
	}
	w.mu.Unlock()
	w.poke()
}

// backoff is the wait before attempt n+1 of a delta: exponential from
// RetryInitial up to RetryMax, jittered by ±25 %.
func (w *Writer) backoff(n int) time.Duration {
	d := w.cfg.RetryInitial
	for i := 1; i < n && d < w.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, w.cfg.RetryMax)
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// skipList is the deltas the next read leaves out: under way, or waiting
// for their retry.
func (w *Writer) skipList() []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	out := make([]int64, 0, len(w.busy))
	for id, until := range w.busy {
		if !until.IsZero() && !now.Before(until) {
			delete(w.busy, id)
			continue
		}
		out = append(out, id)
	}
	return out
}

// idle: nothing under way and nothing waiting for a retry.
func (w *Writer) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.busy) == 0
}

// sleep waits for a request to finish, a retry to come due, new deltas
// (wake.go), the inventory reads to come due after a mirror change, or Poll.
func (w *Writer) sleep(ctx context.Context) {
	wait := w.cfg.Poll
	now := time.Now()
	if w.mirrorChanged.Load() {
		if due := w.observeDue(); due.Sub(now) < wait {
			wait = max(due.Sub(now), time.Millisecond)
		}
	}
	w.mu.Lock()
	for _, until := range w.busy {
		if !until.IsZero() && until.Sub(now) < wait {
			wait = max(until.Sub(now), time.Millisecond)
		}
	}
	w.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-w.wake:
	case <-t.C:
	}
}

// maintain renews the lease (stopping the Writer when that fails), and
// records the budget and prunes expired echo records now and then.
func (w *Writer) maintain(ctx context.Context, stop context.CancelCauseFunc) {
	renew := time.NewTicker(w.cfg.LeaseRenew)
	defer renew.Stop()
	flush := time.NewTicker(time.Second)
	defer flush.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-renew.C:
			if err := w.lease.renew(ctx, w.db, w.cfg.LeaseTTL); err != nil {
				if ctx.Err() == nil {
					stop(err)
				}
				return
			}
			if _, err := w.db.Exec(ctx, `DELETE FROM applier_writes WHERE store = $1 AND expires_at < now()`, w.store); err != nil && ctx.Err() == nil {
				w.log.WarnContext(ctx, "pruning applier_writes failed", "err", err)
			}
		case <-flush.C:
			w.flushBudget(ctx)
		}
	}
}

func (w *Writer) flushBudget(ctx context.Context) {
	_, throttled, _ := w.observer.Counts(w.store)
	if err := w.budget.flush(ctx, w.db, w.store, throttled); err != nil && ctx.Err() == nil {
		w.log.WarnContext(ctx, "recording the budget failed", "err", err)
	}
}

func (w *Writer) count(ds []*Delta, res *result) {
	for _, d := range ds {
		if dr := res.deltas[d.ID]; dr != nil {
			w.cfg.Metrics.delta(w.store, dr)
		}
	}
}
