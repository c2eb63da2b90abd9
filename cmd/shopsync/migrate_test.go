package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/testdb"
)

func runShopsync(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCommand()
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestMigrateAppliesThenReportsUpToDate(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.EmptyPostgresURL(t))
	t.Setenv("CLICKHOUSE_DSN", testdb.EmptyClickHouseDSN(t))

	out, err := runShopsync(t, "migrate")
	require.NoError(t, err, out)
	require.Contains(t, out, "postgres postgres://")
	require.Contains(t, out, "  applied 00001_stores.sql")
	require.Contains(t, out, "clickhouse clickhouse://")
	require.Contains(t, out, "  applied 00001_audit_writes.sql")

	out, err = runShopsync(t, "migrate")
	require.NoError(t, err, out)
	require.NotContains(t, out, "applied ")
	require.Contains(t, out, "up to date at version ")

	out, err = runShopsync(t, "migrate", "--status", "--postgres-only")
	require.NoError(t, err, out)
	require.NotContains(t, out, "clickhouse")
	latest := schema.LatestVersion(schema.Postgres)
	require.Contains(t, out, fmt.Sprintf("at version %d of %d", latest, latest))
	require.NotContains(t, out, "pending")
}

func TestMigrateStatusListsPending(t *testing.T) {
	t.Setenv("CLICKHOUSE_DSN", testdb.EmptyClickHouseDSN(t))
	out, err := runShopsync(t, "migrate", "--status", "--clickhouse-only")
	require.NoError(t, err, out)
	require.Contains(t, out, "at version 0 of ")
	require.Contains(t, out, "  pending 00001_audit_writes.sql")
}

// A failure names the database and never shows the password; the other
// database is still migrated.
func TestMigrateErrorsNameTheDatabaseWithoutPassword(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://shopsync:s3cretpw@127.0.0.1:1/shopsync?sslmode=disable&connect_timeout=2")
	t.Setenv("CLICKHOUSE_DSN", testdb.EmptyClickHouseDSN(t))
	out, err := runShopsync(t, "migrate")
	require.Error(t, err)
	require.Contains(t, err.Error(), "postgres postgres://shopsync:xxxxx@127.0.0.1:1/shopsync")
	require.NotContains(t, err.Error()+out, "s3cretpw")
	require.Contains(t, out, "applied 00001_audit_writes.sql", "ClickHouse is migrated despite the Postgres failure")
}

func TestMigrateFlagsExcludeEachOther(t *testing.T) {
	_, err := runShopsync(t, "migrate", "--postgres-only", "--clickhouse-only")
	require.ErrorContains(t, err, "exclude each other")
}
