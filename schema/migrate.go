package schema

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/pressly/goose/v3"
)

// Applied reports one migration that a Migrate call applied.
type Applied struct {
	Database Database
	Version  int64
	Name     string // file name, e.g. 00002_catalog.sql
	Duration time.Duration
}

// Option changes how MigratePostgres and MigrateClickHouse run.
type Option func(*options)

type options struct {
	progress func(Applied)
}

// WithProgress calls fn after each migration applied, in order; `shopsync migrate`
// prints them as they go.
func WithProgress(fn func(Applied)) Option {
	return func(o *options) { o.progress = fn }
}

// Status is where a database stands against the embedded migrations.
type Status struct {
	Database Database
	Target   string // the database's address, password redacted
	Current  int64  // highest version applied, 0 on an empty database
	Latest   int64  // highest version embedded in this binary
	Pending  []MigrationFile
}

// MigrationError is returned when a migration fails. It names the database and
// the migration, and carries the database's error; earlier migrations of the
// same call stay applied.
type MigrationError struct {
	Database  Database
	Target    string // password redacted
	Migration string // file name; empty if the failure came before any migration ran
	Applied   int    // migrations applied by this call before the failure
	Err       error
}

func (e *MigrationError) Error() string {
	if e.Migration == "" {
		return fmt.Sprintf("%s %s: %v", e.Database, e.Target, e.Err)
	}
	return fmt.Sprintf("%s %s: migration %s failed (%d applied before it): %v", e.Database, e.Target, e.Migration, e.Applied, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// up applies the pending migrations through p and reports them. goose applies
// each in order and records it in the version table right after, so a failure
// leaves every earlier migration applied and recorded: the next run resumes at
// the failed one.
func up(ctx context.Context, db Database, target string, p *goose.Provider, o options) (int, error) {
	results, err := p.Up(ctx)
	var partial *goose.PartialError
	if errors.As(err, &partial) {
		report(db, partial.Applied, o)
		return len(partial.Applied), &MigrationError{
			Database: db, Target: target, Migration: path.Base(partial.Failed.Source.Path),
			Applied: len(partial.Applied), Err: partial.Err,
		}
	}
	if err != nil {
		return 0, &MigrationError{Database: db, Target: target, Err: err}
	}
	report(db, results, o)
	return len(results), nil
}

func report(db Database, results []*goose.MigrationResult, o options) {
	if o.progress == nil {
		return
	}
	for _, r := range results {
		o.progress(Applied{Database: db, Version: r.Source.Version, Name: path.Base(r.Source.Path), Duration: r.Duration})
	}
}

// status reads where the database stands through p.
func status(ctx context.Context, db Database, target string, p *goose.Provider) (Status, error) {
	st := Status{Database: db, Target: target, Latest: LatestVersion(db)}
	list, err := p.Status(ctx)
	if err != nil {
		return st, &MigrationError{Database: db, Target: target, Err: err}
	}
	for _, m := range list {
		if m.State == goose.StateApplied {
			st.Current = max(st.Current, m.Source.Version)
			continue
		}
		st.Pending = append(st.Pending, MigrationFile{Version: m.Source.Version, Name: path.Base(m.Source.Path)})
	}
	return st, nil
}
