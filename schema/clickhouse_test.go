package schema_test

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/pressly/goose/v3/database"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/testdb"
)

var clickhouseTables = map[string][]string{
	"audit_writes": {"time", "run_id", "delta_id", "source", "destination", "resource", "key", "target_gid", "operation",
		"mutation", "before", "after", "status", "error", "requested_cost", "cost", "latency_ms", "attempt", "idempotency_key", "attempt_id"},
	"ingest_events": {"time", "store", "family", "source", "event", "run_id", "webhook_id", "resource", "gid",
		"objects", "changes", "latency_ms", "status", "error", "detail"},
}

// audit_writes folds copies of one attempt (same attempt_id) into one row.
var clickhouseEngines = map[string]string{"audit_writes": "ReplacingMergeTree", "ingest_events": "MergeTree"}

func TestMigrateClickHouseAppliesOnceThenNothing(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.EmptyClickHouseDSN(t)
	files, err := schema.MigrationFiles(schema.ClickHouse)
	require.NoError(t, err)

	var applied []string
	n, err := schema.MigrateClickHouse(ctx, dsn, schema.WithProgress(func(a schema.Applied) {
		require.Equal(t, schema.ClickHouse, a.Database)
		applied = append(applied, a.Name)
	}))
	require.NoError(t, err)
	require.Equal(t, len(files), n)
	require.Len(t, applied, n)

	conn := openClickHouse(t, dsn)
	before := clickhouseCatalog(t, conn)

	n, err = schema.MigrateClickHouse(ctx, dsn)
	require.NoError(t, err)
	require.Zero(t, n, "a second run applies nothing")
	require.Equal(t, before, clickhouseCatalog(t, conn), "a second run changes nothing")

	st, err := schema.ClickHouseStatus(ctx, dsn)
	require.NoError(t, err)
	require.Equal(t, schema.LatestVersion(schema.ClickHouse), st.Current)
	require.Empty(t, st.Pending)
}

func TestClickHouseTablesAndColumns(t *testing.T) {
	ctx := context.Background()
	conn := testdb.ClickHouse(t)
	for table, want := range clickhouseTables {
		var engine, partition string
		require.NoErrorf(t, conn.QueryRow(ctx, `SELECT engine, partition_key FROM system.tables
			WHERE database = currentDatabase() AND name = ?`, table).Scan(&engine, &partition), "table %s", table)
		require.Equal(t, clickhouseEngines[table], engine, table)
		require.Equal(t, "toYYYYMM(time)", partition, "%s is partitioned by month", table)

		rows, err := conn.Query(ctx, `SELECT name, comment FROM system.columns
			WHERE database = currentDatabase() AND table = ?`, table)
		require.NoError(t, err)
		var got []string
		for rows.Next() {
			var name, comment string
			require.NoError(t, rows.Scan(&name, &comment))
			require.NotEmptyf(t, comment, "%s.%s has a COMMENT", table, name)
			got = append(got, name)
		}
		require.NoError(t, rows.Err())
		require.ElementsMatch(t, want, got, table)
	}
}

// auditRow mirrors audit_writes column for column, for the round trip.
type auditRow struct {
	Time           time.Time `ch:"time"`
	RunID          string    `ch:"run_id"`
	DeltaID        uint64    `ch:"delta_id"`
	Source         string    `ch:"source"`
	Destination    string    `ch:"destination"`
	Resource       string    `ch:"resource"`
	Key            string    `ch:"key"`
	TargetGID      string    `ch:"target_gid"`
	Operation      string    `ch:"operation"`
	Mutation       string    `ch:"mutation"`
	Before         string    `ch:"before"`
	After          string    `ch:"after"`
	Status         string    `ch:"status"`
	Error          string    `ch:"error"`
	RequestedCost  uint32    `ch:"requested_cost"`
	Cost           uint32    `ch:"cost"`
	LatencyMS      uint32    `ch:"latency_ms"`
	Attempt        uint16    `ch:"attempt"`
	IdempotencyKey string    `ch:"idempotency_key"`
	AttemptID      string    `ch:"attempt_id"`
}

func TestAuditBatchInsertRoundTrip(t *testing.T) {
	ctx := context.Background()
	conn := testdb.ClickHouse(t)
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	want := []auditRow{
		{Time: at, RunID: "run-1", DeltaID: 41, Source: "src.myshopify.com", Destination: "d1.myshopify.com", Resource: "product",
			Key: "blue-shirt", Operation: "create", Mutation: "productSet", Before: "{}", After: `{"title":"Blue shirt","price":"19.99"}`,
			Status: "ok", RequestedCost: 13, Cost: 10, LatencyMS: 182, Attempt: 1, IdempotencyKey: "k-41", AttemptID: "0196a3d2-0000-7000-8000-000000000041",
			TargetGID: "gid://shopify/Product/9"},
		{Time: at.Add(time.Second), RunID: "run-1", DeltaID: 42, Source: "src.myshopify.com", Destination: "d1.myshopify.com", Resource: "variant",
			Key: "SKU-1", Operation: "update", Mutation: "productVariantsBulkUpdate", Before: `{"price":"10.00"}`, After: `{"price":"11.00"}`,
			Status: "user_error", Error: "Price must be positive", RequestedCost: 10, Cost: 10, LatencyMS: 95, Attempt: 2, IdempotencyKey: "k-42", AttemptID: "0196a3d2-0000-7000-8000-000000000042"},
		{Time: at.AddDate(0, 1, 0), RunID: "run-2", DeltaID: 43, Source: "src.myshopify.com", Destination: "d2.myshopify.com", Resource: "inventory_level",
			Key: "SKU-1@gid://shopify/Location/1", Operation: "update", Mutation: "inventorySetQuantities", Before: "{}", After: `{"available":3}`,
			Status: "throttled", Error: "Throttled", RequestedCost: 10, Attempt: 1, IdempotencyKey: "k-43", AttemptID: "0196a3d2-0000-7000-8000-000000000043"},
	}
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO audit_writes")
	require.NoError(t, err)
	// An unsent batch holds its INSERT open on the server, which would block
	// dropping the test database; Abort after Send is a harmless no-op.
	defer func() { _ = batch.Abort() }()
	for _, r := range want {
		require.NoError(t, batch.AppendStruct(&r))
	}
	require.NoError(t, batch.Send())

	var got []auditRow
	require.NoError(t, conn.Select(ctx, &got, `SELECT * FROM audit_writes ORDER BY delta_id`))
	for i := range got {
		got[i].Time = got[i].Time.UTC()
	}
	require.Equal(t, want, got)

	var partitions uint64
	require.NoError(t, conn.QueryRow(ctx, `SELECT uniqExact(partition) FROM system.parts
		WHERE database = currentDatabase() AND table = 'audit_writes' AND active`).Scan(&partitions))
	require.Equal(t, uint64(2), partitions, "rows of two months land in two partitions")
}

