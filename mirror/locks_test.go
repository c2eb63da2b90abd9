package mirror

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
)

// A webhook arriving while a snapshot commits waits for the commit's table
// lock, then applies against what the commit wrote: never in between.
func TestApplyWaitsForSnapshotCommitLock(t *testing.T) {
	pool := testdb.Postgres(t)
	ctx := t.Context()
	_, err := pool.Exec(ctx, `INSERT INTO stores (domain, role) VALUES ('s.myshopify.com', 'source')`)
	require.NoError(t, err)
	m, err := New(pool, DefaultConfig())
	require.NoError(t, err)

	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(context.WithoutCancel(ctx))
	require.NoError(t, lockTables(ctx, holder, []tableLock{{tableOf(events.Product), "s.myshopify.com"}}))

	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &Product{Store: "s.myshopify.com", GID: "gid://shopify/Product/1", Handle: "p", Title: "P", Status: "ACTIVE", UpdatedAt: &at}
	done := make(chan error, 1)
	go func() {
		_, err := m.Apply(context.Background(), pool, events.Webhook, Batch{Rows: []Row{p}})
		done <- err
	}()
	require.Eventually(t, func() bool {
		var waiting int
		// pg_locks is the whole server's: count this test database's only.
		err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting)
		return err == nil && waiting == 1
	}, 10*time.Second, 10*time.Millisecond, "Apply did not wait for the lock")
	select {
	case err := <-done:
		t.Fatalf("Apply finished while the lock was held: %v", err)
	default:
	}
	require.NoError(t, holder.Commit(ctx))
	require.NoError(t, <-done)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM products`).Scan(&n))
	require.Equal(t, 1, n)
}
