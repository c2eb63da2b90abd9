package testdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/endpoints"
)

const (
	templatePrefix = "shopsync_tmpl_"
	setupTimeout   = 2 * time.Minute
	// templateLockID guards template builds across processes; any constant works
	// ("testdb" in ASCII).
	templateLockID int64 = 0x746573746462
)

// Postgres returns a pool on a new PostgreSQL database with every migration
// applied, dropped (with the pool closed) when t ends.
func Postgres(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("testdb: open pool on %s: %v", schema.Redact(url), err)
	}
	// Registered after the database's cleanup, so it runs before it: the pool
	// must be closed before the database can be dropped.
	t.Cleanup(pool.Close)
	return pool
}

// PostgresURL returns the URL of a new PostgreSQL database with every migration
// applied, dropped when t ends. For code under test that takes a URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := adminConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	tmpl, err := postgresTemplate()
	if err != nil {
		t.Fatalf("testdb: build the template database on %s: %v", schema.Redact(endpoints.Postgres()), err)
	}
	return createPostgres(ctx, t, admin, "TEMPLATE "+pgx.Identifier{tmpl}.Sanitize())
}

// EmptyPostgresURL returns the URL of a new, empty PostgreSQL database (no
// migrations applied), dropped when t ends. For testing the migrations.
func EmptyPostgresURL(t testing.TB) string {
	t.Helper()
	admin := adminConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	return createPostgres(ctx, t, admin, "")
}

// adminConfig parses DATABASE_URL (or the local default) and checks that the
// server answers, failing t with what to do if it does not.
func adminConfig(t testing.TB) *pgx.ConnConfig {
	t.Helper()
	url := endpoints.Postgres()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("testdb: DATABASE_URL: %v", err) // pgx redacts the password
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("testdb: PostgreSQL at %s is unreachable: %v\n"+
			"Start the local services with `make services`, or set DATABASE_URL.", schema.Redact(url), err)
	}
	_ = conn.Close(ctx)
	return cfg
}

// createPostgres creates a database named after t with the given CREATE
// DATABASE options, registers its removal, and returns its URL.
func createPostgres(ctx context.Context, t testing.TB, admin *pgx.ConnConfig, createOpts string) string {
	t.Helper()
	name := databaseName(t.Name())
	if err := execAdmin(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" "+createOpts); err != nil {
		t.Fatalf("testdb: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE ends sessions the test left open (PostgreSQL 13+).
		if err := execAdmin(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	return withDatabase(admin.ConnString(), name)
}

func execAdmin(ctx context.Context, admin *pgx.ConnConfig, sql string) error {
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

// postgresTemplate builds, once per process, the template database holding the
// current migrations, and returns its name.
var postgresTemplate = sync.OnceValues(buildPostgresTemplate)

func buildPostgresTemplate() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	cfg, err := pgx.ParseConfig(endpoints.Postgres())
	if err != nil {
		return "", err
	}
	digest, err := migrationsDigest()
	if err != nil {
		return "", err
	}
	// Named after the migrations' content, so that editing a migration makes a new
	// template instead of reusing a stale one.
	tmpl := templatePrefix + digest[:16]
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))

	// Every test binary of a `go test ./...` run gets here at once: the
	// session-level advisory lock lets one build while the others wait, and they
	// then find the template built.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockID); err != nil {
		return "", fmt.Errorf("advisory lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", templateLockID)

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", tmpl).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return tmpl, nil
	}
	dropStaleTemplates(ctx, conn, tmpl)

	// Built under another name and renamed when complete, so that a process killed
	// halfway leaves no template that looks finished.
	build := tmpl + "_build"
	quoted := pgx.Identifier{build}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+quoted); err != nil {
		return "", err
	}
	if _, err := schema.MigratePostgres(ctx, withDatabase(cfg.ConnString(), build)); err != nil {
		return "", err
	}
	// No test may connect to the template: CREATE DATABASE ... TEMPLATE fails
	// while anyone is connected to it.
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+quoted+" RENAME TO "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{tmpl}.Sanitize()+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	return tmpl, nil
}

// dropStaleTemplates removes templates of earlier migration sets. A failure
// (say, another process still copying one) leaves it for the next build.
func dropStaleTemplates(ctx context.Context, conn *pgx.Conn, keep string) {
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
		strings.ReplaceAll(templatePrefix, "_", `\_`)+"%", keep)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		q := pgx.Identifier{n}.Sanitize()
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+q+" WITH IS_TEMPLATE false"); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+q)
		}
	}
}

// migrationsDigest is a hex SHA-256 over the embedded PostgreSQL migrations.
func migrationsDigest() (string, error) {
	h := sha256.New()
	fsys := schema.Migrations(schema.Postgres)
	files, err := schema.MigrationFiles(schema.Postgres)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f.Name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f.Name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
