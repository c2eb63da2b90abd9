package webhooks

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed inbox_insert_many.sql
var insertManySQL string

const (
	// groupFlushers is how many groups are stored at once, at most. One
	// flusher stores while the next group gathers, so a group grows with
	// the load and the cost per delivery falls with it. A second flusher,
	// started at once for every delivery that found the first busy, stored
	// most deliveries of a steady 1,000/s alone (an insert, a commit and a
	// notification each: two statements and two transactions per
	// delivery); it now starts only behind a backlog of more than a group.
	groupFlushers = 2
	// groupMax bounds one group (one statement's arrays).
	groupMax = 500
	// groupLinger is how long a group gathers, from its first delivery,
	// while deliveries stream in (the previous group was taken less than
	// groupStreaming before). An insert takes about a millisecond, so at
	// 1,000 deliveries a second a group taken at once holds one delivery
	// whatever the flushers do: each then costs an insert, a commit and a
	// notification of its own. Waiting a few milliseconds gathers a few
	// deliveries per statement instead; an isolated delivery (the previous
	// group longer ago) is stored at once.
	groupLinger    = 4 * time.Millisecond
	groupStreaming = 50 * time.Millisecond
)

// groupInbox stores deliveries the way PostgreSQL's group commit flushes
// WAL, but one level up: each request queues its delivery and waits, and a
// flusher takes everything queued meanwhile and stores it with one
// statement and one commit (synchronous_commit on), then answers each
// request. Under load, one round trip and one WAL flush serve hundreds of
// deliveries instead of one each, and the receiver needs two connections
// however many requests are in flight; when idle, a delivery is stored
// alone, as quickly as by a single insert. No request is answered before
// the commit that made its delivery durable.
//
// Flushers are goroutines started when deliveries wait and none is free,
// and they end when the queue is empty: nothing to stop.
type groupInbox struct {
	pool    *pgxpool.Pool
	wake    *notifier
	one     inbox         // for a group the database refused: each delivery alone
	timeout time.Duration // bounds storing one group

	mu       sync.Mutex
	queue    []*queuedDelivery
	flushers int
	lastTake time.Time // when the last group was taken from the queue
}

// queuedDelivery is one request's delivery waiting for its group's commit.
type queuedDelivery struct {
	in     inbound
	at     time.Time     // queued
	done   chan struct{} // closed once stored and err are set
	stored bool
	err    error
}

func newGroupInbox(pool *pgxpool.Pool, wake *notifier, timeout time.Duration) *groupInbox {
	return &groupInbox{pool: pool, wake: wake, one: pgInbox(pool, wake), timeout: timeout}
}

// store is an inbox: it returns once the delivery's group committed (or
// failed), or when ctx ends first. A delivery whose request gave up may
// still be stored by its group; Shopify's retry of it is then a duplicate.
func (g *groupInbox) store(ctx context.Context, in inbound) (bool, error) {
	q := &queuedDelivery{in: in, at: time.Now(), done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, q)
	if g.flushers == 0 || (g.flushers < groupFlushers && len(g.queue) > groupMax) {
		g.flushers++
		go g.flush()
	}
	g.mu.Unlock()
	select {
	case <-q.done:
		return q.stored, q.err
	case <-ctx.Done():
		return false, fmt.Errorf("webhooks: store delivery: %w", ctx.Err())
	}
}

// flush stores groups until the queue is empty.
func (g *groupInbox) flush() {
	for {
		g.mu.Lock()
		n := min(len(g.queue), groupMax)
		if n == 0 {
			g.flushers--
			g.queue = nil // let the backing array go
			g.mu.Unlock()
			return
		}
		if wait := g.linger(time.Now()); wait > 0 {
			g.mu.Unlock()
			time.Sleep(wait) // gathering the group, not synchronisation
			continue
		}
		group := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.lastTake = time.Now()
		g.mu.Unlock()
		g.storeGroup(group)
	}
}

// linger is how much longer the waiting group should gather before it is
// taken: none when it is full, or when the previous group was taken long
// enough ago that deliveries are not streaming in. g.mu is held.
func (g *groupInbox) linger(now time.Time) time.Duration {
	if len(g.queue) >= groupMax || now.Sub(g.lastTake) > groupStreaming {
		return 0
	}
	return g.queue[0].at.Add(groupLinger).Sub(now)
}

func (g *groupInbox) storeGroup(group []*queuedDelivery) {
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	answer := func(q *queuedDelivery, stored bool, err error) {
		q.stored, q.err = stored, err
		close(q.done)
	}
	if len(group) == 1 {
		stored, err := g.one(ctx, group[0].in)
		answer(group[0], stored, err)
		return
	}
	stored, err := g.insertMany(ctx, group)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") {
		// One payload the database refuses (a data exception) fails the
		// whole statement: store each alone, so that only it is refused.
		for _, q := range group {
			s, err := g.one(ctx, q.in)
			answer(q, s, err)
		}
		return
	}
	if err != nil {
		err = fmt.Errorf("webhooks: store delivery: %w", err)
	}
	waiting := false
	for i, q := range group {
		if stored[i] && q.in.status == StatusReceived {
			waiting = true
		}
		answer(q, stored[i], err)
	}
	if waiting {
		g.wake.poke()
	}
}

// insertMany stores a group with one statement in its own transaction and
// reports which of its deliveries were new. Of a webhook id that is in the
// group twice, the first is the stored one.
func (g *groupInbox) insertMany(ctx context.Context, group []*queuedDelivery) ([]bool, error) {
	n := len(group)
	ids, stores, topics, statuses, payloads := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	eventIDs, versions := make([]*string, n), make([]*string, n)
	triggered := make([]pgtype.Timestamptz, n)
	for i, q := range group {
		in := q.in
		ids[i], stores[i], topics[i], statuses[i], payloads[i] = in.webhookID, in.store, in.topic, in.status, string(in.payload)
		eventIDs[i], versions[i] = nullIfEmpty(in.eventID), nullIfEmpty(in.apiVersion)
		triggered[i] = pgtype.Timestamptz{Time: in.triggeredAt, Valid: !in.triggeredAt.IsZero()}
	}
	rows, err := g.pool.Query(ctx, insertManySQL, ids, stores, topics, eventIDs, versions, triggered, statuses, payloads)
	if err != nil {
		return make([]bool, n), err
	}
	fresh := map[string]bool{}
	var id, status string
	_, err = pgx.ForEachRow(rows, []any{&id, &status}, func() error {
		fresh[id] = true
		return nil
	})
	out := make([]bool, n)
	if err != nil {
		return out, err
	}
	for i, q := range group {
		if fresh[q.in.webhookID] {
			out[i] = true
			delete(fresh, q.in.webhookID) // a second copy in the group is a duplicate
		}
	}
	return out, nil
}
