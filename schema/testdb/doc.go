// Package testdb gives each integration test its own freshly migrated database on
// the real services that `make services` starts (or DATABASE_URL and
// CLICKHOUSE_DSN point at), and drops it when the test ends.
//
// PostgreSQL: the migrations are applied once per set of migrations to a template
// database, and each test gets `CREATE DATABASE ... TEMPLATE` of it, which takes
// milliseconds. An advisory lock makes the parallel test binaries of `go test
// ./...` build the template only once. ClickHouse has no templates and its
// migrations are a few statements, so each test's database is migrated directly.
//
// The PostgreSQL role needs CREATEDB (the one `make services` creates is a
// superuser). The template, shopsync_tmpl_<digest of the migrations>, stays on
// the server between runs and is replaced when the migrations change.
//
// An unreachable server fails the test with a message saying to run
// `make services`; it never skips.
package testdb
