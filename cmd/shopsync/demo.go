package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/schema/config"
)

// defaultDemoStateDir is where the demo keeps its configuration, secrets,
// state and log, relative to where it runs (the repository's ignored .data/
// for `make run`).
const defaultDemoStateDir = ".data/demo"

// demoOptions are the flags of `shopsync demo`.
type demoOptions struct {
	products  int
	duration  time.Duration
	stateDir  string
	database  string
	fakeshop  string
	listen    string
	seed      int64
	planEvery time.Duration
	every     time.Duration
}

func newDemoCommand() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline against fakeshop: a seeded source, two empty destinations",
		Long: `Run the whole pipeline on this machine against fakeshop, the local Shopify
emulator (what 'make run' does):

  1. resets the demo's own databases (--database, on the servers of
     DATABASE_URL and CLICKHOUSE_DSN) and migrates them;
  2. starts fakeshop in this process with a source store seeded with
     --products products and two empty destinations: 'eu', matched by handle
     with a 10 % markup ending in .99, and 'outlet', matched by SKU at 20 %
     off plus 2.00; each gets the stock of one source location;
  3. writes their configuration to <state-dir>/shopsync.yaml (secrets in
     files beside it) and runs ingest, planner and applier as 'shopsync run'
     does, with webhooks subscribed; Kafka is KAFKA_BROKERS, or an embedded
     broker when unset;
  4. shows progress (mirrored, planned, applied, lag, API budget per store)
     every --every: a line on a terminal, JSON log lines otherwise; the
     components' own logs go to <state-dir>/shopsync.log;
  5. once nothing is left to do, proves the sync: 'shopsync verify' through
     the mirror and the Admin API (zero drift), and the audit rows written
     to ClickHouse.

Then it stays live until Ctrl-C: 'shopsync demo edit' retitles a source
product and times its arrival in both destinations. With --duration it runs
headless instead: after the summary it makes that edit itself, waits for it,
and exits; it fails if the stores are not in sync within --duration.`,
		Example: "  shopsync demo\n  shopsync demo --products 300 --duration 5m\n  shopsync demo edit --title 'Summer tee'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.products, "products", 10_000, "products seeded in the source (about 9 variants each)")
	f.DurationVar(&o.duration, "duration", 0, "run headless for at most this long: sync, verify, one live edit, then exit (0: stay live until Ctrl-C)")
	f.StringVar(&o.stateDir, "state-dir", defaultDemoStateDir, "directory for the demo's configuration, secrets, state and log")
	f.StringVar(&o.database, "database", "shopsync_demo", "name of the demo's PostgreSQL and ClickHouse databases (dropped and created at start)")
	f.StringVar(&o.fakeshop, "fakeshop-listen", "127.0.0.1:0", "fakeshop's address")
	f.StringVar(&o.listen, "listen", "127.0.0.1:0", "the pipeline's address: webhooks, /metrics, /healthz")
	f.Int64Var(&o.seed, "seed", 1, "seed of the generated source store")
	f.DurationVar(&o.planEvery, "plan-interval", time.Minute, "time between full plans")
	f.DurationVar(&o.every, "every", 2*time.Second, "time between progress lines")
	cmd.AddCommand(newDemoEditCommand(), newDemoVerifyCommand())
	return cmd
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runDemo(ctx context.Context, out, errOut io.Writer, o demoOptions) error {
	if o.products < 1 {
		return errors.New("--products must be at least 1")
	}
	if o.every <= 0 || o.planEvery <= 0 {
		return errors.New("--every and --plan-interval must be positive")
	}
	begin := time.Now()
	headless := o.duration > 0
	if headless {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	terminal := isTerminal(errOut)
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	progressLog := slog.New(slog.NewJSONHandler(errOut, nil))

	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		return err
	}
	logPath := filepath.Join(o.stateDir, "shopsync.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	log := slog.New(slog.NewJSONHandler(logFile, nil))

	db, err := newDemoDatabases(o.database)
	if err != nil {
		return err
	}
	say("resetting the demo databases (%s) and migrating them", o.database)
	if err := db.reset(ctx); err != nil {
		return err
	}
	// Every component, and verify, finds the demo's databases here.
	os.Setenv("DATABASE_URL", db.postgres)
	os.Setenv("CLICKHOUSE_DSN", db.clickhouse)

	say("seeding %s with %d products", demoSource, o.products)
	srv, stats, err := demoShops(o.fakeshop, o.products, o.seed, log.With("component", "fakeshop"))
	if err != nil {
		return err
	}
	defer srv.Close()
	say("fakeshop on %s: %s has %d products, %d variants at %d locations; %s and %s are empty",
		srv.URL(), demoSource, stats.Products, stats.Variants, stats.Locations, demoEU, demoOutlet)
	st, err := writeDemoFiles(o.stateDir, srv, db)
	if err != nil {
		return err
	}
	cfg, err := config.Load(st.Config)
	if err != nil {
		return err
	}
	secrets, err := cfg.ResolveSecrets(nil, nil)
	if err != nil {
		return err
	}
	say("configuration %s; component logs in %s", st.Config, logPath)

	brokers, err := runBrokers(ctx, log)
	if err != nil {
		return err
	}
	reg := newProcessRegistry()
	pipeCtx, stopPipe := context.WithCancel(ctx)
	defer stopPipe()
	subscribed := make(chan error, 1)
	pipeDone := make(chan error, 1)
	go func() {
		pipeDone <- runPipeline(pipeCtx, pipelineConfig{
			Config: cfg, Secrets: secrets, Listen: o.listen, Brokers: brokers,
			TopicPrefix: "shopsync." + o.database + ".", GroupID: o.database + "-planner",
			PlanEvery: o.planEvery, ReconcileEvery: 10 * time.Minute, InFlight: 4, ApplierPoll: 200 * time.Millisecond,
			Registry: reg, Progress: snapshot.NewLogProgress(log), Logger: log,
			Started: func(addr string) {
				say("pipeline on http://%s (webhooks, /metrics, /healthz)", addr)
				subscribed <- subscribeDemoWebhooks(srv, addr)
			},
		})
	}()
	select {
	case err := <-subscribed:
		if err != nil {
			return err
		}
	case err := <-pipeDone:
		return fmt.Errorf("the pipeline stopped at start: %w", err)
	}

	pool, err := pgxpool.New(ctx, db.postgres)
	if err != nil {
		return err
	}
	defer pool.Close()
	run := &demoRun{o: o, out: out, errOut: errOut, terminal: terminal, progressLog: progressLog, pool: pool, reg: reg,
		db: db, st: st, begin: begin, source: demoSource + ".myshopify.com"}
	err = run.loop(ctx, pipeDone)
	stopPipe()
	if perr := <-pipeDone; perr != nil && err == nil {
		err = perr
	}
	if errors.Is(err, context.Canceled) || (err == nil && errors.Is(ctx.Err(), context.Canceled)) {
		say("stopped")
		return nil
	}
	return err
}

// demoRun is the demo's watch over its pipeline.
type demoRun struct {
	o           demoOptions
	out, errOut io.Writer
	terminal    bool
	progressLog *slog.Logger
	pool        *pgxpool.Pool
	reg         prometheus.Gatherer
	db          demoDatabases
	st          demoState
	begin       time.Time
	source      string
}

// loop shows progress until the stores are in sync, proves it, then stays
// live (or, headless, makes one edit and returns).
func (r *demoRun) loop(ctx context.Context, pipeDone <-chan error) error {
	t := time.NewTicker(r.o.every)
	defer t.Stop()
	synced := false
	idleTicks := 0
	var lastLine string
	var prev demoProgress
	var prevAt time.Time
	nextVerify := time.Time{}
	lastAnalyze := time.Now()
	for {
		select {
		case <-ctx.Done():
			// --duration ran out; Ctrl-C (Canceled) is a clean stop.
			if !synced && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("the stores were not in sync within --duration %s", r.o.duration)
			}
			return nil
		case err := <-pipeDone:
			if err == nil {
				err = errors.New("the pipeline stopped")
			}
			return err
		case <-t.C:
		}
		p, err := readDemoProgress(ctx, r.pool, r.reg)
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			return fmt.Errorf("read progress: %w", err)
		}
		elapsed := time.Since(r.begin)
		p.rateSince(prev, time.Since(prevAt))
		prev, prevAt = p, time.Now()
		if line := p.line(elapsed, r.source); r.terminal {
			// Once in sync, a line only when something moved.
			if !synced || line[7:] != lastLine {
				fmt.Fprintln(r.errOut, line)
			}
			lastLine = line[7:]
		} else {
			p.log(r.progressLog, elapsed)
		}
		if synced {
			continue
		}
		// The demo's tables grow from empty within seconds, faster than
		// autovacuum analyzes them: fresh statistics keep the planner's
		// joins on their intended plans while the destinations fill.
		if time.Since(lastAnalyze) > 10*time.Second {
			if err := analyzeMirror(ctx, r.pool); err != nil && ctx.Err() == nil {
				return err
			}
			lastAnalyze = time.Now()
		}
		if p.idle() {
			idleTicks++
		} else {
			idleTicks = 0
		}
		// Idle over two looks (a delta's outcome can plan the next one,
		// such as a created variant's stock), then verify.
		if idleTicks < 2 || time.Now().Before(nextVerify) {
			continue
		}
		ok, err := r.summary(ctx)
		if err != nil {
			if ctx.Err() != nil {
				continue // --duration ran out (or Ctrl-C) while verifying
			}
			return err
		}
		if !ok {
			nextVerify = time.Now().Add(10 * time.Second)
			continue
		}
		synced = true
		if r.o.duration > 0 {
			return r.liveEdit(ctx)
		}
		r.instructions()
	}
}

