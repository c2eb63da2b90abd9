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

	"github.com/shopsync/shopsync/schema/events"
)

// Relay publishes the change outbox to Kafka: each change_outbox row
// becomes one events.ChangeEvent on its family's topic, keyed by store and
// GID, and is marked published only after Kafka acknowledged it (all
// in-sync replicas). Delivery is at least once: a crash between the
// acknowledgement and the mark publishes the batch again.
//
// Several relays may run at once: each takes a batch with FOR UPDATE SKIP
// LOCKED, and holds back a row while an earlier change of the same key sits
// in another relay's batch, so that each key's changes reach Kafka in order.
type Relay struct {
	pool   *pgxpool.Pool
	cfg    RelayConfig
	log    *slog.Logger
	m      *Metrics
	writer *kafka.Writer
	tr     *kafka.Transport
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
	w := &kafka.Writer{
		Addr: kafka.TCP(cfg.Brokers...),
		// Hash sends a key to one partition, so a key's changes stay in order.
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchSize:    cfg.BatchSize,
		BatchBytes:   64 << 20,
		// WriteMessages returns once its batches are written; a short
		// timeout flushes the last partial batch of each partition promptly.
		BatchTimeout: 5 * time.Millisecond,
		WriteTimeout: cfg.WriteTimeout,
		ReadTimeout:  cfg.WriteTimeout,
		// The relay retries with its own backoff and logs the outage; a few
		// quick attempts inside the writer ride out a leader change.
		MaxAttempts:     3,
		WriteBackoffMin: 50 * time.Millisecond,
		WriteBackoffMax: time.Second,
		Transport:       tr,
	}
	return &Relay{pool: pool, cfg: cfg, log: log.With("component", "relay"), m: cfg.Metrics, writer: w, tr: tr}, nil
}

