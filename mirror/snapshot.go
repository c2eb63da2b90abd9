package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

// SnapshotSpec says what a snapshot loads.
type SnapshotSpec struct {
	Store  string
	Family events.Family
	// RunID is the ingest run (ingest_runs.id) the snapshot belongs to. It
	// names the staging tables, which is what lets ResumeSnapshot find them
	// after a crash. Zero makes a snapshot that cannot be resumed.
	RunID int64
	// StartedAt is when reading the store began (ingest_runs.started_at,
	// before the bulk operation started), in the database's clock. A
	// complete snapshot tombstones only rows last written before it: a row a
	// webhook wrote meanwhile may be newer than the snapshot's data. Zero
	// means the database's now() when the snapshot begins.
	StartedAt time.Time
	// Source of the change rows; zero means bulk.
	Source events.Source
}

// CommitOptions tune Snapshot.Commit.
type CommitOptions struct {
	// Complete says the snapshot holds every object of its family in the
	// store: the family's live rows it lacks, last written before it
	// started, are tombstoned. Only a finished, unfiltered bulk read is
	// complete.
	Complete bool
	// InTx, when set, runs inside the commit's transaction after the mirror
	// is written (to mark the ingest run completed, say); its error rolls
	// the whole commit back.
	InTx func(ctx context.Context, tx pgx.Tx) error
}

// SnapshotResult is what a commit did, per resource.
type SnapshotResult struct {
	Tables   map[events.Resource]Counts
	Duration time.Duration
}

// Changes is the number of change rows the commit wrote.
func (r SnapshotResult) Changes() int64 {
	var n int64
	for _, c := range r.Tables {
		n += c.Changes()
	}
	return n
}

// Snapshot loads one family of one store into the mirror: Add streams rows
// into UNLOGGED staging tables (COPY, in batches, each batch recording the
// caller's cursor with it), Commit merges them in one transaction. Until
// Commit nothing in the mirror changes. A Snapshot is used by one goroutine.
//
// Resuming: each batch commits its rows to staging together with the
// cursor the caller passed with the last of them, so after a crash
// ResumeSnapshot returns a Snapshot whose Cursor is exactly where the staged
// rows end; the caller skips its input up to there and goes on adding.
type Snapshot struct {
	m       *Mirror
	spec    SnapshotSpec
	st      staging
	created map[*table]bool           // staging tables that exist
	staged  map[events.Resource]int64 // rows durably staged
	cursor  string                    // the cursor of the last staged batch

	buf       map[*table][]Row
	bufRows   int
	bufCursor string
	inflight  chan flushResult
	err       error // sticky: the snapshot is unusable after an error
	closed    bool
}

type flushResult struct {
	err     error
	cursor  string
	counts  map[*table]int
	created []*table
}

