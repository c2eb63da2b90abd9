package schema_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/testdb"
)

// README.md is the reference data teams read: every table and column the
// migrations create must be in it, in the table's own section.
func TestReadmeDescribesEveryTableAndColumn(t *testing.T) {
	ctx := context.Background()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	sections := map[string]string{}
	for _, s := range strings.Split(string(readme), "\n### ")[1:] {
		name, body, _ := strings.Cut(s, "\n")
		sections[strings.TrimSpace(name)] = body
	}
	check := func(table, column string) {
		body, ok := sections[table]
		require.Truef(t, ok, "README.md has no section \"### %s\"", table)
		require.Containsf(t, body, "`"+column+"`", "README.md section %s does not describe column %s", table, column)
	}

	// Read every row before checking any: a failed check stops the test, and a
	// query left open would then block the pool's cleanup instead of failing.
	type column struct{ table, name string }
	var pgColumns []column
	rows, err := testdb.Postgres(t).Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	require.NoError(t, err)
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name); err != nil {
			rows.Close()
			t.Fatal(err)
		}
		pgColumns = append(pgColumns, c)
	}
	rows.Close()
	require.NoError(t, rows.Err())
	require.NotEmpty(t, pgColumns)
	for _, c := range pgColumns {
		check(c.table, c.name)
	}

	var chColumns []column
	chRows, err := testdb.ClickHouse(t).Query(ctx, `SELECT table, name FROM system.columns
		WHERE database = currentDatabase() AND table <> 'goose_db_version'`)
	require.NoError(t, err)
	for chRows.Next() {
		var c column
		if err := chRows.Scan(&c.table, &c.name); err != nil {
			chRows.Close()
			t.Fatal(err)
		}
		chColumns = append(chColumns, c)
	}
	chRows.Close()
	require.NoError(t, chRows.Err())
	require.NotEmpty(t, chColumns)
	for _, c := range chColumns {
		check(c.table, c.name)
	}
}
