package mirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/segmentio/kafka-go"
)

// Relay publishes the change outbox to Kafka: each change_outbox row
// becomes one events.ChangeEvent on its family's topic, keyed by store and
// GID, and is marked published only after Kafka acknowledged it (all
// in-sync replicas). Delivery is at least once: a crash between the
// acknowledgement and the mark publishes the batch again.
//
// Several relays may run at once: each takes a batch with FOR UPDATE SKIP
// LOCKED, and holds back a row while an earlier change of the same key sits
// in another batch (another relay's, or one that held it back), so that each
// key's changes reach Kafka in order.
type Relay struct {
	pool   *pgxpool.Pool
	cfg    RelayConfig
	log    *slog.Logger
	m      *Metrics
	writer *kafka.Writer
	tr     *kafka.Transport
	health relayHealth
}

// Lag is how far the relay is behind the mirror.
type Lag struct {
	Backlog int64         // unpublished changes
	Oldest  time.Duration // age of the oldest unpublished change, 0 when none
}

// NewRelay returns a relay publishing the outbox of pool's database.
func NewRelay(pool *pgxpool.Pool, cfg RelayConfig) (*Relay, error) {
	if pool == nil {
		return nil, errors.New("relay: nil pool")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	// An own transport, closed in Run: kafka-go's default one keeps idle
	// connections and their goroutines for the life of the process.
	tr := &kafka.Transport{DialTimeout: 5 * time.Second}
	w := newWriter(cfg, tr)
	return &Relay{pool: pool, cfg: cfg, log: log.With("component", "relay"), m: cfg.Metrics, writer: w, tr: tr}, nil
}

// newWriter is the relay's Kafka producer.
func newWriter(cfg RelayConfig, tr *kafka.Transport) *kafka.Writer {
	return &kafka.Writer{
		Addr: kafka.TCP(cfg.Brokers...),
		// Hash sends a key to one partition, so a key's changes stay in order.
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchSize:    cfg.BatchSize,
		BatchBytes:   64 << 20,
		// The relay is the writer's only caller and hands it whole batches,
		// one WriteMessages at a time: no message would join a partial
		// partition batch by waiting, so it leaves at once. (The writer adds
		// a call's messages under a lock the batch's timer also takes, so
		// even this timeout cannot split one call's batch early.) Each
		// millisecond here is a millisecond of every change's latency, and
		// kafka-go's default would be a second.
		BatchTimeout: time.Microsecond,
		WriteTimeout: cfg.WriteTimeout,
		ReadTimeout:  cfg.WriteTimeout,
		// The relay retries with its own backoff and logs the outage; a few
		// quick attempts inside the writer ride out a leader change.
		MaxAttempts:     3,
		WriteBackoffMin: 50 * time.Millisecond,
		WriteBackoffMax: time.Second,
		Transport:       tr,
	}
}

// Run publishes until ctx is done, then returns nil. Unavailable Kafka or
// PostgreSQL is not an error: Run logs the outage once, retries with
// backoff, and logs the recovery; the outbox keeps every change meanwhile.
//
// While one batch is on its way to Kafka, the next is taken from the
// outbox (at once when the first was full, else as soon as a notification
// says more changes committed); it is published only after the first is
// acknowledged and committed, and dropped (its rows unlocked, still
// unpublished) if the first fails.
func (r *Relay) Run(ctx context.Context) error {
	defer r.tr.CloseIdleConnections()
	defer r.writer.Close()

	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Go(func() { r.listen(ctx, wake) })
	defer wg.Wait()
	lag := newLagRefresher(r, &wg)

	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = r.cfg.MinBackoff, r.cfg.MaxBackoff
	poll := time.NewTicker(r.cfg.PollInterval)
	defer poll.Stop()

	var next *batch // taken while the previous batch was being published
	defer func() { next.drop(ctx) }()
	topicsReady, failing := false, false
	for {
		var err error
		if !topicsReady {
			err = r.createTopics(ctx)
			topicsReady = err == nil
		}
		more := false
		if err == nil {
			cur := next
			next = nil
			if cur == nil {
				cur, err = r.take(ctx, nil)
			}
			if err == nil {
				more = cur.taken == r.cfg.BatchSize
				done := make(chan error, 1)
				go func() { done <- r.publish(ctx, cur) }()
				if more {
					// A failure to take shows again on the next round.
					next, _ = r.take(ctx, cur.ids)
				} else {
					next = r.takeWhilePublishing(ctx, cur, wake, done)
				}
				if err = <-done; err != nil {
					next.drop(ctx)
					next = nil
				}
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		r.health.set(err)
		if err != nil {
			r.m.publishFailed()
			if !failing {
				r.log.Warn("relay cannot publish; retrying until it can, changes wait in the outbox", "err", err)
				failing = true
			}
			lag.refresh(ctx)
			if !sleep(ctx, bo.NextBackOff()) {
				return nil
			}
			continue
		}
		if failing {
			r.log.Info("relay publishing again")
			failing = false
		}
		bo.Reset()
		if more || next != nil {
			continue
		}
		lag.refresh(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-poll.C:
		}
	}
}

// takeWhilePublishing waits for cur's publish to end (its result is left
// in done) or for a notification of new changes, whichever comes first: on
// a notification it takes the next batch meanwhile, so that changes
// committed while cur was on its way wait for Kafka's acknowledgement of
// cur, not for it and then a take of their own. A batch that found nothing
// is dropped.
func (r *Relay) takeWhilePublishing(ctx context.Context, cur *batch, wake <-chan struct{}, done chan error) *batch {
	select {
	case err := <-done:
		done <- err // for the caller; done's buffer is free again
		return nil
	case <-wake:
	}
	next, err := r.take(ctx, cur.ids)
	if err != nil { // shows again on the next round
		return nil
	}
	if len(next.msgs) == 0 && next.taken == 0 {
		next.drop(ctx)
		return nil
	}
	return next
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Lag reads how far the outbox is behind.
func (r *Relay) Lag(ctx context.Context) (Lag, error) {
	return OutboxLag(ctx, r.pool)
}

// OutboxLag reads how many changes wait in the outbox and the age of the
// oldest.
func OutboxLag(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (Lag, error) {
	var (
		l    Lag
		secs float64
	)
	err := db.QueryRow(ctx, `SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
		FROM change_outbox WHERE published_at IS NULL`).Scan(&l.Backlog, &secs)
	if err != nil {
		return Lag{}, fmt.Errorf("read outbox lag: %w", err)
	}
	l.Oldest = time.Duration(secs * float64(time.Second))
	return l, nil
}

func (r *Relay) refreshLag(ctx context.Context) {
	if r.m == nil {
		return
	}
	if l, err := r.Lag(ctx); err == nil {
		r.m.relayLag(l)
	}
}
