package testdb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/testdb"
)

// Parallel tests each get their own migrated database, and it is gone after the test.
func TestPostgresIsFreshMigratedAndDropped(t *testing.T) {
	ctx := context.Background()
	names := make(chan string, 4)
	t.Run("group", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				pool := testdb.Postgres(t)
				var version int64
				require.NoError(t, pool.QueryRow(ctx, "SELECT max(version_id) FROM goose_db_version").Scan(&version))
				require.Equal(t, schema.LatestVersion(schema.Postgres), version)

				var stores int
				require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM stores").Scan(&stores))
				require.Zero(t, stores, "no test sees another's rows")
				_, err := pool.Exec(ctx, "INSERT INTO stores (domain, role) VALUES ($1, 'destination')", fmt.Sprintf("d%d.myshopify.com", i))
				require.NoError(t, err)

				var name string
				require.NoError(t, pool.QueryRow(ctx, "SELECT current_database()").Scan(&name))
				names <- name
			})
		}
	})
	close(names)

	admin, err := pgxpool.New(ctx, endpoints.Postgres())
	require.NoError(t, err)
	defer admin.Close()
	for name := range names {
		var exists bool
		require.NoError(t, admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists))
		require.Falsef(t, exists, "database %s is dropped after its test", name)
	}
}

func TestClickHouseIsFreshMigratedAndDropped(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("inner", func(t *testing.T) {
		conn := testdb.ClickHouse(t)
		require.NoError(t, conn.QueryRow(ctx, "SELECT currentDatabase()").Scan(&name))
		var tables uint64
		require.NoError(t, conn.QueryRow(ctx, `SELECT count() FROM system.tables
			WHERE database = currentDatabase() AND name IN ('audit_writes', 'ingest_events')`).Scan(&tables))
		require.Equal(t, uint64(2), tables)
	})
	conn := testdb.ClickHouse(t)
	var exists uint64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count() FROM system.databases WHERE name = ?", name).Scan(&exists))
	require.Zero(t, exists, "database %s is dropped after its test", name)
}
