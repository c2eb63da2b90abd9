package schema_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/testdb"
)

// The mirror tables: every one keyed by (store, gid) and carrying the same
// bookkeeping columns.
var mirrorTables = []string{
	"locations", "products", "variants", "inventory_items", "inventory_levels",
	"collections", "pages", "blogs", "articles", "orders", "order_line_items",
}

var mirrorColumns = []string{"store", "gid", "raw", "content_hash", "version", "updated_at", "synced_at", "deleted_at"}

// Other tables and the columns other modules rely on.
var stateTables = map[string][]string{
	"stores":              {"domain", "role", "plan_tier"},
	"collection_products": {"store", "collection_gid", "product_gid", "position", "deleted_at"},
	"links":               {"id", "source_store", "destination_store", "match_key", "price_multiplier", "price_offset", "field_policies", "delete_policy", "inventory_mode"},
	"link_locations":      {"link_id", "source_location_gid", "destination_location_gid"},
	"id_map":              {"link_id", "resource", "source_gid", "destination_gid"},
	"plan_deltas":         {"id", "link_id", "target_store", "resource", "operation", "key", "desired", "planned_version", "reason", "status", "error", "created_at", "applied_at"},
	"change_outbox":       {"id", "store", "resource", "gid", "operation", "before", "after", "version", "source", "created_at", "published_at"},
	"webhook_deliveries":  {"webhook_id", "store", "topic", "payload", "status"},
	"ingest_runs":         {"id", "store", "family", "bulk_operation_id", "status", "cursor", "started_at", "finished_at"},
}

// The indexes that make the planner's match-key joins fast.
var matchIndexes = map[string]string{
	"products_handle_live":      "products",
	"variants_sku_live":         "variants",
	"variants_barcode_live":     "variants",
	"collections_handle_live":   "collections",
	"pages_handle_live":         "pages",
	"blogs_handle_live":         "blogs",
	"articles_blog_handle_live": "articles",
}

func TestMigratePostgresAppliesOnceThenNothing(t *testing.T) {
	ctx := context.Background()
	url := testdb.EmptyPostgresURL(t)
	files, err := schema.MigrationFiles(schema.Postgres)
	require.NoError(t, err)

	var applied []string
	n, err := schema.MigratePostgres(ctx, url, schema.WithProgress(func(a schema.Applied) {
		require.Equal(t, schema.Postgres, a.Database)
		applied = append(applied, a.Name)
	}))
	require.NoError(t, err)
	require.Equal(t, len(files), n)
	require.Len(t, applied, n)
	require.Equal(t, files[0].Name, applied[0])

	pool := connect(t, url)
	before := postgresCatalog(t, pool)

	n, err = schema.MigratePostgres(ctx, url)
	require.NoError(t, err)
	require.Zero(t, n, "a second run applies nothing")
	require.Equal(t, before, postgresCatalog(t, pool), "a second run changes nothing")

	st, err := schema.PostgresStatus(ctx, url)
	require.NoError(t, err)
	require.Equal(t, schema.LatestVersion(schema.Postgres), st.Current)
	require.Equal(t, st.Latest, st.Current)
	require.Empty(t, st.Pending)
}

func TestPostgresStatusOnEmptyDatabase(t *testing.T) {
	st, err := schema.PostgresStatus(context.Background(), testdb.EmptyPostgresURL(t))
	require.NoError(t, err)
	require.Zero(t, st.Current)
	require.Len(t, st.Pending, int(st.Latest))
}