// BeginSnapshot starts a snapshot, discarding any staging its run left.
func (m *Mirror) BeginSnapshot(ctx context.Context, spec SnapshotSpec) (*Snapshot, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	s := m.newSnapshot(spec)
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ResumeSnapshot reopens the staging of spec.RunID as a crashed or stopped
// loader left it; Cursor tells where to go on. With no usable staging
// (never begun, already committed or aborted, or emptied by a PostgreSQL
// crash) it begins afresh and Cursor is "". The run's original StartedAt is
// kept.
func (m *Mirror) ResumeSnapshot(ctx context.Context, spec SnapshotSpec) (*Snapshot, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if spec.RunID <= 0 {
		return nil, errors.New("mirror: resume snapshot: no RunID")
	}
	s := m.newSnapshot(spec)
	tx, err := m.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("mirror: resume snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	p, ok, err := s.st.load(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("mirror: resume snapshot: %w", err)
	}
	if !ok {
		_ = tx.Rollback(ctx)
		if err := s.start(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	if p.store != spec.Store || p.family != spec.Family {
		return nil, fmt.Errorf("mirror: resume snapshot: run %d staged %s of %s, not %s of %s",
			spec.RunID, p.family, p.store, spec.Family, spec.Store)
	}
	if s.created, err = s.st.existing(ctx, tx); err != nil {
		return nil, fmt.Errorf("mirror: resume snapshot: %w", err)
	}
	s.spec.StartedAt, s.cursor, s.staged = p.startedAt, p.cursor, p.staged
	if s.staged == nil {
		s.staged = map[events.Resource]int64{}
	}
	return s, tx.Commit(ctx)
}

func (spec SnapshotSpec) validate() error {
	if spec.Store == "" {
		return errors.New("mirror: snapshot: no store")
	}
	if len(familyTables(spec.Family)) == 0 {
		return fmt.Errorf("mirror: snapshot: unknown family %q", spec.Family)
	}
	switch spec.Source {
	case "", events.Bulk, events.Reconcile, events.Webhook:
	default:
		return fmt.Errorf("mirror: snapshot: unknown source %q", spec.Source)
	}
	return nil
}

func (m *Mirror) newSnapshot(spec SnapshotSpec) *Snapshot {
	if spec.Source == "" {
		spec.Source = events.Bulk
	}
	return &Snapshot{
		m: m, spec: spec, st: newStaging(m.cfg.StagingSchema, spec.RunID),
		created: map[*table]bool{}, staged: map[events.Resource]int64{}, buf: map[*table][]Row{},
	}
}

// start drops whatever staging the run had and creates it afresh, with a
// table for each of the family's tables (so that a complete commit of an
// empty family tombstones everything).
func (s *Snapshot) start(ctx context.Context) error {
	if err := ensureSchema(ctx, s.m.pool, s.st.schema); err != nil {
		return fmt.Errorf("mirror: begin snapshot: %w", err)
	}
	err := pgx.BeginFunc(ctx, s.m.pool, func(tx pgx.Tx) error {
		if s.spec.StartedAt.IsZero() {
			if err := tx.QueryRow(ctx, "SELECT now()").Scan(&s.spec.StartedAt); err != nil {
				return err
			}
		}
		if err := s.st.drop(ctx, tx); err != nil {
			return err
		}
		ts := familyTables(s.spec.Family)
		if err := s.st.create(ctx, tx, progressRow{store: s.spec.Store, family: s.spec.Family, startedAt: s.spec.StartedAt}, ts); err != nil {
			return err
		}
		for _, t := range ts {
			s.created[t] = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mirror: begin snapshot of %s %s: %w", s.spec.Store, s.spec.Family, err)
	}
	return nil
}

// Cursor is the cursor passed with the last durably staged row, "" if none.
func (s *Snapshot) Cursor() string { return s.cursor }

// StartedAt is the snapshot's start, as a complete commit uses it.
func (s *Snapshot) StartedAt() time.Time { return s.spec.StartedAt }

// Staged is how many rows are durably staged.
func (s *Snapshot) Staged() int64 {
	var n int64
	for _, c := range s.staged {
		n += c
	}
	return n
}

// Add queues rows for staging; cursor is the caller's position in its input
// after them (a JSONL line number, say), recorded with them once they are
// staged. Rows must belong to the snapshot's store; they may be of any
// table (a products snapshot may carry inventory items read with the
// variants), though Complete tombstones only the family's own tables. Add
// each object once: a snapshot holding one twice fails to commit (a new
// row) or keeps either copy (an existing row). Rows are COPYed in batches
// of Config.BatchRows in the background; an invalid row fails Add, and a
// row PostgreSQL refuses fails a later call.
func (s *Snapshot) Add(ctx context.Context, cursor string, rows ...Row) error {
	if err := s.usable(); err != nil {
		return err
	}
	for _, r := range rows {
		if err := checkRow(r); err != nil {
			return err
		}
		if st := r.Ref().Store; st != s.spec.Store {
			return fmt.Errorf("%w: %s %s belongs to %s, not to snapshot store %s", ErrInvalidRow, r.Resource(), r.Ref().GID, st, s.spec.Store)
		}
		t := tableOf(r.Resource())
		s.buf[t] = append(s.buf[t], r)
	}
	s.bufRows += len(rows)
	s.bufCursor = cursor
	if s.bufRows >= s.m.cfg.BatchRows {
		s.startFlush(ctx)
	}
	return s.err
}

// Flush stages everything added so far and waits for it.
func (s *Snapshot) Flush(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	if s.bufRows > 0 || s.bufCursor != s.cursor {
		s.startFlush(ctx)
	}
	s.wait()
	return s.err
}

func (s *Snapshot) usable() error {
	if s.closed {
		return errors.New("mirror: snapshot is closed")
	}
	return s.err
}

// startFlush hands the buffer to a background COPY, after the previous one
// finished: one batch is being staged while the caller fills the next.
func (s *Snapshot) startFlush(ctx context.Context) {
	s.wait()
	if s.err != nil {
		return
	}
	batch, cursor := s.buf, s.bufCursor
	s.buf, s.bufRows = map[*table][]Row{}, 0
	totals := map[events.Resource]int64{}
	for r, n := range s.staged {
		totals[r] = n
	}
	var create []*table
	for t, rows := range batch {
		totals[t.resource] += int64(len(rows))
		if !s.created[t] {
			create = append(create, t)
		}
	}
	done := make(chan flushResult, 1)
	s.inflight = done
	go func() {
		res := flushResult{cursor: cursor, created: create, counts: map[*table]int{}}
		res.err = s.copyBatch(ctx, batch, cursor, totals, create, res.counts)
		done <- res
	}()
}

// wait collects the background COPY's result, if one is running.
func (s *Snapshot) wait() {
	if s.inflight == nil {
		return
	}
	res := <-s.inflight
	s.inflight = nil
	if res.err != nil {
		s.err = fmt.Errorf("mirror: stage snapshot rows: %w", res.err)
		return
	}
	for _, t := range res.created {
		s.created[t] = true
	}
	for t, n := range res.counts {
		s.staged[t.resource] += int64(n)
		s.m.m.staged(string(t.resource), n)
	}
	s.cursor = res.cursor
}

func (s *Snapshot) copyBatch(ctx context.Context, batch map[*table][]Row, cursor string,
	totals map[events.Resource]int64, create []*table, counts map[*table]int) error {
	staged, err := json.Marshal(totals)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.m.pool, func(tx pgx.Tx) error {
		for _, t := range create {
			if err := s.st.createTable(ctx, tx, t); err != nil {
				return err
			}
		}
		for _, t := range tableOrder {
			rows := batch[t]
			if len(rows) == 0 {
				continue
			}
			n, err := tx.CopyFrom(ctx, pgx.Identifier{s.st.schema, s.st.name + "_" + t.name}, t.colNames(), &rowSource{t: t, rows: rows})
			if err != nil {
				return fmt.Errorf("copy %d %s rows: %w", len(rows), t.name, err)
			}
			counts[t] = int(n)
		}
		_, err := tx.Exec(ctx, "UPDATE "+s.st.progress()+" SET cursor = $1, staged = $2", cursor, staged)
		return err
	})
}

// rowSource feeds rows to COPY, encoding (and hashing) each as it goes.
type rowSource struct {
	t    *table
	rows []Row
	i    int
	e    encoder
}

func (r *rowSource) Next() bool { r.i++; return r.i <= len(r.rows) }
func (r *rowSource) Err() error { return nil }

func (r *rowSource) Values() ([]any, error) {
	r.e.reset(string(r.t.resource))
	r.rows[r.i-1].encode(&r.e)
	return r.e.finish(r.t.hashed), nil
}

// Commit stages what is left, then merges every staged table into the
// mirror in one transaction, tombstones what a complete snapshot lacks,
// writes the change rows, drops the staging and commits. On error nothing
// in the mirror has changed and the staging is kept: Commit may be retried,
// or the snapshot aborted. The Snapshot is closed after a successful Commit.
func (s *Snapshot) Commit(ctx context.Context, opts CommitOptions) (SnapshotResult, error) {
	if err := s.Flush(ctx); err != nil {
		return SnapshotResult{}, err
	}
	start := time.Now()
	res := SnapshotResult{Tables: map[events.Resource]Counts{}}
	err := pgx.BeginFunc(ctx, s.m.pool, func(tx pgx.Tx) error {
		return s.merge(ctx, tx, opts, res.Tables)
	})
	if err != nil {
		return SnapshotResult{}, fmt.Errorf("mirror: commit snapshot of %s %s: %w", s.spec.Store, s.spec.Family, err)
	}
	res.Duration = time.Since(start)
	s.closed = true
	s.m.m.snapshotCounts(string(s.spec.Family), res.Duration, res.Tables)
	s.m.log.Info("snapshot committed", "store", s.spec.Store, "family", s.spec.Family, "run", s.spec.RunID,
		"staged", s.Staged(), "changes", res.Changes(), "took", res.Duration.Round(time.Millisecond))
	return res, nil
}

func (s *Snapshot) merge(ctx context.Context, tx pgx.Tx, opts CommitOptions, out map[events.Resource]Counts) error {
	// jit: these statements run once over many rows; compiling them costs
	// more than it saves. enable_nestloop: each statement reads the mirror
	// table it writes; a table the planner takes for empty (never written,
	// or analysed while empty) would otherwise be the inner side of a
	// nested loop, rescanned per staged row while the statement's own
	// inserts grow it: quadratic. Hash and merge joins read it once.
	// default_statistics_target: the ANALYZEs below sample 300 rows per
	// unit of it; see commitStatisticsTarget.
	if _, err := tx.Exec(ctx, `SELECT set_config('work_mem', $1, true), set_config('jit', 'off', true),
		set_config('enable_nestloop', 'off', true), set_config('default_statistics_target', $2, true)`,
		s.m.cfg.CommitWorkMem, strconv.Itoa(commitStatisticsTarget)); err != nil {
		return err
	}
	var locks []tableLock
	for _, t := range tableOrder {
		if s.staged[t.resource] > 0 || (opts.Complete && t.family == s.spec.Family) {
			locks = append(locks, tableLock{t, s.spec.Store})
		}
	}
	if opts.Complete {
		for _, t := range cascadesFrom(s.spec.Family) {
			locks = append(locks, tableLock{t, s.spec.Store})
		}
	}
	if err := lockTables(ctx, tx, locks); err != nil {
		return err
	}
	src := string(s.spec.Source)
	changes := int64(0)
	for _, t := range tableOrder {
		n := s.staged[t.resource]
		if n == 0 || !s.created[t] {
			continue
		}
		// Fresh statistics, or the planner takes the staging for empty.
		if err := s.st.analyze(ctx, tx, t); err != nil {
			return err
		}
		var c Counts
		began := time.Now()
		sql := t.render("merge.sql.tmpl", sqlData{Source: s.st.source(t, s.created)})
		if err := tx.QueryRow(ctx, sql, s.spec.Store, src, s.spec.StartedAt).Scan(&c.Created, &c.Updated, &c.Stale); err != nil {
			return fmt.Errorf("merge %s: %w", t.name, err)
		}
		c.Staged = n
		c.Unchanged = n - c.Created - c.Updated - c.Stale
		s.m.log.Debug("snapshot table merged", "store", s.spec.Store, "table", t.name, "rows", n,
			"created", c.Created, "updated", c.Updated, "took", time.Since(began).Round(time.Millisecond))
		out[t.resource] = c
		changes += c.Changes()
		if c.Created+c.Updated >= analyzeAfter {
			// Statistics for what follows: Apply plans its joins on them,
			// and a table the planner believes empty or small is scanned
			// per row. ANALYZE counts this transaction's own rows.
			if _, err := tx.Exec(ctx, "ANALYZE "+t.name); err != nil {
				return fmt.Errorf("analyze %s: %w", t.name, err)
			}
		}
	}
	if opts.Complete {
		for _, t := range familyTables(s.spec.Family) {
			if !s.created[t] {
				if err := s.st.createTable(ctx, tx, t); err != nil {
					return err
				}
			}
			sql := t.render("tombstone_absent.sql.tmpl", sqlData{Source: s.st.table(t)})
			c := out[t.resource]
			if err := tx.QueryRow(ctx, sql, s.spec.Store, src, s.spec.StartedAt).Scan(&c.Deleted); err != nil {
				return fmt.Errorf("tombstone absent %s: %w", t.name, err)
			}
			out[t.resource] = c
			changes += c.Deleted
		}
		n, err := s.cascadeSnapshotTombstones(ctx, tx, out)
		if err != nil {
			return err
		}
		changes += n
	}
	if opts.InTx != nil {
		if err := opts.InTx(ctx, tx); err != nil {
			return err
		}
	}
	if changes > 0 {
		if err := notify(ctx, tx); err != nil {
			return err
		}
	}
	return s.st.drop(ctx, tx)
}

// analyzeAfter is how many written rows make a commit refresh the table's
// statistics.
const analyzeAfter = 10_000

// commitStatisticsTarget is the statistics target of the commit's ANALYZEs
// (of the staging, and of the mirror tables it wrote): 3,000 sampled rows
// instead of the default 30,000. What they are for is row counts and
// whether a join key is unique, so that no plan takes a large table for
// empty; a small sample tells that as well. At the default target they
// were an eighth of a 100,000-variant commit's backend CPU (perf:
// analyze_rel 13 %, sorting the sampled jsonb among it), and the mirror
// tables' ANALYZE costs about 0.5 s each whatever the snapshot's size;
// at 10 it costs 0.05 s. Autovacuum's ANALYZE (the commit's rows cross its
// threshold) and the planner's own refresh the full statistics soon after.
const commitStatisticsTarget = 10

// Close stops using the snapshot without committing: the rows added since
// the last staged batch are dropped, the staging is kept for
// ResumeSnapshot. It waits for a running COPY.
func (s *Snapshot) Close() {
	s.wait()
	s.closed = true
}

// Abort discards the snapshot and its staging.
func (s *Snapshot) Abort(ctx context.Context) error {
	s.Close()
	err := pgx.BeginFunc(ctx, s.m.pool, func(tx pgx.Tx) error { return s.st.drop(ctx, tx) })
	if err != nil {
		return fmt.Errorf("mirror: abort snapshot: %w", err)
	}
	return nil
}
