package schema

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// postgresLockID is the advisory lock goose holds while it migrates, so that two
// `shopsync migrate` runs against one database take turns. Any constant works;
// this one reads "shopsync" in ASCII.
const postgresLockID int64 = 0x73686f7073796e63

// MigratePostgres applies the pending PostgreSQL migrations to the database at
// url (a postgres:// URL or libpq key=value string) and returns how many it
// applied. The database itself must exist. Concurrent calls are serialised by an
// advisory lock. Errors name the database (password redacted) and, when one
// failed, the migration (*MigrationError).
func MigratePostgres(ctx context.Context, url string, opts ...Option) (int, error) {
	return migratePostgres(ctx, url, Migrations(Postgres), opts...)
}

func migratePostgres(ctx context.Context, url string, migrations fs.FS, opts ...Option) (int, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	p, target, closeDB, err := postgresProvider(ctx, url, migrations)
	if err != nil {
		return 0, err
	}
	defer closeDB()
	return up(ctx, Postgres, target, p, o)
}

// PostgresStatus reports the PostgreSQL database's version and its pending
// migrations, without changing anything (besides creating goose's version table
// on a database that has none).
func PostgresStatus(ctx context.Context, url string) (Status, error) {
	p, target, closeDB, err := postgresProvider(ctx, url, Migrations(Postgres))
	if err != nil {
		return Status{Database: Postgres, Target: target}, err
	}
	defer closeDB()
	return status(ctx, Postgres, target, p)
}

func postgresProvider(ctx context.Context, url string, migrations fs.FS) (*goose.Provider, string, func(), error) {
	target := Redact(url)
	fail := func(err error) (*goose.Provider, string, func(), error) {
		return nil, target, nil, &MigrationError{Database: Postgres, Target: target, Err: err}
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fail(err) // pgx redacts the password in parse errors
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fail(fmt.Errorf("cannot connect: %w", err))
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(postgresLockID), lock.WithLockTimeout(1, 600))
	if err != nil {
		db.Close()
		return fail(err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		db.Close()
		return fail(err)
	}
	// An error closing the pool after the work is done changes nothing for the caller.
	return p, target, func() { _ = db.Close() }, nil
}