func TestPostgresTablesColumnsAndIndexes(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)

	columns := map[string]map[string]bool{}
	rows, err := pool.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`)
	require.NoError(t, err)
	for rows.Next() {
		var table, column string
		require.NoError(t, rows.Scan(&table, &column))
		if columns[table] == nil {
			columns[table] = map[string]bool{}
		}
		columns[table][column] = true
	}
	require.NoError(t, rows.Err())

	for _, table := range mirrorTables {
		require.Containsf(t, columns, table, "mirror table %s", table)
		for _, c := range mirrorColumns {
			require.Truef(t, columns[table][c], "%s.%s", table, c)
		}
		var pk string
		require.NoError(t, pool.QueryRow(ctx, `SELECT pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = $1::regclass AND contype = 'p'`, table).Scan(&pk))
		require.Equalf(t, "PRIMARY KEY (store, gid)", pk, "%s is keyed by (store, gid)", table)
	}
	for table, cols := range stateTables {
		require.Containsf(t, columns, table, "table %s", table)
		for _, c := range cols {
			require.Truef(t, columns[table][c], "%s.%s", table, c)
		}
	}
	require.True(t, columns["variants"]["sku"] && columns["variants"]["barcode"] && columns["variants"]["price"])
	require.True(t, columns["inventory_levels"]["available"] && columns["inventory_levels"]["on_hand"])

	for index, table := range matchIndexes {
		var def string
		require.NoErrorf(t, pool.QueryRow(ctx, `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = $1`, index).Scan(&def), "index %s", index)
		require.Containsf(t, def, "ON public."+table+" ", "%s", def)
		_, where, ok := strings.Cut(def, " WHERE ")
		require.Truef(t, ok && strings.Contains(where, "deleted_at IS NULL"), "%s covers live rows only: %s", index, def)
	}
}

// The partial indexes only serve queries whose WHERE implies the index's: the
// planner's joins must say deleted_at IS NULL and, for SKU and barcode, <> ”.
// README.md shows these queries; this checks PostgreSQL uses the indexes for them.
func TestMatchKeyJoinsUseTheIndexes(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	// The tables are empty; forbid the sequential scans an empty table invites.
	_, err = conn.Exec(ctx, "SET enable_seqscan = off")
	require.NoError(t, err)

	queries := map[string]string{
		"products_handle_live": `SELECT d.gid FROM products s JOIN products d ON d.store = $2 AND d.handle = s.handle AND d.deleted_at IS NULL
			WHERE s.store = $1 AND s.deleted_at IS NULL`,
		"variants_sku_live": `SELECT d.gid FROM variants s JOIN variants d ON d.store = $2 AND d.sku = s.sku AND d.sku <> '' AND d.deleted_at IS NULL
			WHERE s.store = $1 AND s.deleted_at IS NULL`,
		"variants_barcode_live": `SELECT d.gid FROM variants s JOIN variants d ON d.store = $2 AND d.barcode = s.barcode AND d.barcode <> '' AND d.deleted_at IS NULL
			WHERE s.store = $1 AND s.deleted_at IS NULL`,
	}
	for index, q := range queries {
		rows, err := conn.Query(ctx, "EXPLAIN "+q, "src.myshopify.com", "dst.myshopify.com")
		require.NoError(t, err)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.Containsf(t, strings.Join(lines, "\n"), index, "plan of the %s join", index)
	}
}

// A failing migration is reported with the database and the file, and leaves the
// migrations before it applied.
func TestMigratePostgresNamesTheFailedMigration(t *testing.T) {
	ctx := context.Background()
	url := testdb.EmptyPostgresURL(t)
	bad := fstest.MapFS{
		"00001_ok.sql":     {Data: []byte("-- +goose Up\nCREATE TABLE ok (id int);\n-- +goose Down\nDROP TABLE ok;\n")},
		"00002_broken.sql": {Data: []byte("-- +goose Up\nCREATE TABLE broken (id no_such_type);\n-- +goose Down\nDROP TABLE broken;\n")},
	}
	n, err := schema.MigratePostgresFS(ctx, url, bad)
	require.Equal(t, 1, n)
	var merr *schema.MigrationError
	require.ErrorAs(t, err, &merr)
	require.Equal(t, "00002_broken.sql", merr.Migration)
	require.Contains(t, err.Error(), "postgres ")
	require.Contains(t, err.Error(), "00002_broken.sql")
	require.Contains(t, err.Error(), "no_such_type")

	var exists bool
	require.NoError(t, connect(t, url).QueryRow(ctx, "SELECT to_regclass('ok') IS NOT NULL").Scan(&exists))
	require.True(t, exists, "the migration before the failure stays applied")
}

func TestMigratePostgresErrorsHideThePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := schema.MigratePostgres(ctx, "postgres://shopsync:s3cretpw@127.0.0.1:1/shopsync?sslmode=disable&connect_timeout=2")
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:1")
	require.NotContains(t, err.Error(), "s3cretpw")
}

func TestEveryPostgresTableAndColumnHasAComment(t *testing.T) {
	rows, err := testdb.Postgres(t).Query(context.Background(), `
		SELECT c.relname, coalesce(a.attname, '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relkind = 'r' AND c.relname <> 'goose_db_version'
		  AND col_description(c.oid, coalesce(a.attnum, 0)) IS NULL
		  AND (a.attnum IS NOT NULL OR obj_description(c.oid, 'pg_class') IS NULL)`)
	require.NoError(t, err)
	missing, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var table, column string
		err := r.Scan(&table, &column)
		return strings.TrimSuffix(table+"."+column, "."), err
	})
	require.NoError(t, err)
	require.Empty(t, missing, "COMMENT ON these, so that \\d+ explains them")
}

func connect(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// postgresCatalog describes the public schema: its columns, constraints and
// indexes, and goose's version rows.
func postgresCatalog(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace
		UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
		UNION ALL SELECT 'version ' || version_id || ' ' || is_applied FROM goose_db_version
		ORDER BY 1`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}
