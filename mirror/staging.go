package mirror

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shopsync/shopsync/schema/events"
)

// staging names a snapshot's UNLOGGED tables: <schema>.run_<id> holds its
// progress (one row) and <schema>.run_<id>_<table> the rows of each table,
// with the mirror table's columns and types but no constraints or indexes.
//
// UNLOGGED keeps staging out of the WAL (the mirror's writes are logged
// once, when merged) and, unlike TEMP, survives the loader: a crashed ingest
// resumes from the progress row. PostgreSQL empties UNLOGGED tables after
// its own crash; progress and rows vanish together, and the snapshot starts
// over, which is always correct.
type staging struct {
	schema string
	name   string // run_<id>, or tmp_<random> for a snapshot without a run
}

func newStaging(schema string, runID int64) staging {
	if runID > 0 {
		return staging{schema, "run_" + strconv.FormatInt(runID, 10)}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return staging{schema, "tmp_" + hex.EncodeToString(b)}
}

func (s staging) progress() string {
	return pgx.Identifier{s.schema, s.name}.Sanitize()
}

func (s staging) table(t *table) string {
	return pgx.Identifier{s.schema, s.name + "_" + t.name}.Sanitize()
}

// progressRow is what the progress table holds.
type progressRow struct {
	store     string
	family    events.Family
	startedAt time.Time
	cursor    string
	staged    map[events.Resource]int64
}

// ensureSchema creates the staging schema, in its own transaction.
func ensureSchema(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, schema string) error {
	_, err := db.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "23505") {
		// 23505: another snapshot created it at the same moment.
		return fmt.Errorf("create staging schema %s: %w", schema, err)
	}
	return nil
}

func (s staging) create(ctx context.Context, tx pgx.Tx, p progressRow, ts []*table) error {
	if _, err := tx.Exec(ctx, "CREATE UNLOGGED TABLE "+s.progress()+
		" (store text NOT NULL, family text NOT NULL, started_at timestamptz NOT NULL, cursor text NOT NULL, staged jsonb NOT NULL)"); err != nil {
		return fmt.Errorf("create staging progress: %w", err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+s.progress()+" VALUES ($1, $2, $3, '', '{}')", p.store, string(p.family), p.startedAt); err != nil {
		return fmt.Errorf("create staging progress: %w", err)
	}
	for _, t := range ts {
		if err := s.createTable(ctx, tx, t); err != nil {
			return err
		}
	}
	return nil
}

// createTable creates t's staging table, with the mirror table's column
// types. raw is jsonb there too: the staging COPY's backend parses it while
// the loader reads the next lines, so the commit, which runs on one
// backend while nothing else does, only copies it. (Staging raw as text
// spared an unchanged re-snapshot that parse, but made the first snapshot's
// commit, its longest step, parse every row; a staging table left by an
// older version with raw as text still merges, as the merge casts raw.)
func (s staging) createTable(ctx context.Context, tx pgx.Tx, t *table) error {
	sql := "CREATE UNLOGGED TABLE IF NOT EXISTS " + s.table(t) + " AS SELECT " +
		strings.Join(t.colNames(), ", ") + " FROM " + t.name + " WITH NO DATA"
	if _, err := tx.Exec(ctx, sql); err != nil {
		return fmt.Errorf("create staging for %s: %w", t.name, err)
	}
	return nil
}

// load reads the progress row; ok is false when there is none (never
// created, or emptied by a PostgreSQL crash).
func (s staging) load(ctx context.Context, db pgx.Tx) (progressRow, bool, error) {
	var (
		p      progressRow
		family string
		staged []byte
	)
	err := db.QueryRow(ctx, "SELECT store, family, started_at, cursor, staged FROM "+s.progress()).
		Scan(&p.store, &family, &p.startedAt, &p.cursor, &staged)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table
		return progressRow{}, false, nil
	case errors.Is(err, pgx.ErrNoRows):
		return progressRow{}, false, nil
	case err != nil:
		return progressRow{}, false, fmt.Errorf("read staging progress: %w", err)
	}
	p.family = events.Family(family)
	if err := json.Unmarshal(staged, &p.staged); err != nil {
		return progressRow{}, false, fmt.Errorf("read staging progress: %w", err)
	}
	return p, true, nil
}

// existing lists the staging tables that exist.
func (s staging) existing(ctx context.Context, tx pgx.Tx) (map[*table]bool, error) {
	rows, err := tx.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE $2`,
		s.schema, strings.ReplaceAll(s.name, "_", `\_`)+`\_%`)
	if err != nil {
		return nil, fmt.Errorf("list staging tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list staging tables: %w", err)
	}
	out := map[*table]bool{}
	for _, n := range names {
		for _, t := range tableOrder {
			if n == s.name+"_"+t.name {
				out[t] = true
			}
		}
	}
	return out, nil
}

// drop removes the progress and every staging table.
func (s staging) drop(ctx context.Context, tx pgx.Tx) error {
	names := []string{s.progress()}
	for _, t := range tableOrder {
		names = append(names, s.table(t))
	}
	if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("drop staging %s: %w", s.name, err)
	}
	return nil
}

// analyze refreshes the statistics of t's staging table on the columns
// the commit's statements join on (the key and the parent GIDs), which is
// all their plans need: sampling every column of a wide table costs more.
func (s staging) analyze(ctx context.Context, tx pgx.Tx, t *table) error {
	cols := append([]string(nil), t.keys...)
	for _, p := range t.parents() {
		if !slices.Contains(cols, p.parentCol) {
			cols = append(cols, p.parentCol)
		}
	}
	if _, err := tx.Exec(ctx, "ANALYZE "+s.table(t)+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return fmt.Errorf("analyze staging %s: %w", t.name, err)
	}
	return nil
}

// source is the relation a merge reads t's staged rows from. An order
// line without an updated_at takes its staged order's, as lines have none
// of their own.
func (s staging) source(t *table, have map[*table]bool) string {
	if t.inherit == nil || !have[t.inherit.table] {
		return s.table(t)
	}
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = "s." + c.name
		switch c.name {
		case "updated_at":
			cols[i] = "COALESCE(s.updated_at, p.updated_at) AS updated_at"
		}
	}
	return "(SELECT " + strings.Join(cols, ", ") + " FROM " + s.table(t) + " s LEFT JOIN " +
		s.table(t.inherit.table) + " p ON p.gid = s." + t.inherit.parentCol + ")"
}