// A failing ClickHouse migration is reported with the database and file, and
// leaves the connection usable: the next run applies the rest.
func TestMigrateClickHouseNamesTheFailedMigration(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.EmptyClickHouseDSN(t)
	ok := "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE IF NOT EXISTS ok (a UInt8) ENGINE = MergeTree() ORDER BY a;\n-- +goose Down\nDROP TABLE ok;\n"
	migrations := fstest.MapFS{
		"00001_ok.sql":     {Data: []byte(ok)},
		"00002_broken.sql": {Data: []byte("-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE broken (a NoSuchType) ENGINE = MergeTree() ORDER BY a;\n-- +goose Down\nDROP TABLE broken;\n")},
	}
	n, err := schema.MigrateClickHouseFS(ctx, dsn, migrations)
	require.Equal(t, 1, n)
	var merr *schema.MigrationError
	require.ErrorAs(t, err, &merr)
	require.Equal(t, schema.ClickHouse, merr.Database)
	require.Equal(t, "00002_broken.sql", merr.Migration)
	require.Contains(t, err.Error(), "00002_broken.sql")

	migrations["00002_broken.sql"] = &fstest.MapFile{Data: []byte(ok)}
	n, err = schema.MigrateClickHouseFS(ctx, dsn, migrations)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the run after the fix applies only the failed migration")
}

// The version store is append-only: a rollback appends an unapplied row, and the
// latest row per version decides.
func TestClickHouseVersionStoreRollback(t *testing.T) {
	ctx := context.Background()
	store := schema.NewClickHouseStore(openClickHouse(t, testdb.EmptyClickHouseDSN(t)))
	exists, err := store.TableExists(ctx, nil, store.Tablename())
	require.NoError(t, err)
	require.False(t, exists)
	require.NoError(t, store.CreateVersionTable(ctx, nil))

	for _, v := range []int64{0, 1, 2} {
		require.NoError(t, store.Insert(ctx, nil, database.InsertRequest{Version: v}))
	}
	require.NoError(t, store.Delete(ctx, nil, 2))
	latest, err := store.GetLatestVersion(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), latest)
	m, err := store.GetMigration(ctx, nil, 2)
	require.NoError(t, err)
	require.False(t, m.IsApplied)

	require.NoError(t, store.Insert(ctx, nil, database.InsertRequest{Version: 2}))
	list, err := store.ListMigrations(ctx, nil)
	require.NoError(t, err)
	var versions []int64
	for _, m := range list {
		versions = append(versions, m.Version)
	}
	require.Equal(t, []int64{2, 1, 0}, versions)
	_, err = store.GetMigration(ctx, nil, 7)
	require.ErrorIs(t, err, database.ErrVersionNotFound)
}

func TestMigrateClickHouseErrorsHideThePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := schema.MigrateClickHouse(ctx, "clickhouse://default:s3cretpw@127.0.0.1:1/shopsync?dial_timeout=2s")
	require.Error(t, err)
	require.Contains(t, err.Error(), "127.0.0.1:1")
	require.NotContains(t, err.Error(), "s3cretpw")

	_, err = schema.MigrateClickHouse(ctx, "clickhouse://default:s3cretpw@127.0.0.1:bad/shopsync")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cretpw")
}

func openClickHouse(t *testing.T, dsn string) driver.Conn {
	t.Helper()
	opts, err := schema.ParseClickHouseDSN(dsn)
	require.NoError(t, err)
	conn, err := clickhouse.Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// clickhouseCatalog describes the database's tables, columns and version rows.
func clickhouseCatalog(t *testing.T, conn driver.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `
		SELECT concat(table, '.', name, ' ', type, ' ', comment) AS line FROM system.columns WHERE database = currentDatabase()
		UNION ALL SELECT concat(name, ' ', engine, ' ', partition_key, ' ', sorting_key) AS line FROM system.tables WHERE database = currentDatabase()
		UNION ALL SELECT concat('version ', toString(version_id), ' ', toString(is_applied)) AS line FROM goose_db_version`)
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		out = append(out, line)
	}
	require.NoError(t, rows.Err())
	slices.Sort(out)
	return out
}
