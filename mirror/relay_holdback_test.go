package mirror

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// insertChanges writes one outbox change per gid, in order, and returns
// their rows as take reads them.
func insertChanges(t *testing.T, pool *pgxpool.Pool, gids ...string) []outboxRow {
	t.Helper()
	var out []outboxRow
	for i, gid := range gids {
		o := outboxRow{store: "hold.myshopify.com", resource: "product", gid: gid}
		require.NoError(t, pool.QueryRow(t.Context(), `INSERT INTO change_outbox (store, resource, gid, operation, after, version, source)
			VALUES ($1, $2, $3, 'create', '{}', $4, 'webhook') RETURNING id`, o.store, o.resource, o.gid, i+1).Scan(&o.id))
		out = append(out, o)
	}
	return out
}

func ids(rows []outboxRow) []int64 {
	var out []int64
	for _, o := range rows {
		out = append(out, o.id)
	}
	return out
}

// A key's change held by another transaction between two changes of the key
// that a batch took (SKIP LOCKED passed over it) holds back the later one:
// the key's v1 goes, its v3 waits for v2. A change of the key in this
// relay's batch in flight holds back nothing, as that batch goes first.
func TestHoldBackKeepsKeyOrderAroundALockedChange(t *testing.T) {
	pool := testdb.Postgres(t)
	ctx := t.Context()
	rows := insertChanges(t, pool, "gid://shopify/Product/1", "gid://shopify/Product/2",
		"gid://shopify/Product/1", "gid://shopify/Product/1")
	v1, other, v2, v3 := rows[0], rows[1], rows[2], rows[3]

	// Another batch holds v2 (another relay's, or this relay's previous
	// batch, which held it back).
	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = holder.Rollback(context.WithoutCancel(ctx)) }()
	_, err = holder.Exec(ctx, `SELECT id FROM change_outbox WHERE id = $1 FOR UPDATE`, v2.id)
	require.NoError(t, err)

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var taken []outboxRow
	lockedIDs := map[int64]bool{}
	got, err := tx.Query(ctx, `SELECT id FROM change_outbox WHERE published_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED`)
	require.NoError(t, err)
	for got.Next() {
		var id int64
		require.NoError(t, got.Scan(&id))
		lockedIDs[id] = true
	}
	require.NoError(t, got.Err())
	for _, o := range rows {
		if lockedIDs[o.id] {
			taken = append(taken, o)
		}
	}
	require.Equal(t, ids([]outboxRow{v1, other, v3}), ids(taken), "SKIP LOCKED passes over the held change")

	send, err := holdBack(ctx, tx, taken, nil)
	require.NoError(t, err)
	require.Equal(t, ids([]outboxRow{v1, other}), ids(send), "v3 must wait for v2")

	send, err = holdBack(ctx, tx, taken, []int64{v2.id})
	require.NoError(t, err)
	require.Equal(t, ids(taken), ids(send), "v2 in this relay's batch in flight goes first")
}
