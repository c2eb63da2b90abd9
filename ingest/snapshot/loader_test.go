package snapshot_test

import (
	"context"
	"iter"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/shopify/bulk"
)

// copyLoader stands in for the mirror's loader in the runner's own tests:
// it COPYs every record into a plain table inside one transaction, runs
// OnCommit in it and commits, so that what the runner's state machine did
// can be read back from the database.
type copyLoader struct {
	pool  *pgxpool.Pool
	loads atomic.Int64 // LoadSnapshot calls that committed
}

func newCopyLoader(t *testing.T, pool *pgxpool.Pool) *copyLoader {
	t.Helper()
	_, err := pool.Exec(context.Background(), `CREATE TABLE loaded_records (
		run_id bigint NOT NULL, family text NOT NULL, gid text NOT NULL, parent text NOT NULL, root text NOT NULL, raw jsonb NOT NULL)`)
	require.NoError(t, err)
	return &copyLoader{pool: pool}
}

func (l *copyLoader) LoadSnapshot(ctx context.Context, b snapshot.Batch, records iter.Seq2[bulk.Record, error]) (snapshot.LoadStats, error) {
	tx, err := l.pool.Begin(ctx)
	if err != nil {
		return snapshot.LoadStats{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	src := &recordSource{b: b}
	src.next, src.stop = iter.Pull2(records)
	defer src.stop()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"loaded_records"}, []string{"run_id", "family", "gid", "parent", "root", "raw"}, src)
	if err != nil {
		return snapshot.LoadStats{}, err
	}
	if err := b.OnCommit(ctx, tx); err != nil {
		return snapshot.LoadStats{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return snapshot.LoadStats{}, err
	}
	l.loads.Add(1)
	return snapshot.LoadStats{Records: n, Changed: n, OnCommitRan: true}, nil
}

// recordSource feeds pulled records to CopyFrom.
type recordSource struct {
	b    snapshot.Batch
	next func() (bulk.Record, error, bool)
	stop func()
	cur  []any
	err  error
}

func (s *recordSource) Next() bool {
	rec, err, ok := s.next()
	if !ok {
		return false
	}
	if err != nil {
		s.err = err
		return false
	}
	s.cur = []any{s.b.RunID, string(s.b.Family), rec.ID, rec.ParentID, rec.Root, string(rec.Raw)}
	return true
}

func (s *recordSource) Values() ([]any, error) { return s.cur, nil }
func (s *recordSource) Err() error             { return s.err }
