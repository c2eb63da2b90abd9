package runs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/schema/events"
)

// ErrBusy is Create finding another active run of the same store and family.
var ErrBusy = errors.New("runs: another run of this store and family is active")

// Querier is what the store writes through: the pool, or a transaction when
// a run's progress must commit together with the mirror rows it describes.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Store reads and writes ingest_runs.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const columns = `id, store, family, kind, coalesce(bulk_operation_id, ''), status, coalesce(cursor, ''),
	object_count, coalesce(error, ''), started_at, coalesce(finished_at, 'epoch'), updated_at`

func scan(row pgx.Row) (Run, error) {
	var r Run
	var family, kind, status string
	err := row.Scan(&r.ID, &r.Store, &family, &kind, &r.BulkOperationID, &status, &r.Cursor,
		&r.ObjectCount, &r.Error, &r.StartedAt, &r.FinishedAt, &r.UpdatedAt)
	r.Family, r.Kind, r.Status = events.Family(family), Kind(kind), Status(status)
	if r.FinishedAt.Equal(time.Unix(0, 0)) {
		r.FinishedAt = time.Time{}
	}
	return r, err
}

// Active returns the unfinished run of store and family, of either kind,
// or nil when there is none.
func (s *Store) Active(ctx context.Context, store string, family events.Family) (*Run, error) {
	r, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM ingest_runs
		WHERE store = $1 AND family = $2 AND status IN ('pending', 'running', 'loading')`, store, string(family)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("runs: active run of %s %s: %w", store, family, err)
	}
	return &r, nil
}

// Create starts a pending run. It returns ErrBusy when store and family
// have an active run already.
func (s *Store) Create(ctx context.Context, store string, family events.Family, kind Kind) (Run, error) {
	r, err := scan(s.pool.QueryRow(ctx, `INSERT INTO ingest_runs (store, family, kind) VALUES ($1, $2, $3)
		ON CONFLICT (store, family) WHERE status IN ('pending', 'running', 'loading') DO NOTHING
		RETURNING `+columns, store, string(family), string(kind)))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("runs: create %s run of %s %s: %w", kind, store, family, ErrBusy)
	}
	if err != nil {
		return Run{}, fmt.Errorf("runs: create %s run of %s %s: %w", kind, store, family, err)
	}
	return r, nil
}

// Get reads one run.
func (s *Store) Get(ctx context.Context, id int64) (Run, error) {
	r, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM ingest_runs WHERE id = $1`, id))
	if err != nil {
		return Run{}, fmt.Errorf("runs: run %d: %w", id, err)
	}
	return r, nil
}

// BulkStarted records the bulk operation a pending run created: the first
// thing done once Shopify answers, so that a restart waits on it rather
// than starting another.
func (s *Store) BulkStarted(ctx context.Context, id int64, bulkOperationID string) error {
	return s.update(ctx, s.pool, id, `status = 'running', bulk_operation_id = $2`, bulkOperationID)
}

// Loading records that the bulk operation completed with objects records and
// its result is being loaded.
func (s *Store) Loading(ctx context.Context, id int64, objects int64) error {
	return s.update(ctx, s.pool, id, `status = 'loading', object_count = $2`, objects)
}

// Running marks a reconcile pass as paging.
func (s *Store) Running(ctx context.Context, id int64) error {
	return s.update(ctx, s.pool, id, `status = 'running'`)
}

// Advance records a reconcile pass's progress through q, normally the
// transaction that committed the page the cursor stands after: objects
// more read, and the cursor moved to cursor (an RFC 3339 time) unless it
// is empty.
func (s *Store) Advance(ctx context.Context, q Querier, id int64, cursor string, objects int64) error {
	return s.update(ctx, q, id, `cursor = coalesce(nullif($2, ''), cursor), object_count = object_count + $3`, cursor, objects)
}

// Complete finishes a run through q (the transaction that loaded the
// snapshot, so that the mirror and the run's status commit together).
func (s *Store) Complete(ctx context.Context, q Querier, id int64, objects int64) error {
	return s.update(ctx, q, id, `status = 'completed', finished_at = now(), error = NULL, object_count = $2`, objects)
}

// Fail finishes a run as failed, keeping why. The reason must hold no
// secret: it is stored and shown.
func (s *Store) Fail(ctx context.Context, id int64, reason string) error {
	return s.update(ctx, s.pool, id, `status = 'failed', finished_at = now(), error = $2`, reason)
}

// Cancel finishes a run as canceled, keeping why.
func (s *Store) Cancel(ctx context.Context, id int64, reason string) error {
	return s.update(ctx, s.pool, id, `status = 'canceled', finished_at = now(), error = $2`, reason)
}

func (s *Store) update(ctx context.Context, q Querier, id int64, set string, args ...any) error {
	tag, err := q.Exec(ctx, `UPDATE ingest_runs SET `+set+`, updated_at = now() WHERE id = $1`, append([]any{id}, args...)...)
	if err != nil {
		return fmt.Errorf("runs: update run %d: %w", id, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("runs: update run %d: no such run", id)
	}
	return nil
}

// LastCompleted returns the newest completed run of a kind for store and
// family, or nil.
func (s *Store) LastCompleted(ctx context.Context, store string, family events.Family, kind Kind) (*Run, error) {
	r, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM ingest_runs
		WHERE store = $1 AND family = $2 AND kind = $3 AND status = 'completed'
		ORDER BY started_at DESC, id DESC LIMIT 1`, store, string(family), string(kind)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("runs: last %s of %s %s: %w", kind, store, family, err)
	}
	return &r, nil
}

// ReconcileCursor is where the next reconcile pass of store and family
// starts: the later of the newest reconcile cursor (whatever became of its
// pass: a cursor is only written after its page committed) and the start
// of the newest completed snapshot, which read everything older. ok is
// false when neither exists: the family was never mirrored.
func (s *Store) ReconcileCursor(ctx context.Context, store string, family events.Family) (cursor time.Time, ok bool, err error) {
	var rc, snap *time.Time
	err = s.pool.QueryRow(ctx, `SELECT
		(SELECT cursor::timestamptz FROM ingest_runs WHERE store = $1 AND family = $2 AND kind = 'reconcile' AND cursor IS NOT NULL
		 ORDER BY cursor::timestamptz DESC LIMIT 1),
		(SELECT started_at FROM ingest_runs WHERE store = $1 AND family = $2 AND kind = 'snapshot' AND status = 'completed'
		 ORDER BY started_at DESC LIMIT 1)`, store, string(family)).Scan(&rc, &snap)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("runs: reconcile cursor of %s %s: %w", store, family, err)
	}
	switch {
	case rc != nil && snap != nil:
		return later(*rc, *snap), true, nil
	case rc != nil:
		return *rc, true, nil
	case snap != nil:
		return *snap, true, nil
	}
	return time.Time{}, false, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