// summary verifies the sync and prints the proof; ok is false when drift
// remains.
func (r *demoRun) summary(ctx context.Context) (bool, error) {
	res, err := verifyStores(ctx, verifyOptions{config: r.st.Config})
	if err != nil {
		return false, err
	}
	if n := res.DriftCount(); n > 0 {
		fmt.Fprintf(r.out, "verify found %d difference(s) while idle; checking again shortly (shopsync demo verify shows them)\n", n)
		return false, nil
	}
	audit, err := r.auditRows(ctx)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(r.out, "\nin sync after %s\n", time.Since(r.begin).Round(time.Second))
	printVerifyText(r.out, res, 0)
	fmt.Fprintf(r.out, "audit: %d rows written to ClickHouse (%s.audit_writes)\n", audit, r.db.name)
	return true, nil
}

// auditRows waits for the audit outbox to drain into ClickHouse, then
// counts ClickHouse's rows.
func (r *demoRun) auditRows(ctx context.Context) (uint64, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var buffered int64
		if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM audit_outbox`).Scan(&buffered); err != nil {
			return 0, fmt.Errorf("count the audit outbox: %w", err)
		}
		if buffered == 0 || time.Now().After(deadline) {
			return r.db.auditRows(ctx)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// instructions tell how to watch the live demo.
func (r *demoRun) instructions() {
	fmt.Fprintf(r.out, `
live: edits to the source reach the destinations within seconds. In another terminal:
  bin/shopsync demo edit --title 'Summer tee'         # retitle a synced product, time its arrival
  bin/shopsync demo verify                            # verify again (mirror and Admin API)
  %s bin/shopsync status
or edit through fakeshop's Admin API directly:
  curl -s %s -H 'X-Shopify-Access-Token: '$(cat %s) -H 'Content-Type: application/json' \
    -d '{"query":"mutation { productUpdate(product: {id: \"<product gid>\", title: \"Hello\"}) { product { id title } } }"}'
Ctrl-C stops everything.
`, r.db.env(), r.st.Endpoints[demoSource], filepath.Join(filepath.Dir(r.st.Config), "secrets", demoSource+".token"))
}

// liveEdit is the headless run's proof that the pipeline stays live.
func (r *demoRun) liveEdit(ctx context.Context) error {
	fmt.Fprintln(r.out, "\nlive edit:")
	// Change events carry it within seconds; a full plan (every
	// --plan-interval) would catch one they missed.
	return demoEdit(ctx, r.out, r.st, demoEditOptions{timeout: r.o.planEvery + time.Minute})
}

// newDemoVerifyCommand runs verify against the running demo.
func newDemoVerifyCommand() *cobra.Command {
	var stateDir string
	var o verifyOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Run 'shopsync verify' against the running demo's stores and databases",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := readDemoState(stateDir)
			if err != nil {
				return err
			}
			os.Setenv("DATABASE_URL", st.Postgres)
			o.config = st.Config
			return runVerify(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", defaultDemoStateDir, "the running demo's state directory")
	cmd.Flags().StringVar(&o.dest, "dest", "", "verify only this destination (eu or outlet)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON lines")
	cmd.Flags().IntVar(&o.limit, "limit", 20, "drift lines printed per destination (0: all)")
	return cmd
}
