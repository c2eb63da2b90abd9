package planner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// The kinds of plan run, the values of shopsync_planner_plan_seconds's kind
// label.
const (
	KindFull    = "full"    // every key of every enabled link (or of one destination)
	KindKeys    = "keys"    // a few keys of one link
	KindContent = "content" // the content family of one link, alone (content_events.go)
)

// familyResources are the plan_deltas resources the products family plans,
// and conflictResources those of its plan_conflicts rows.
var (
	familyResources   = []string{"product", "variant", "inventory_level"}
	conflictResources = []string{"product", "variant"}
)

// analyzeAfter is how many rows a full plan writes (deltas and recorded
// pairs) before it refreshes the statistics of what it wrote.
const analyzeAfter = 10000

// lockClass is the first half of the advisory lock that serialises the plans
// of one link (the second half is the link id): a full plan and an
// incremental one must not supersede each other's deltas halfway.
const lockClass int32 = 0x73706c6e // "spln"

// Planner plans deltas. It is safe for concurrent use; plans of one link run
// one at a time.
type Planner struct {
	pool    *pgxpool.Pool
	metrics *Metrics
	log     *slog.Logger
	workMem string
	// concurrency is how many links a full plan plans at once.
	concurrency int
}

// Option configures a Planner.
type Option func(*Planner)

// WithMetrics records the planner's metrics in m.
func WithMetrics(m *Metrics) Option { return func(p *Planner) { p.metrics = m } }

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(p *Planner) { p.log = l } }

// WithWorkMem sets PostgreSQL's work_mem for full plans (default 256MB): the
// hash joins of a full plan over hundreds of thousands of variants spill to
// disk with the server's usual 4MB.
func WithWorkMem(v string) Option { return func(p *Planner) { p.workMem = v } }

// WithConcurrency sets how many links a full plan plans at once (default 3):
// each takes a connection of the pool and, while it runs, a CPU of the
// database server.
func WithConcurrency(n int) Option {
	return func(p *Planner) {
		if n > 0 {
			p.concurrency = n
		}
	}
}

