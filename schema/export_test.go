package schema

// Internals the external tests (package schema_test, which may import testdb)
// need: migrations from another file system, and the ClickHouse version store.
var (
	MigratePostgresFS   = migratePostgres
	MigrateClickHouseFS = migrateClickHouse
	NewClickHouseStore  = newClickHouseVersionStore
)
