package testdb

import (
	"context"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// ClickHouse returns a native-protocol connection to a new ClickHouse database
// with every migration applied, dropped (with the connection closed) when t ends.
func ClickHouse(t testing.TB) driver.Conn {
	t.Helper()
	dsn := ClickHouseDSN(t)
	opts, err := schema.ParseClickHouseDSN(dsn)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatalf("testdb: connect to %s: %v", schema.Redact(dsn), err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// ClickHouseDSN returns the DSN of a new ClickHouse database with every migration
// applied, dropped when t ends. For code under test that takes a DSN.
func ClickHouseDSN(t testing.TB) string {
	t.Helper()
	dsn := EmptyClickHouseDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := schema.MigrateClickHouse(ctx, dsn); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return dsn
}

// EmptyClickHouseDSN returns the DSN of a new, empty ClickHouse database (no
// migrations applied), dropped when t ends. For testing the migrations.
func EmptyClickHouseDSN(t testing.TB) string {
	t.Helper()
	base := endpoints.ClickHouse()
	opts, err := schema.ParseClickHouseDSN(base)
	if err != nil {
		t.Fatalf("testdb: CLICKHOUSE_DSN: %v", err)
	}
	name := databaseName(t.Name())
	admin := *opts
	admin.Auth.Database = "" // the server's default database: ours does not exist yet
	conn, err := clickhouse.Open(&admin)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = conn.Ping(ctx)
		cancel()
	}
	if err != nil {
		t.Fatalf("testdb: ClickHouse at %s is unreachable: %v\n"+
			"Start the local services with `make services`, or set CLICKHOUSE_DSN.", schema.Redact(base), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	// name comes from databaseName: letters, digits and _ only, no quoting needed.
	if err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		_ = conn.Close()
		t.Fatalf("testdb: create ClickHouse database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("testdb: drop ClickHouse database %s: %v "+
				"(a batch left neither sent nor aborted keeps its INSERT open and blocks the drop)", name, err)
		}
	})
	return withDatabase(base, name)
}
