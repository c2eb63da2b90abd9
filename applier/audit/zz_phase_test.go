package audit_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/schema/testdb"
)

func TestZZPhases(t *testing.T) {
	ctx := context.Background()
	db, ch := testdb.Postgres(t), testdb.ClickHouse(t)
	rows := benchRows(10000)
	start := time.Now()
	for _, r := range rows {
		require.NoError(t, audit.BufferRow(ctx, db, r))
	}
	t.Logf("buffer 10000 one by one: %s", time.Since(start))
	claim := `UPDATE audit_outbox o SET deliveries = o.deliveries + 1, leased_until = now() + interval '1 min'
FROM (SELECT id FROM audit_outbox WHERE leased_until IS NULL OR leased_until < now() ORDER BY id LIMIT 10000 FOR UPDATE SKIP LOCKED) c
WHERE o.id = c.id RETURNING o.id, o.deliveries, o.payload`
	start = time.Now()
	res, err := db.Query(ctx, claim)
	require.NoError(t, err)
	var payloads [][]byte
	var ids []int64
	for res.Next() {
		var id int64
		var d int32
		var p []byte
		require.NoError(t, res.Scan(&id, &d, &p))
		payloads = append(payloads, p)
		ids = append(ids, id)
	}
	require.NoError(t, res.Err())
	t.Logf("claim: %s", time.Since(start))
	start = time.Now()
	decoded := make([]audit.Row, len(payloads))
	for i, p := range payloads {
		require.NoError(t, json.Unmarshal(p, &decoded[i]))
	}
	t.Logf("decode: %s", time.Since(start))
	start = time.Now()
	require.NoError(t, audit.Insert(ch, "audit_writes", decoded))
	t.Logf("insert: %s", time.Since(start))
	start = time.Now()
	_, err = db.Exec(ctx, "DELETE FROM audit_outbox WHERE id = ANY($1)", ids)
	require.NoError(t, err)
	t.Logf("delete: %s", time.Since(start))
	_ = pgx.Identifier{}
}
