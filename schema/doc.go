// Package schema owns shopsync's data contracts: the PostgreSQL migrations (the
// mirror of every store, the sync state and the change outbox), the ClickHouse
// migrations (the audit history and the ingest event log), and the code that
// applies them. Subpackages hold the Kafka change-event envelope (events), the
// per-test databases for integration tests (testdb) and the service endpoints
// (endpoints).
//
// Migrations are numbered SQL files embedded in the binary and applied with goose.
// Applying them is idempotent: a second MigratePostgres or MigrateClickHouse
// applies nothing. README.md beside this file describes every table and column.
package schema
