package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/client"
)

// Sink writes a page into the mirror inside tx (the mirror module's Apply
// with source reconcile, through a small adapter).
type Sink interface {
	ApplyPage(ctx context.Context, tx pgx.Tx, store string, p Page) (Outcomes, error)
}

// Outcomes counts what a page did to the mirror.
type Outcomes struct {
	Applied, Unchanged, Stale int64
}

func (o *Outcomes) add(x Outcomes) {
	o.Applied += x.Applied
	o.Unchanged += x.Unchanged
	o.Stale += x.Stale
}

// Config configures a Reconciler.
type Config struct {
	// Families are the families a pass reads; empty means all.
	Families []events.Family
	// Overlap is read again before the cursor on every pass, to cover the
	// difference between our clock (a snapshot's start, a pass's start)
	// and Shopify's updatedAt. 0 means 2 minutes.
	Overlap time.Duration
	Logger  *slog.Logger
	// Metrics and RunMetrics record outcomes; nil records nothing.
	Metrics    *Metrics
	RunMetrics *runs.Metrics
	// Now is the clock of the cursors; nil means time.Now.
	Now func() time.Time
}

// Reconciler runs incremental reconcile passes.
type Reconciler struct {
	pool *pgxpool.Pool
	runs *runs.Store
	sink Sink
	cfg  Config
}

// New returns a Reconciler recording its passes in pool's ingest_runs and
// writing through sink.
func New(pool *pgxpool.Pool, sink Sink, cfg Config) (*Reconciler, error) {
	if pool == nil || sink == nil {
		return nil, errors.New("reconcile: New needs a pool and a sink")
	}
	if len(cfg.Families) == 0 {
		cfg.Families = events.Families()
	}
	for _, f := range cfg.Families {
		if readers[f] == nil {
			return nil, fmt.Errorf("reconcile: unknown resource family %q", f)
		}
	}
	if cfg.Overlap <= 0 {
		cfg.Overlap = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Reconciler{pool: pool, runs: runs.NewStore(pool), sink: sink, cfg: cfg}, nil
}

// Result is one family's pass.
type Result struct {
	Family events.Family
	RunID  int64
	// Skipped says why no pass ran: the family was never snapshotted, or a
	// snapshot of it is under way.
	Skipped string
	// Since is where the pass read from.
	Since    time.Time
	Objects  int64
	Outcomes Outcomes
	Err      error
}

// Pass runs one incremental pass over every configured family of the
// client's store, one family after the other. Families are independent:
// one failing does not stop the others.
func (r *Reconciler) Pass(ctx context.Context, c *client.Client) ([]Result, error) {
	var out []Result
	var errs []error
	for _, f := range r.cfg.Families {
		res := r.Family(ctx, c, f)
		out = append(out, res)
		if res.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, res.Err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	return out, errors.Join(errs...)
}

// Family runs one family's pass: it reads what changed since the family's
// cursor (client.UpdatedSince), writes each page in a transaction that also
// moves the cursor, and finishes the run. Its cursor is where the last pass
// started, or the start of the last complete snapshot, whichever is later;
// a family with neither is skipped, since a pass cannot see what changed
// before it.
func (r *Reconciler) Family(ctx context.Context, c *client.Client, f events.Family) Result {
	store := c.Shop()
	res := Result{Family: f}
	watermark, ok, err := r.runs.ReconcileCursor(ctx, store, f)
	if err != nil {
		res.Err = err
		return res
	}
	if !ok {
		res.Skipped = "no completed snapshot yet"
		return res
	}
	run, err := r.claim(ctx, store, f)
	if errors.Is(err, runs.ErrBusy) {
		res.Skipped = "a snapshot of the family is under way"
		return res
	}
	if err != nil {
		res.Err = err
		return res
	}
	res.RunID = run.ID
	log := r.cfg.Logger.With("store", store, "family", string(f), "run", run.ID)
	start := r.cfg.Now()
	res.Since = watermark.Add(-r.cfg.Overlap)
	query := client.UpdatedSince(res.Since)

	err = readers[f](ctx, c, query, func(ctx context.Context, p Page) error {
		if len(p.Lines) == 0 && len(p.Children) == 0 {
			return nil
		}
		var o Outcomes
		err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
			var err error
			if o, err = r.sink.ApplyPage(ctx, tx, store, p); err != nil {
				return err
			}
			cursor := ""
			if !p.Newest.IsZero() {
				// Everything up to the page's newest is in the mirror now;
				// later changes made during the pass are read by the next.
				cursor = formatCursor(earlier(p.Newest, start))
			}
			return r.runs.Advance(ctx, tx, run.ID, cursor, int64(len(p.Lines)))
		})
		if err != nil {
			return err
		}
		res.Objects += int64(len(p.Lines))
		res.Outcomes.add(o)
		r.cfg.Metrics.page(f, o)
		return nil
	})
	if err != nil {
		res.Err = err
		if ctx.Err() == nil {
			log.Error("reconcile pass failed", "error", err.Error())
			if ferr := r.runs.Fail(context.WithoutCancel(ctx), run.ID, err.Error()); ferr == nil {
				r.cfg.RunMetrics.Finished(f, runs.Reconcile, runs.Failed)
			}
		}
		return res
	}
	// The whole read is done: every change made before the pass started
	// is in the mirror.
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if err := r.runs.Advance(ctx, tx, run.ID, formatCursor(start), 0); err != nil {
			return err
		}
		return r.runs.Complete(ctx, tx, run.ID, res.Objects)
	})
	if err != nil {
		res.Err = err
		return res
	}
	r.cfg.RunMetrics.Finished(f, runs.Reconcile, runs.Completed)
	log.Info("reconcile pass done", "since", res.Since.Format(time.RFC3339), "objects", res.Objects,
		"applied", res.Outcomes.Applied, "stale", res.Outcomes.Stale)
	return res
}

// claim creates the pass's run. A reconcile run left active by a stopped
// process is closed first (its cursor stays valid); an active snapshot is
// ErrBusy.
func (r *Reconciler) claim(ctx context.Context, store string, f events.Family) (runs.Run, error) {
	active, err := r.runs.Active(ctx, store, f)
	if err != nil {
		return runs.Run{}, err
	}
	if active != nil {
		if active.Kind != runs.Reconcile {
			return runs.Run{}, runs.ErrBusy
		}
		if err := r.runs.Cancel(ctx, active.ID, "left active by a stopped process"); err != nil {
			return runs.Run{}, err
		}
		r.cfg.RunMetrics.Finished(f, runs.Reconcile, runs.Canceled)
	}
	run, err := r.runs.Create(ctx, store, f, runs.Reconcile)
	if err != nil {
		return runs.Run{}, err
	}
	return run, r.runs.Running(ctx, run.ID)
}

func formatCursor(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
