package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// demoDatabaseName is what a demo database may be called: it is spliced
// into DROP and CREATE statements.
var demoDatabaseName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// demoDatabases are the demo's own PostgreSQL and ClickHouse databases, on
// the servers DATABASE_URL and CLICKHOUSE_DSN name, so that the demo never
// touches the data of a real run and starts from nothing every time.
type demoDatabases struct {
	name                 string
	postgres, clickhouse string // URL and DSN of the demo's databases
	adminPostgres        string // DATABASE_URL, to create and drop from
}

func newDemoDatabases(name string) (demoDatabases, error) {
	if !demoDatabaseName.MatchString(name) {
		return demoDatabases{}, fmt.Errorf("--database %q: want lower-case letters, digits and _", name)
	}
	pg, err := replaceDatabase(endpoints.Postgres(), name)
	if err != nil {
		return demoDatabases{}, fmt.Errorf("DATABASE_URL: %w", err)
	}
	ch, err := replaceDatabase(endpoints.ClickHouse(), name)
	if err != nil {
		return demoDatabases{}, fmt.Errorf("CLICKHOUSE_DSN: %w", err)
	}
	return demoDatabases{name: name, postgres: pg, clickhouse: ch, adminPostgres: endpoints.Postgres()}, nil
}

// replaceDatabase is a URL naming database name instead of its own.
func replaceDatabase(cs, name string) (string, error) {
	u, err := url.Parse(cs)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%s is not a URL (the demo needs one to name its own database)", schema.Redact(cs))
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// reset drops and creates both databases, then applies the migrations.
func (d demoDatabases) reset(ctx context.Context) error {
	if err := d.drop(ctx); err != nil {
		return err
	}
	if err := d.execPostgres(ctx, "CREATE DATABASE "+pgx.Identifier{d.name}.Sanitize()); err != nil {
		return fmt.Errorf("create PostgreSQL database %s: %w", d.name, err)
	}
	if _, err := schema.MigratePostgres(ctx, d.postgres); err != nil {
		return err
	}
	// MigrateClickHouse creates its database when missing.
	if _, err := schema.MigrateClickHouse(ctx, d.clickhouse); err != nil {
		return err
	}
	return nil
}

// drop removes both databases, ending the sessions left on them.
func (d demoDatabases) drop(ctx context.Context) error {
	if err := d.execPostgres(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop PostgreSQL database %s: %w", d.name, err)
	}
	opts, err := schema.ParseClickHouseDSN(d.clickhouse)
	if err != nil {
		return err
	}
	opts.Auth.Database = "" // the server's default: ours may not exist
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return fmt.Errorf("connect to ClickHouse at %s: %w", schema.Redact(d.clickhouse), err)
	}
	defer conn.Close()
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+d.name); err != nil {
		return fmt.Errorf("drop ClickHouse database %s: %w", d.name, err)
	}
	return nil
}

func (d demoDatabases) execPostgres(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, d.adminPostgres)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w", schema.Redact(d.adminPostgres), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

// auditRows counts the audit rows ClickHouse holds.
func (d demoDatabases) auditRows(ctx context.Context) (uint64, error) {
	opts, err := schema.ParseClickHouseDSN(d.clickhouse)
	if err != nil {
		return 0, err
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM audit_writes").Scan(&n); err != nil {
		return 0, fmt.Errorf("count audit rows in ClickHouse: %w", err)
	}
	return n, nil
}

// demoEnv is the environment a command needs to talk to the demo's
// databases, as shell assignments.
func (d demoDatabases) env() string {
	return strings.Join([]string{"DATABASE_URL='" + d.postgres + "'", "CLICKHOUSE_DSN='" + d.clickhouse + "'"}, " ")
}