// New returns a Planner over the database of pool (migrated, with the stores
// and links written by config.Sync).
func New(pool *pgxpool.Pool, opts ...Option) *Planner {
	p := &Planner{pool: pool, log: slog.Default(), workMem: "256MB", concurrency: 3}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Options are the options of a full plan.
type Options struct {
	// Destination plans only the links to this store domain; empty plans
	// every enabled link.
	Destination string
	// DryRun computes the plan and reports it, writing nothing.
	DryRun bool
	// Collect returns the computed deltas and conflicts (a dry run always
	// does).
	Collect bool
}

// Plan runs a full plan: every key of every enabled link, or of the links to
// opts.Destination. Each link is planned in its own transaction, so a failure
// leaves the other links' plans in place; the errors are joined.
func (p *Planner) Plan(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	links, err := enabledLinks(ctx, p.pool, opts.Destination)
	if err != nil {
		return nil, err
	}
	if opts.Destination != "" && len(links) == 0 {
		return nil, fmt.Errorf("planner: no enabled link to destination %q", opts.Destination)
	}
	res := &Result{RunID: newRunID(KindFull), Kind: KindFull, DryRun: opts.DryRun}
	results := make([]LinkResult, len(links))
	errs := make([]error, len(links))
	// Links are independent: each is planned in its own transaction, on its
	// own connection, at most p.concurrency at a time.
	var g errgroup.Group
	g.SetLimit(p.concurrency)
	for i, l := range links {
		g.Go(func() error {
			results[i], errs[i] = p.planLink(ctx, res.RunID, l, nil, false, opts)
			if errs[i] == nil { // content after products: members map through product pairs
				var c LinkResult
				c, errs[i] = p.planContent(ctx, res.RunID, l, opts)
				results[i].merge(c)
			}
			if errs[i] == nil { // orders placed in the destination, recreated in the source (orders.go)
				errs[i] = p.planOrders(ctx, res.RunID, l, nil, opts, &results[i])
			}
			return nil
		})
	}
	_ = g.Wait()
	inserted, recorded := 0, 0
	for i := range links {
		if errs[i] == nil {
			res.Links = append(res.Links, results[i])
			inserted += Total(results[i].Inserted)
			recorded += results[i].recorded
		}
	}
	// After a bulk load, refresh the statistics now rather than when
	// autovacuum gets to it: the plans of incremental runs are made once per
	// connection, and would keep treating these tables as small.
	for table, n := range map[string]int{"plan_deltas": inserted, "id_map": recorded} {
		if n >= analyzeAfter && !opts.DryRun {
			if _, err := p.pool.Exec(ctx, `ANALYZE `+table); err != nil {
				errs = append(errs, fmt.Errorf("planner: analyze %s after a full plan: %w", table, err))
			}
		}
	}
	res.Duration = time.Since(start)
	p.observe(res)
	return res, errors.Join(errs...)
}

// scopedKeysPerRun is how many keys one scoped statement plans at most
// (planKeys says why).
const scopedKeysPerRun = 10

// PlanKeys runs an incremental plan of one link restricted to some product
// keys (see the package doc): the same SQL as a full plan, so its result for
// those keys is what a full plan would give. resource names the family
// (product, variant and inventory_level all mean the products family, whose
// keys are product keys).
func (p *Planner) PlanKeys(ctx context.Context, linkID int64, resource string, keys []string) (*LinkResult, error) {
	return p.planKeys(ctx, linkID, resource, keys, Options{})
}

// PlanKeysDry is PlanKeys that writes nothing and returns what it computed.
func (p *Planner) PlanKeysDry(ctx context.Context, linkID int64, resource string, keys []string) (*LinkResult, error) {
	return p.planKeys(ctx, linkID, resource, keys, Options{DryRun: true})
}

func (p *Planner) planKeys(ctx context.Context, linkID int64, resource string, keys []string, opts Options) (*LinkResult, error) {
	switch resource {
	case "product", "variant", "inventory_level":
	default:
		return nil, fmt.Errorf("planner: resource %q is not planned (product, variant, inventory_level)", resource)
	}
	start := time.Now()
	l, err := enabledLink(ctx, p.pool, linkID)
	if err != nil {
		return nil, err
	}
	res := &Result{RunID: newRunID(KindKeys), Kind: KindKeys, DryRun: opts.DryRun}
	// A scoped statement is planned once per connection, without knowing
	// how many keys it will get, and its plan costs time quadratic in them:
	// on a 10,000-product store 10 keys took 40 ms, 100 keys 3.6 s, 300
	// keys 59 s, 1,000 keys more than two minutes, all the while holding
	// the link's lock (a full plan planned afresh takes 8 s for the 1,000).
	// So many keys are planned in runs of scopedKeysPerRun, each its own
	// transaction: keys are independent, and each run is what a full plan
	// would give for its keys.
	lr := LinkResult{Link: l, Planned: map[string]int{}, Inserted: map[string]int{}}
	for chunk := range slices.Chunk(keys, scopedKeysPerRun) {
		c, err := p.planLink(ctx, res.RunID, l, chunk, true, opts)
		if err != nil {
			return nil, err
		}
		lr.merge(c)
	}
	res.Links = []LinkResult{lr}
	res.Duration = time.Since(start)
	p.observe(res)
	return &res.Links[0], nil
}

// planLink plans one link in one transaction, all statements in one round
// trip (a pgx batch).
func (p *Planner) planLink(ctx context.Context, runID string, l Link, keys []string, scoped bool, opts Options) (LinkResult, error) {
	lr := LinkResult{Link: l, Planned: map[string]int{}, Inserted: map[string]int{}}
	shape := sqlShape{Match: l.MatchKey, Scoped: scoped}
	fail := func(err error) (LinkResult, error) {
		return LinkResult{}, fmt.Errorf("planner: plan link %d (%s -> %s): %w", l.ID, l.Source, l.Destination, err)
	}
	if keys == nil {
		keys = []string{}
	}

	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return fail(err)
	}
	defer conn.Release()
	if err := ensureScratch(ctx, conn); err != nil {
		return fail(err)
	}
	// A plan that writes is one round trip: the statements of a batch run in
	// one implicit transaction, up to the batch's single Sync, and commit
	// together or not at all (a BEGIN and a COMMIT of their own were two more
	// round trips, each a wait for a CPU on a loaded machine). A dry run
	// opens a transaction, to roll it back.
	var sender interface {
		SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	} = conn
	if opts.DryRun {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return fail(err)
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		sender = tx
	}

	collect := opts.DryRun || opts.Collect
	args := []any{l.ID, l.Source, l.Destination}
	if scoped {
		args = append(args, keys)
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1::int4, $2::int4)`, lockClass, int32(l.ID)).Exec(discard)
	// The planner's row estimates for joins over CTEs are far too high, which
	// makes PostgreSQL JIT-compile the statement: seconds of compiling for a
	// query that runs in milliseconds (scoped) or about a second (full).
	b.Queue(`SELECT set_config('jit', 'off', true)`).Exec(discard)
	if scoped {
		// A scoped run's plan is the same index lookups whatever its keys:
		// plan it once per connection rather than on every run (planning
		// the statement takes longer than running it).
		b.Queue(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`).Exec(discard)
	} else {
		// A full run is planned with its stores' statistics, every time,
		// and with hash joins only: its intermediate results are CTEs, whose
		// sizes PostgreSQL misjudges by orders of magnitude either way, and a
		// nested loop fed ten times the rows it was planned for runs a
		// hundred times longer, while a hash join only builds a larger
		// table.
		for _, kv := range fullRunSettings(p.workMem) {
			b.Queue(`SELECT set_config($1, $2, true)`, kv[0], kv[1]).Exec(discard)
		}
	}
	if scoped || shape.Match != "handle" {
		// One statement: matching by SKU or barcode, the match step joins
		// every source variant to its recorded twin, and the deltas reuse
		// that join rather than doing it again (a third of a full run).
		b.Queue(query("products_keys.sql", shape), args...).Exec(discard)
	} else {
		// Matching by handle, the match step pairs products only; the deltas
		// are planned on the pairs' statistics.

		b.Queue(query("products_match.sql", shape), args...).Exec(discard)
		b.Queue(`ANALYZE plan_work`).Exec(discard)
		b.Queue(query("products_deltas.sql", shape), args...).Exec(discard)
	}
	queueStageReads(b, shape, l.ID, &lr, collect)
	superseded := map[string]int{}
	if !opts.DryRun {
		if scoped {
			for _, kv := range scopedWriteSettings() {
				b.Queue(`SELECT set_config($1, $2, true)`, kv[0], kv[1]).Exec(discard)
			}
		}
		b.Queue(`WITH s AS (`+query("supersede.sql", shape)+`) SELECT operation, count(*)::int FROM s GROUP BY operation`,
			l.ID, familyResources).Query(countsInto(superseded))
		if scoped { // the other writes keep their plans
			b.Queue(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`).Exec(discard)
		}
		b.Queue(`WITH i AS (`+query("insert.sql", shape)+`) SELECT operation, count(*)::int FROM i GROUP BY operation`,
			l.ID, runID, l.Destination).Query(countsInto(lr.Inserted))
		b.Queue(query("pairs_release.sql", shape), l.ID).Exec(discard)
		b.Queue(query("pairs_record.sql", shape), l.ID).Exec(func(ct pgconn.CommandTag) error {
			lr.recorded = int(ct.RowsAffected())
			return nil
		})
		clearArgs := []any{l.ID, conflictResources}
		if scoped {
			clearArgs = append(clearArgs, keys)
		}
		b.Queue(query("conflicts_clear.sql", shape), clearArgs...).Exec(discard)
		b.Queue(query("conflicts_record.sql", shape), l.ID, runID).Exec(discard)
	}
	if err := sender.SendBatch(ctx, b).Close(); err != nil {
		return fail(err)
	}
	lr.Superseded = Total(superseded)
	if opts.DryRun {
		return lr, nil // the deferred rollback drops everything
	}
	p.announce(ctx, conn, l.Destination, lr.Inserted) // notify.go
	return lr, nil
}

// scopedWriteSettings are the settings of a scoped run's supersession
// (after its plan was staged): planned afresh on every run, on
// plan_deltas's current size. A plan made once per connection (generic) was often made while
// plan_deltas was empty or small, where reading it whole is the cheapest way
// to find a key's pending delta, and kept reading every pending delta of the
// link on every run as they accumulated, until the next ANALYZE: from 0.1 ms
// to 28 ms a run on average over 460 incremental plans. Planning these
// statements takes a fraction of a millisecond.
func scopedWriteSettings() [][2]string {
	return [][2]string{{"plan_cache_mode", "force_custom_plan"}}
}

// fullRunSettings are the settings of a full run's transaction, beside jit
// off (planLink says why).
func fullRunSettings(workMem string) [][2]string {
	return [][2]string{{"plan_cache_mode", "force_custom_plan"}, {"work_mem", workMem},
		{"enable_nestloop", "off"}, {"enable_mergejoin", "off"}}
}

func discard(pgconn.CommandTag) error { return nil }

// scratchReady marks, in a connection's custom data, that its scratch tables
// exist.
const scratchReady = "shopsync.planner.scratch"

// ensureScratch creates the planner's temporary tables on a connection that
// has none yet. Outside any transaction, so that a dry run's rollback keeps
// them; once per connection, because creating them, even IF NOT EXISTS,
// costs milliseconds and makes PostgreSQL replan the statements that use
// them. They must exist before a batch, too: pgx prepares every statement of
// a batch before running the first.
func ensureScratch(ctx context.Context, conn *pgxpool.Conn) error {
	data := conn.Conn().PgConn().CustomData()
	if data[scratchReady] != nil {
		return nil
	}
	if _, err := conn.Exec(ctx, query("stage.sql", sqlShape{})); err != nil {
		return fmt.Errorf("create scratch tables: %w", err)
	}
	data[scratchReady] = true
	return nil
}

// countsInto reads (operation, count) rows into m.
func countsInto(m map[string]int) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		var op string
		var n int
		_, err := pgx.ForEachRow(rows, []any{&op, &n}, func() error {
			m[op] += n
			return nil
		})
		return err
	}
}

// newRunID names a plan run: its kind, when it started and a random suffix.
func newRunID(kind string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("plan-%s-%s-%s", kind, time.Now().UTC().Format("20060102T150405.000"), hex.EncodeToString(b[:]))
}
