package mirror

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/segmentio/kafka-go"

	"github.com/shopsync/shopsync/schema/events"
)

// batch is changes taken from the outbox, encoded and waiting to be
// published. Its transaction holds the rows' locks (FOR UPDATE) until
// publish commits it, or drop rolls it back and leaves them unpublished.
//
// The transaction is run by hand on a connection of the pool rather than
// through pgx.Tx, so that BEGIN goes in the take's pipeline and COMMIT in
// the mark's: two round trips fewer per batch, each of which every change
// of the batch, and of the batch behind it, waited for.
type batch struct {
	conn     *pgxpool.Conn // nil once committed or dropped
	taken    int           // rows taken, including those held back
	msgs     []kafka.Message
	ids      []int64 // the rows of msgs
	perTopic map[string]int
	takenAt  time.Time // when take began: the changes' pick-up
}

// drop rolls the batch's transaction back and returns its connection; a
// connection left in a transaction (the rollback failed) is closed by the
// pool rather than reused.
func (b *batch) drop(ctx context.Context) {
	if b != nil && b.conn != nil {
		_, _ = b.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		b.conn.Release()
		b.conn = nil
	}
}

// querier is what holdBack reads through: the batch's connection, or a
// test's transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
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

// take begins a transaction and takes up to BatchSize unpublished changes,
// oldest first, skipping rows another relay holds. inflight are the ids of
// this relay's batch being published meanwhile.
func (r *Relay) take(ctx context.Context, inflight []int64) (_ *batch, err error) {
	takenAt := time.Now()
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	b := &batch{conn: conn, perTopic: map[string]int{}, takenAt: takenAt}
	defer func() {
		if err != nil {
			b.drop(ctx)
		}
	}()
	// Taking the oldest changes must be an ordered index scan that stops
	// after the batch, whatever the statistics say: a backlog that just
	// arrived (a snapshot's million creates) is unknown to them, and the
	// planner then reads and sorts all of it for every batch, or walks the
	// primary key from changes published long ago. Bitmap scans, sorts and
	// sequential scans are off for this transaction, and the scan starts at
	// the oldest unpublished change, found on the partial index of those.
	// BEGIN, the settings and the read go in one round trip (a pipeline).
	qb := &pgx.Batch{}
	qb.Queue("BEGIN")
	qb.Queue(`SELECT set_config('enable_bitmapscan', 'off', true),
		set_config('enable_sort', 'off', true), set_config('enable_seqscan', 'off', true)`)
	qb.Queue(`SELECT id, store, resource, gid, operation, before, after, version, source, created_at
		FROM change_outbox
		WHERE published_at IS NULL AND id >= (SELECT min(id) FROM change_outbox WHERE published_at IS NULL)
		ORDER BY id LIMIT ` + strconv.Itoa(r.cfg.BatchSize) + ` FOR UPDATE SKIP LOCKED`)
	br := conn.SendBatch(ctx, qb)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	var taken []outboxRow
	for rows.Next() {
		var o outboxRow
		if err := rows.Scan(&o.id, &o.store, &o.resource, &o.gid, &o.op, &o.before, &o.after, &o.version, &o.source, &o.createdAt); err != nil {
			rows.Close()
			_ = br.Close()
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		taken = append(taken, o)
	}
	if err := rows.Err(); err != nil {
		_ = br.Close()
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	send := taken
	if len(taken) > 0 {
		if send, err = holdBack(ctx, conn, taken, inflight); err != nil {
			return nil, err
		}
	}
	b.taken = len(taken)
	for _, o := range send {
		e := events.ChangeEvent{
			ID: o.id, Store: o.store, Resource: events.Resource(o.resource), GID: o.gid,
			Operation: events.Operation(o.op), Before: o.before, After: o.after,
			Version: o.version, Source: events.Source(o.source), Time: o.createdAt.UTC(),
		}
		value, err := e.Encode()
		if err != nil {
			return nil, fmt.Errorf("outbox row %d breaks the event contract: %w", o.id, err)
		}
		f, err := e.Resource.Family()
		if err != nil {
			return nil, fmt.Errorf("outbox row %d: %w", o.id, err)
		}
		topic := r.cfg.topic(f)
		b.msgs = append(b.msgs, kafka.Message{Topic: topic, Key: e.Key(), Value: value, Time: e.Time})
		b.ids = append(b.ids, o.id)
		b.perTopic[topic]++
	}
	return b, nil
}

// publish writes the batch to Kafka, marks its rows published once Kafka
// acknowledged them, and commits. On error the rows stay unpublished.
func (r *Relay) publish(ctx context.Context, b *batch) error {
	defer b.drop(ctx) // after Commit, a no-op
	writeAt := time.Now()
	acked := writeAt
	if len(b.msgs) > 0 {
		if err := r.writer.WriteMessages(ctx, b.msgs...); err != nil {
			return fmt.Errorf("publish %d changes to kafka: %w", len(b.msgs), err)
		}
		acked = time.Now()
	}
	// The mark and COMMIT in one round trip. statement_timestamp(), not
	// now() (the batch's start, before it waited for the batch ahead of it
	// and for Kafka): published_at is when Kafka acknowledged the change.
	qb := &pgx.Batch{}
	if len(b.ids) > 0 {
		qb.Queue(`UPDATE change_outbox SET published_at = statement_timestamp() WHERE id = ANY($1)`, b.ids)
	}
	qb.Queue("COMMIT")
	br := b.conn.SendBatch(ctx, qb)
	var tag pgconn.CommandTag
	var err error
	for range qb.Len() {
		if tag, err = br.Exec(); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err == nil && tag.String() != "COMMIT" {
		// A transaction that failed earlier ends with ROLLBACK, not an error.
		err = fmt.Errorf("transaction ended with %s", tag)
	}
	if err != nil {
		return fmt.Errorf("mark %d changes published (kafka has them; they will be sent again): %w", len(b.ids), err)
	}
	b.conn.Release()
	b.conn = nil
	for topic, n := range b.perTopic {
		r.m.publishedTo(topic, n)
	}
	if len(b.ids) > 0 && r.log.Enabled(ctx, slog.LevelDebug) {
		// Where a batch's time went: waiting for the batch ahead (taken to
		// write), Kafka's acknowledgement (write), marking and committing.
		r.log.LogAttrs(ctx, slog.LevelDebug, "relay batch published",
			slog.Int("changes", len(b.ids)), slog.Int64("first_id", b.ids[0]), slog.Int64("last_id", b.ids[len(b.ids)-1]),
			slog.Time("taken_at", b.takenAt), slog.Time("write_at", writeAt), slog.Duration("write", acked.Sub(writeAt)),
			slog.Time("committed_at", time.Now()))
	}
	return nil
}

// holdBack drops from the batch every row of a key that has an earlier
// unpublished change neither in the batch nor in this relay's batch in
// flight (which is published first): SKIP LOCKED passed over that change
// because another transaction holds it, another relay's batch or this
// relay's previous one (a batch keeps the rows it held back locked until it
// commits), and publishing the later change first would reorder the key.
// That change can lie between two of the batch's changes of the key, not
// only before the first (the batch took the key's v4 and v6 while v5 was
// held back by the batch in flight): the key's rows from it on are held
// back, the earlier ones still go. Held-back rows stay unpublished for a
// later batch.
//
// Usually no other transaction holds anything earlier: every unpublished
// change up to the batch's last is in the batch or in flight, which one
// count over the outbox's index shows, and the per-key check is skipped.
func holdBack(ctx context.Context, tx querier, taken []outboxRow, inflight []int64) ([]outboxRow, error) {
	ours := append([]int64(nil), inflight...)
	for _, o := range taken {
		ours = append(ours, o.id)
	}
	var others int64
	err := tx.QueryRow(ctx, `SELECT count(*) FROM change_outbox o
		WHERE o.published_at IS NULL AND o.id <= $1 AND o.id NOT IN (SELECT unnest($2::bigint[]))`,
		taken[len(taken)-1].id, ours).Scan(&others)
	if err != nil {
		return nil, fmt.Errorf("check key order: %w", err)
	}
	if others == 0 {
		return taken, nil
	}

	// Each key's last change in the batch (taken is in id order): an
	// earlier change of the key outside ours holds back the key's changes
	// after it.
	last := map[[3]string]int64{}
	for _, o := range taken {
		last[[3]string{o.store, o.resource, o.gid}] = o.id
	}
	var stores, resources, gids []string
	var lastIDs []int64
	for k, id := range last {
		stores, resources, gids, lastIDs = append(stores, k[0]), append(resources, k[1]), append(gids, k[2]), append(lastIDs, id)
	}
	rows, err := tx.Query(ctx, `SELECT b.store, b.resource, b.gid, min(o.id)
		FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS b(store, resource, gid, last_id)
		JOIN change_outbox o ON o.store = b.store AND o.resource = b.resource AND o.gid = b.gid
		WHERE o.id < b.last_id AND o.published_at IS NULL AND o.id <> ALL($5::bigint[])
		GROUP BY b.store, b.resource, b.gid`, stores, resources, gids, lastIDs, ours)
	if err != nil {
		return nil, fmt.Errorf("check key order: %w", err)
	}
	blockedFrom := map[[3]string]int64{} // the key's first change outside ours
	for rows.Next() {
		var k [3]string
		var id int64
		if err := rows.Scan(&k[0], &k[1], &k[2], &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("check key order: %w", err)
		}
		blockedFrom[k] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check key order: %w", err)
	}
	out := taken[:0:0]
	for _, o := range taken {
		if from, ok := blockedFrom[[3]string{o.store, o.resource, o.gid}]; !ok || o.id < from {
			out = append(out, o)
		}
	}
	return out, nil
}
