package schema_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/testdb"
)

const attemptIDMigration = "00003_audit_writes_attempt_id.sql"

// Rebuilding audit_writes as a ReplacingMergeTree keeps the rows written before
// it, each with its own attempt_id derived from its content; repeating the copy
// (a re-run after a partial failure) adds copies that FINAL folds away; and the
// Down migration brings back the plain table with the same rows.
func TestAuditWritesAttemptIDMigrationKeepsRows(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.EmptyClickHouseDSN(t)
	embedded := schema.Migrations(schema.ClickHouse)
	migrations := fstest.MapFS{}
	for _, name := range []string{"00001_audit_writes.sql", "00002_ingest_events.sql"} {
		b, err := fs.ReadFile(embedded, name)
		require.NoError(t, err)
		migrations[name] = &fstest.MapFile{Data: b}
	}
	_, err := schema.MigrateClickHouseFS(ctx, dsn, migrations)
	require.NoError(t, err)

	conn := openClickHouse(t, dsn)
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO audit_writes")
	require.NoError(t, err)
	defer func() { _ = batch.Abort() }()
	for i := range 3 {
		require.NoError(t, batch.Append(at.Add(time.Duration(i)*time.Second), "run-1", uint64(40+i), "src.myshopify.com",
			"d1.myshopify.com", "product", "handle", "", "update", "productSet", "{}", "{}", "ok", "",
			uint32(10), uint32(10), uint32(100), uint16(1), "k"))
	}
	require.NoError(t, batch.Send())

	body, err := fs.ReadFile(embedded, attemptIDMigration)
	require.NoError(t, err)
	up, down, ok := strings.Cut(string(body), "-- +goose Down")
	require.True(t, ok)
	// A first run that failed after its copy: the table and its rows are there.
	for _, stmt := range statements(up)[:2] {
		require.NoError(t, conn.Exec(ctx, stmt), stmt)
	}
	migrations[attemptIDMigration] = &fstest.MapFile{Data: body}
	n, err := schema.MigrateClickHouseFS(ctx, dsn, migrations)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	var count, final, attempts uint64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&count))
	require.NoError(t, conn.QueryRow(ctx, "SELECT count() FROM audit_writes FINAL").Scan(&final))
	require.NoError(t, conn.QueryRow(ctx, "SELECT uniqExact(attempt_id) FROM audit_writes").Scan(&attempts))
	require.Equal(t, uint64(6), count, "the re-run copied the rows a second time")
	require.Equal(t, uint64(3), final, "with the same attempt ids, which FINAL folds")
	require.Equal(t, uint64(3), attempts)
	require.NoError(t, conn.Exec(ctx, "OPTIMIZE TABLE audit_writes FINAL"))
	require.NoError(t, conn.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&count))
	require.Equal(t, uint64(3), count, "and a merge removes the copies")

	rows, err := conn.Query(ctx, "SELECT toString(attempt_id) FROM audit_writes")
	require.NoError(t, err)
	seen := map[string]bool{}
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		require.NotEqual(t, "00000000-0000-0000-0000-000000000000", id)
		seen[id] = true
	}
	require.NoError(t, rows.Err())
	rows.Close()
	require.Len(t, seen, 3, "every copied row has its own attempt_id")

	// Down: the plain MergeTree table again, same rows, no attempt_id.
	for _, stmt := range statements(down) {
		require.NoError(t, conn.Exec(ctx, stmt), stmt)
	}
	var engine string
	require.NoError(t, conn.QueryRow(ctx, `SELECT engine FROM system.tables
		WHERE database = currentDatabase() AND name = 'audit_writes'`).Scan(&engine))
	require.Equal(t, "MergeTree", engine)
	require.NoError(t, conn.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&count))
	require.Equal(t, uint64(3), count)
}

// statements splits a migration section into its statements, without comments.
func statements(section string) []string {
	var out []string
	var b strings.Builder
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(b.String()), ";"))
			b.Reset()
		}
	}
	return out
}
