package schema

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/pressly/goose/v3"
)

// DefaultClickHouseDatabase is the database used when the DSN names none.
const DefaultClickHouseDatabase = "shopsync"

var clickhouseIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// MigrateClickHouse applies the pending ClickHouse migrations to the database
// named in dsn (clickhouse://user:password@host:9000/database, native protocol),
// creating the database if needed, and returns how many it applied. Errors name
// the database (password redacted) and, when one failed, the migration
// (*MigrationError).
//
// ClickHouse has no transactions and no locks: two concurrent runs may both apply
// a migration, which the migrations tolerate (CREATE ... IF NOT EXISTS).
func MigrateClickHouse(ctx context.Context, dsn string, opts ...Option) (int, error) {
	return migrateClickHouse(ctx, dsn, Migrations(ClickHouse), opts...)
}

func migrateClickHouse(ctx context.Context, dsn string, migrations fs.FS, opts ...Option) (int, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	p, target, closeAll, err := clickhouseProvider(ctx, dsn, migrations)
	if err != nil {
		return 0, err
	}
	defer closeAll()
	return up(ctx, ClickHouse, target, p, o)
}

// ClickHouseStatus reports the ClickHouse database's version and its pending
// migrations (creating the database and goose's version table if missing).
func ClickHouseStatus(ctx context.Context, dsn string) (Status, error) {
	p, target, closeAll, err := clickhouseProvider(ctx, dsn, Migrations(ClickHouse))
	if err != nil {
		return Status{Database: ClickHouse, Target: target}, err
	}
	defer closeAll()
	return status(ctx, ClickHouse, target, p)
}

// ParseClickHouseDSN parses dsn for clickhouse-go's native protocol, with the
// database defaulted to DefaultClickHouseDatabase. Its errors never contain the
// DSN, which may hold a password.
func ParseClickHouseDSN(dsn string) (*clickhouse.Options, error) {
	opts, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only its reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("invalid ClickHouse DSN: %v", err)
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = DefaultClickHouseDatabase
	}
	if !clickhouseIdent.MatchString(opts.Auth.Database) {
		return nil, fmt.Errorf("invalid ClickHouse database name %q: use letters, digits and _", opts.Auth.Database)
	}
	return opts, nil
}

func clickhouseProvider(ctx context.Context, dsn string, migrations fs.FS) (*goose.Provider, string, func(), error) {
	target := Redact(dsn)
	fail := func(err error) (*goose.Provider, string, func(), error) {
		return nil, target, nil, &MigrationError{Database: ClickHouse, Target: target, Err: err}
	}
	opts, err := ParseClickHouseDSN(dsn)
	if err != nil {
		return fail(err)
	}
	if err := createClickHouseDatabase(ctx, *opts); err != nil {
		return fail(err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return fail(fmt.Errorf("cannot connect: %w", err))
	}
	// goose runs the migrations' DDL through database/sql; clickhouse-go's
	// database/sql driver sends it over the same native protocol. Only goose's own
	// version-table INSERT would fail against 18.16, hence the store.
	db := clickhouse.OpenDB(opts)
	closeAll := func() {
		// Errors closing after the work is done change nothing for the caller.
		_ = db.Close()
		_ = conn.Close()
	}
	p, err := goose.NewProvider("", db, migrations,
		goose.WithStore(newClickHouseVersionStore(conn)),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		closeAll()
		return fail(err)
	}
	return p, target, closeAll, nil
}

// createClickHouseDatabase creates the DSN's database, connecting without one
// first: ClickHouse refuses a connection to a database that does not exist.
func createClickHouseDatabase(ctx context.Context, opts clickhouse.Options) error {
	name := opts.Auth.Database
	opts.Auth.Database = ""
	conn, err := clickhouse.Open(&opts)
	if err != nil {
		return fmt.Errorf("cannot connect: %w", err)
	}
	defer conn.Close()
	if err := conn.Ping(ctx); err != nil {
		return fmt.Errorf("cannot connect: %w", err)
	}
	// name matched clickhouseIdent, so quoting it needs no escaping.
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"`"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}
