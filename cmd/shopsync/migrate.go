package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// newMigrateCommand applies the embedded migrations to PostgreSQL
// (DATABASE_URL) and ClickHouse (CLICKHOUSE_DSN), or reports where they stand.
func newMigrateCommand() *cobra.Command {
	var postgresOnly, clickhouseOnly, statusOnly bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded PostgreSQL and ClickHouse migrations",
		Long: `Apply the migrations embedded in this binary: to PostgreSQL at DATABASE_URL
(the mirror, sync state, outbox and ingest state) and to ClickHouse at
CLICKHOUSE_DSN (the audit history and ingest log). Applied migrations are skipped,
so running it again changes nothing. The PostgreSQL database must exist; the
ClickHouse database is created if missing. Passwords are never printed.`,
		Example: "  shopsync migrate\n  shopsync migrate --status\n  DATABASE_URL=postgres://... shopsync migrate --postgres-only",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if postgresOnly && clickhouseOnly {
				return errors.New("--postgres-only and --clickhouse-only exclude each other")
			}
			targets := []migrateTarget{
				{schema.Postgres, endpoints.Postgres(), schema.MigratePostgres, schema.PostgresStatus},
				{schema.ClickHouse, endpoints.ClickHouse(), schema.MigrateClickHouse, schema.ClickHouseStatus},
			}
			out := cmd.OutOrStdout()
			var errs []error
			for _, tg := range targets {
				if (postgresOnly && tg.db != schema.Postgres) || (clickhouseOnly && tg.db != schema.ClickHouse) {
					continue
				}
				// The databases are independent: a failure in one still lets the
				// other be migrated, and both errors are reported.
				var err error
				if statusOnly {
					err = printStatus(cmd, out, tg)
				} else {
					err = runMigrate(cmd, out, tg)
				}
				errs = append(errs, err)
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().BoolVar(&postgresOnly, "postgres-only", false, "migrate only PostgreSQL (DATABASE_URL)")
	cmd.Flags().BoolVar(&clickhouseOnly, "clickhouse-only", false, "migrate only ClickHouse (CLICKHOUSE_DSN)")
	cmd.Flags().BoolVar(&statusOnly, "status", false, "report applied and pending migrations without applying any")
	return cmd
}

type migrateTarget struct {
	db      schema.Database
	address string
	migrate func(ctx context.Context, address string, opts ...schema.Option) (int, error)
	status  func(ctx context.Context, address string) (schema.Status, error)
}

func runMigrate(cmd *cobra.Command, out io.Writer, tg migrateTarget) error {
	fmt.Fprintf(out, "%s %s\n", tg.db, schema.Redact(tg.address))
	n, err := tg.migrate(cmd.Context(), tg.address, schema.WithProgress(func(a schema.Applied) {
		fmt.Fprintf(out, "  applied %s (%s)\n", a.Name, a.Duration.Round(time.Millisecond))
	}))
	if err != nil {
		return err // a *schema.MigrationError: it names the database and the migration
	}
	if n == 0 {
		fmt.Fprintf(out, "  up to date at version %d\n", schema.LatestVersion(tg.db))
		return nil
	}
	fmt.Fprintf(out, "  %d applied, now at version %d\n", n, schema.LatestVersion(tg.db))
	return nil
}

func printStatus(cmd *cobra.Command, out io.Writer, tg migrateTarget) error {
	st, err := tg.status(cmd.Context(), tg.address)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s\n  at version %d of %d\n", tg.db, st.Target, st.Current, st.Latest)
	for _, p := range st.Pending {
		fmt.Fprintf(out, "  pending %s\n", p.Name)
	}
	return nil
}
