package snapshot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/client"
)

// MaxConcurrentBulkQueries is how many bulk queries Shopify runs at once
// per shop and app from API version 2026-01 (FACTS.md §1.2).
const MaxConcurrentBulkQueries = 5

// Config configures a Runner.
type Config struct {
	// Families are the families a snapshot reads; empty means all.
	Families []events.Family
	// Concurrency is how many families of one store run at once, at most
	// MaxConcurrentBulkQueries; 0 means that.
	Concurrency int
	// SpillDir holds bulk.Join's temporary file of records that arrive
	// before their parent; empty means os.TempDir().
	SpillDir string
	// StartRetry paces new attempts to start a bulk operation that Shopify
	// refused because too many are running (LIMIT_REACHED,
	// OPERATION_IN_PROGRESS): another app's, or an orphan of a process that
	// stopped before recording its id. Zero values mean 1 s doubling to
	// 30 s, for up to 15 minutes.
	StartRetry StartRetry
	// ReportEvery is how many records pass between two Tracker.Loaded
	// calls; 0 means 10,000.
	ReportEvery int64
	// Progress reports the runs; nil reports nothing.
	Progress Progress
	// Metrics and RunMetrics record outcomes; nil records nothing.
	Metrics    *Metrics
	RunMetrics *runs.Metrics
	// Logger receives what the runner decides (resumes, failures); nil
	// discards.
	Logger *slog.Logger
}

// StartRetry is the backoff for starting a bulk operation.
type StartRetry struct {
	Initial, Max, MaxElapsed time.Duration
}

func (c Config) withDefaults() Config {
	if len(c.Families) == 0 {
		c.Families = events.Families()
	}
	if c.Concurrency <= 0 || c.Concurrency > MaxConcurrentBulkQueries {
		c.Concurrency = MaxConcurrentBulkQueries
	}
	if c.StartRetry.Initial <= 0 {
		c.StartRetry.Initial = time.Second
	}
	if c.StartRetry.Max <= 0 {
		c.StartRetry.Max = 30 * time.Second
	}
	if c.StartRetry.MaxElapsed <= 0 {
		c.StartRetry.MaxElapsed = 15 * time.Minute
	}
	if c.ReportEvery <= 0 {
		c.ReportEvery = 10_000
	}
	if c.Progress == nil {
		c.Progress = discardProgress{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Runner takes snapshots: for each family of a store, a bulk query whose
// result is streamed into the mirror, with its state in ingest_runs so that
// a stopped snapshot resumes where it was.
type Runner struct {
	pool   *pgxpool.Pool
	runs   *runs.Store
	loader Loader
	cfg    Config
}

// NewRunner returns a Runner recording runs in pool and loading through
// loader.
func NewRunner(pool *pgxpool.Pool, loader Loader, cfg Config) (*Runner, error) {
	if pool == nil || loader == nil {
		return nil, errors.New("snapshot: NewRunner needs a pool and a loader")
	}
	for _, f := range cfg.Families {
		if _, err := SpecOf(f); err != nil {
			return nil, err
		}
	}
	return &Runner{pool: pool, runs: runs.NewStore(pool), loader: loader, cfg: cfg.withDefaults()}, nil
}

// Result is how one family's snapshot ended.
type Result struct {
	Family events.Family
	RunID  int64
	// Resumed says the run was found active, left by an earlier process.
	Resumed bool
	Stats   LoadStats
	Err     error
}

// Snapshot takes (or resumes) a snapshot of every configured family of the
// client's store, up to Config.Concurrency at once. Families are
// independent: one failing does not stop the others. It returns each
// family's result and the failures joined. When ctx ends, the runs in
// progress stay active in ingest_runs and the next Snapshot resumes them.
func (r *Runner) Snapshot(ctx context.Context, c *client.Client) ([]Result, error) {
	return r.families(ctx, c, r.cfg.Families, false)
}

// Families takes (or resumes) a snapshot of the given families only.
func (r *Runner) Families(ctx context.Context, c *client.Client, families []events.Family) ([]Result, error) {
	for _, f := range families {
		if _, err := SpecOf(f); err != nil {
			return nil, err
		}
	}
	return r.families(ctx, c, families, false)
}

// Resume resumes the snapshot runs of the client's store that an earlier
// process left active, and starts none.
func (r *Runner) Resume(ctx context.Context, c *client.Client) ([]Result, error) {
	return r.families(ctx, c, r.cfg.Families, true)
}

func (r *Runner) families(ctx context.Context, c *client.Client, families []events.Family, resumeOnly bool) ([]Result, error) {
	results := make([]Result, len(families))
	sem := make(chan struct{}, r.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, f := range families {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] = Result{Family: f, Err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			results[i] = r.Family(ctx, c, f, resumeOnly)
		})
	}
	wg.Wait()
	var errs []error
	out := results[:0]
	for _, res := range results {
		if res.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", res.Family, res.Err))
		}
		if res.RunID != 0 || res.Err != nil {
			out = append(out, res)
		}
	}
	return out, errors.Join(errs...)
}

// Family takes (or resumes) one family's snapshot. With resumeOnly, a family
// without an active snapshot run is left alone (a zero Result).
func (r *Runner) Family(ctx context.Context, c *client.Client, f events.Family, resumeOnly bool) Result {
	spec, err := SpecOf(f)
	if err != nil {
		return Result{Family: f, Err: err}
	}
	store := c.Shop()
	run, resumed, err := r.claim(ctx, store, f, resumeOnly)
	if err != nil || run == nil {
		return Result{Family: f, Err: err}
	}
	log := r.cfg.Logger.With("store", store, "family", string(f), "run", run.ID)
	if resumed {
		log.Info("resuming snapshot run", "status", string(run.Status), "bulk_operation_id", run.BulkOperationID)
	}
	fr := &familyRun{r: r, c: c, spec: spec, run: *run, resumed: resumed, log: log,
		tracker: r.cfg.Progress.Track(store, f), began: time.Now()}
	stats, err := fr.drive(ctx)
	fr.tracker.Done(stats, err)
	return Result{Family: f, RunID: run.ID, Resumed: resumed, Stats: stats, Err: err}
}

// claim finds the family's active snapshot run or creates one. An active
// reconcile pass found instead was left by a stopped process (the ingest
// command never runs a family's snapshot and reconcile at once): it is
// closed as canceled, which keeps its cursor for the next pass.
func (r *Runner) claim(ctx context.Context, store string, f events.Family, resumeOnly bool) (*runs.Run, bool, error) {
	for range 3 {
		active, err := r.runs.Active(ctx, store, f)
		if err != nil {
			return nil, false, err
		}
		if active != nil && active.Kind == runs.Snapshot {
			return active, true, nil
		}
		if resumeOnly {
			return nil, false, nil
		}
		if active != nil {
			if err := r.runs.Cancel(ctx, active.ID, "left active by a stopped process; superseded by a snapshot"); err != nil {
				return nil, false, err
			}
			r.cfg.RunMetrics.Finished(f, active.Kind, runs.Canceled)
		}
		run, err := r.runs.Create(ctx, store, f, runs.Snapshot)
		if errors.Is(err, runs.ErrBusy) {
			continue // raced another writer; look again
		}
		if err != nil {
			return nil, false, err
		}
		return &run, false, nil
	}
	return nil, false, fmt.Errorf("snapshot: %s %s: %w", store, f, runs.ErrBusy)
}

// startBackoff is the retry policy of starting a bulk operation.
func (r *Runner) startBackoff() backoff.BackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = r.cfg.StartRetry.Initial
	b.MaxInterval = r.cfg.StartRetry.Max
	return b
}
