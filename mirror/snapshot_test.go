package mirror_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

func TestSnapshotCreatesRowsAndChanges(t *testing.T) {
	m, pool := newMirror(t)
	res := snapshot(t, m, true, catalogue(3, t0)...)
	require.Equal(t, mirror.Counts{Staged: 3, Created: 3}, res.Tables[events.Product])
	require.Equal(t, mirror.Counts{Staged: 6, Created: 6}, res.Tables[events.Variant])

	require.Equal(t, 3, count(t, pool, `SELECT count(*) FROM products WHERE deleted_at IS NULL AND version = 1`))
	require.Equal(t, 6, count(t, pool, `SELECT count(*) FROM variants WHERE deleted_at IS NULL AND version = 1`))
	cs := changes(t, pool)
	require.Len(t, cs, 9)
	for _, c := range cs {
		require.Equal(t, "create", c.Operation)
		require.Equal(t, "bulk", c.Source)
		require.Nil(t, c.Before)
		require.Equal(t, c.GID, c.After["gid"])
		require.NotContains(t, c.After, "raw")
		require.EqualValues(t, 1, c.Version)
	}
	require.Equal(t, "product-1", cs[0].After["handle"])
	// Staging is gone after the commit.
	require.Zero(t, count(t, pool, `SELECT count(*) FROM pg_tables WHERE schemaname = 'mirror_staging'`))
}

func TestResnapshotUnchangedWritesNothing(t *testing.T) {
	m, pool := newMirror(t)
	snapshot(t, m, true, catalogue(3, t0)...)
	res := snapshot(t, m, true, catalogue(3, t0)...)
	require.Zero(t, res.Changes())
	require.Equal(t, mirror.Counts{Staged: 6, Unchanged: 6}, res.Tables[events.Variant])
	require.Len(t, changes(t, pool), 9)
}

func TestResnapshotEditWritesOneUpdate(t *testing.T) {
	m, pool := newMirror(t)
	snapshot(t, m, true, catalogue(2, t0)...)
	rows := catalogue(2, t0.Add(time.Minute))
	rows[1].(*mirror.Variant).Price = "12.50" // product 1, variant 1
	res := snapshot(t, m, true, rows...)
	require.EqualValues(t, 1, res.Changes())
	require.Equal(t, mirror.Counts{Staged: 4, Updated: 1, Unchanged: 3}, res.Tables[events.Variant])

	cs := changes(t, pool)
	last := cs[len(cs)-1]
	require.Equal(t, "update", last.Operation)
	require.Equal(t, variantGID(1, 1), last.GID)
	require.EqualValues(t, 10, last.Before["price"])
	require.EqualValues(t, 12.5, last.After["price"])
	require.EqualValues(t, 1, last.Before["version"])
	require.EqualValues(t, 2, last.After["version"])
	require.EqualValues(t, 2, last.Version)
}

func TestCompleteSnapshotTombstonesMissing(t *testing.T) {
	m, pool := newMirror(t)
	snapshot(t, m, true, catalogue(3, t0)...)
	rows := catalogue(3, t0)
	rows = append(rows[:3], rows[6:]...) // product 2 and its variants are gone
	res := snapshot(t, m, true, rows...)
	require.EqualValues(t, 1, res.Tables[events.Product].Deleted)
	require.EqualValues(t, 2, res.Tables[events.Variant].Deleted)

	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM products WHERE deleted_at IS NOT NULL AND gid = $1 AND version = 2`, productGID(2)))
	var deletes []change
	for _, c := range changes(t, pool) {
		if c.Operation == "delete" {
			deletes = append(deletes, c)
		}
	}
	require.Len(t, deletes, 3)
	require.Equal(t, productGID(2), deletes[0].GID)
	require.Nil(t, deletes[0].After)
	require.Equal(t, "product-2", deletes[0].Before["handle"])

	// An incomplete snapshot tombstones nothing.
	res = snapshot(t, m, false, product(1, t0))
	require.Zero(t, res.Changes())
}

// A row PostgreSQL refuses fails the commit, and nothing of the snapshot is
// applied, not even the tables merged before the bad one.
func TestSnapshotMalformedRowAppliesNothing(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	rows := catalogue(3, t0)
	rows[4].(*mirror.Variant).Price = "-5" // violates variants' CHECK (price >= 0)
	s, err := m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Products})
	require.NoError(t, err)
	require.NoError(t, s.Add(ctx, "3", rows...))
	_, err = s.Commit(ctx, mirror.CommitOptions{Complete: true})
	require.ErrorContains(t, err, "variants_price_check")
	require.Zero(t, count(t, pool, `SELECT count(*) FROM products`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM variants`))
	require.Empty(t, changes(t, pool))
	require.NoError(t, s.Abort(ctx))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM pg_tables WHERE schemaname = 'mirror_staging'`))

	// A row the mirror can tell is wrong fails at Add.
	s, err = m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Products})
	require.NoError(t, err)
	bad := product(9, t0)
	bad.GID = "gid://shopify/Order/9"
	require.ErrorIs(t, s.Add(ctx, "1", bad), mirror.ErrInvalidRow)
	other := product(9, t0)
	other.Store = "other.myshopify.com"
	require.ErrorIs(t, s.Add(ctx, "1", other), mirror.ErrInvalidRow)
	require.NoError(t, s.Abort(ctx))
}

// A loader that stops (crashes) after staging some batches resumes from the
// cursor staged with them, and the commit sees every row exactly once.
func TestSnapshotResumesFromStagedCursor(t *testing.T) {
	m, pool := newMirror(t) // BatchRows 1000
	ctx := t.Context()
	var runID int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO ingest_runs (store, family, status) VALUES ($1, 'products', 'loading') RETURNING id`, store).Scan(&runID))
	spec := mirror.SnapshotSpec{Store: store, Family: events.Products, RunID: runID}
	rows := catalogue(1000, t0) // 3000 rows, one per "line"

	s, err := m.ResumeSnapshot(ctx, spec)
	require.NoError(t, err)
	require.Equal(t, "", s.Cursor())
	started := s.StartedAt()
	for i := 0; i < 2500; i++ {
		require.NoError(t, s.Add(ctx, strconv.Itoa(i+1), rows[i]))
	}
	s.Close() // the loader dies: rows after the last staged batch are lost

	s, err = m.ResumeSnapshot(ctx, spec)
	require.NoError(t, err)
	cursor, err := strconv.Atoi(s.Cursor())
	require.NoError(t, err)
	require.GreaterOrEqual(t, cursor, 1000)
	require.Less(t, cursor, 2500)
	require.EqualValues(t, cursor, s.Staged())
	require.True(t, started.Equal(s.StartedAt()), "a resumed run keeps its start")
	for i := cursor; i < len(rows); i++ {
		require.NoError(t, s.Add(ctx, strconv.Itoa(i+1), rows[i]))
	}
	res, err := s.Commit(ctx, mirror.CommitOptions{Complete: true, InTx: func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE ingest_runs SET status = 'completed', finished_at = now() WHERE id = $1`, runID)
		return err
	}})
	require.NoError(t, err)
	require.EqualValues(t, 3000, res.Changes())
	require.Equal(t, 2000, count(t, pool, `SELECT count(*) FROM variants`))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM ingest_runs WHERE status = 'completed'`))

	// The run's staging is gone: resuming it again starts afresh.
	s, err = m.ResumeSnapshot(ctx, spec)
	require.NoError(t, err)
	require.Equal(t, "", s.Cursor())
	require.NoError(t, s.Abort(ctx))
}