// Run publishes until ctx is done, then returns nil. Unavailable Kafka or
// PostgreSQL is not an error: Run logs the outage once, retries with
// backoff, and logs the recovery; the outbox keeps every change meanwhile.
func (r *Relay) Run(ctx context.Context) error {
	defer r.tr.CloseIdleConnections()
	defer r.writer.Close()

	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Go(func() { r.listen(ctx, wake) })
	defer wg.Wait()

	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = r.cfg.MinBackoff, r.cfg.MaxBackoff
	poll := time.NewTicker(r.cfg.PollInterval)
	defer poll.Stop()

	topicsReady, failing := false, false
	for {
		var (
			n   int
			err error
		)
		if !topicsReady {
			err = r.createTopics(ctx)
			topicsReady = err == nil
		}
		if err == nil {
			n, err = r.publishBatch(ctx)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			r.m.publishFailed()
			if !failing {
				r.log.Warn("relay cannot publish; retrying until it can, changes wait in the outbox", "err", err)
				failing = true
			}
			r.refreshLag(ctx)
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
		if n == r.cfg.BatchSize {
			continue // more are waiting
		}
		r.refreshLag(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-poll.C:
		}
	}
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

// outboxRow is one change_outbox row.
type outboxRow struct {
	id              int64
	store, resource string
	gid, op, source string
	before, after   []byte
	version         int64
	createdAt       time.Time
}

// publishBatch publishes up to BatchSize unpublished changes, oldest first,
// and marks them published. It returns how many rows it took.
func (r *Relay) publishBatch(ctx context.Context) (int, error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, err := tx.Query(ctx, `SELECT id, store, resource, gid, operation, before, after, version, source, created_at
		FROM change_outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, r.cfg.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	var batch []outboxRow
	for rows.Next() {
		var o outboxRow
		if err := rows.Scan(&o.id, &o.store, &o.resource, &o.gid, &o.op, &o.before, &o.after, &o.version, &o.source, &o.createdAt); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read outbox: %w", err)
		}
		batch = append(batch, o)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	if len(batch) == 0 {
		return 0, tx.Commit(ctx)
	}
	send, err := holdBackLocked(ctx, tx, batch)
	if err != nil {
		return 0, err
	}

	msgs := make([]kafka.Message, 0, len(send))
	ids := make([]int64, 0, len(send))
	perTopic := map[string]int{}
	for _, o := range send {
		e := events.ChangeEvent{
			ID: o.id, Store: o.store, Resource: events.Resource(o.resource), GID: o.gid,
			Operation: events.Operation(o.op), Before: o.before, After: o.after,
			Version: o.version, Source: events.Source(o.source), Time: o.createdAt.UTC(),
		}
		value, err := e.Encode()
		if err != nil {
			return 0, fmt.Errorf("outbox row %d breaks the event contract: %w", o.id, err)
		}
		f, err := e.Resource.Family()
		if err != nil {
			return 0, fmt.Errorf("outbox row %d: %w", o.id, err)
		}
		topic := r.cfg.topic(f)
		msgs = append(msgs, kafka.Message{Topic: topic, Key: e.Key(), Value: value, Time: e.Time})
		ids = append(ids, o.id)
		perTopic[topic]++
	}
	if len(msgs) > 0 {
		if err := r.writer.WriteMessages(ctx, msgs...); err != nil {
			return 0, fmt.Errorf("publish %d changes to kafka: %w", len(msgs), err)
		}
		if _, err := tx.Exec(ctx, `UPDATE change_outbox SET published_at = now() WHERE id = ANY($1)`, ids); err != nil {
			return 0, fmt.Errorf("mark %d changes published (kafka has them; they will be sent again): %w", len(ids), err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("mark %d changes published (kafka has them; they will be sent again): %w", len(ids), err)
	}
	for topic, n := range perTopic {
		r.m.publishedTo(topic, n)
	}
	return len(batch), nil
}

// holdBackLocked drops from the batch every row whose key has an earlier
// unpublished change outside the batch: SKIP LOCKED skipped it because
// another relay holds it, and publishing ours first would reorder the key.
// The held-back rows stay unpublished for a later batch.
func holdBackLocked(ctx context.Context, tx pgx.Tx, batch []outboxRow) ([]outboxRow, error) {
	first := map[[3]string]int64{}
	var stores, resources, gids []string
	var firstIDs []int64
	for _, o := range batch {
		k := [3]string{o.store, o.resource, o.gid}
		if _, ok := first[k]; !ok {
			first[k] = o.id
			stores, resources, gids, firstIDs = append(stores, o.store), append(resources, o.resource), append(gids, o.gid), append(firstIDs, o.id)
		}
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT b.store, b.resource, b.gid
		FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS b(store, resource, gid, first_id)
		JOIN change_outbox o ON o.store = b.store AND o.resource = b.resource AND o.gid = b.gid
		WHERE o.id < b.first_id AND o.published_at IS NULL`, stores, resources, gids, firstIDs)
	if err != nil {
		return nil, fmt.Errorf("check key order: %w", err)
	}
	blocked := map[[3]string]bool{}
	for rows.Next() {
		var k [3]string
		if err := rows.Scan(&k[0], &k[1], &k[2]); err != nil {
			rows.Close()
			return nil, fmt.Errorf("check key order: %w", err)
		}
		blocked[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check key order: %w", err)
	}
	if len(blocked) == 0 {
		return batch, nil
	}
	out := batch[:0:0]
	for _, o := range batch {
		if !blocked[[3]string{o.store, o.resource, o.gid}] {
			out = append(out, o)
		}
	}
	return out, nil
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

// createTopics creates the family topics that do not exist yet, through the
// cluster's controller.
func (r *Relay) createTopics(ctx context.Context) error {
	d := &kafka.Dialer{Timeout: 5 * time.Second}
	var conn *kafka.Conn
	var err error
	for _, b := range r.cfg.Brokers {
		if conn, err = d.DialContext(ctx, "tcp", b); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create topics: dial %v: %w", r.cfg.Brokers, err)
	}
	defer conn.Close()
	ctrl, err := conn.Controller()
	if err != nil {
		return fmt.Errorf("create topics: find controller: %w", err)
	}
	cc, err := d.DialContext(ctx, "tcp", fmt.Sprintf("%s:%d", ctrl.Host, ctrl.Port))
	if err != nil {
		return fmt.Errorf("create topics: dial controller: %w", err)
	}
	defer cc.Close()
	for _, f := range events.Families() {
		// One topic per request: an existing topic fails only its own.
		err := cc.CreateTopics(kafka.TopicConfig{
			Topic: r.cfg.topic(f), NumPartitions: r.cfg.Partitions, ReplicationFactor: r.cfg.ReplicationFactor,
		})
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", r.cfg.topic(f), err)
		}
	}
	return nil
}

// listen wakes the publisher when a transaction that wrote change rows
// commits (NOTIFY in the same transaction). It reconnects after a lost
// connection; the publisher's poll covers the gap.
func (r *Relay) listen(ctx context.Context, wake chan<- struct{}) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = r.cfg.MinBackoff, r.cfg.MaxBackoff
	for {
		err := r.listenOnce(ctx, wake, bo)
		if ctx.Err() != nil {
			return
		}
		r.log.Debug("relay listen connection lost; polling until it is back", "err", err)
		if !sleep(ctx, bo.NextBackOff()) {
			return
		}
	}
}

func (r *Relay) listenOnce(ctx context.Context, wake chan<- struct{}, bo *backoff.ExponentialBackOff) error {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection ends in LISTEN state or broken: never hand it back.
	defer func() {
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{NotifyChannel}.Sanitize()); err != nil {
		return err
	}
	bo.Reset()
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}
