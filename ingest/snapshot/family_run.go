package snapshot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/shopify/client"
)

// familyRun drives one family's run through its states:
//
//	pending  → start the bulk operation, record its id  → running
//	running  → wait for the operation to finish         → loading
//	loading  → download, join, load, record completion  → completed
//
// Each step starts from what ingest_runs says, so a run found in any state
// after a restart continues from there: a running one waits on the same
// operation, a loading one downloads and loads again (the load applies
// nothing unless it commits, and a second load of the same records changes
// nothing).
//
// A step that fails for good (Shopify refused the query, the operation
// failed, the file is malformed or short) marks the run failed. A step that
// may pass later (the network, the database, ctx ending) leaves the run as
// it is, to be resumed.
type familyRun struct {
	r       *Runner
	c       *client.Client
	spec    Spec
	run     runs.Run
	resumed bool
	log     *slog.Logger
	tracker Tracker
	began   time.Time
	// result is the finished operation once waited for.
	result *client.BulkResult
}

// permanent marks a failure that fails the run.
type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

func (fr *familyRun) drive(ctx context.Context) (LoadStats, error) {
	for {
		var err error
		switch fr.run.Status {
		case runs.Pending:
			err = fr.start(ctx)
		case runs.Running:
			err = fr.wait(ctx)
		case runs.Loading:
			var st LoadStats
			st, err = fr.load(ctx)
			if err == nil {
				return st, nil
			}
		default:
			return LoadStats{}, fmt.Errorf("snapshot: run %d is %s, not active", fr.run.ID, fr.run.Status)
		}
		if err != nil {
			return LoadStats{}, fr.failed(ctx, err)
		}
	}
}

// failed records a permanent failure and returns err; other errors leave
// the run active.
func (fr *familyRun) failed(ctx context.Context, err error) error {
	var p *permanent
	if !errors.As(err, &p) || ctx.Err() != nil {
		if ctx.Err() == nil {
			fr.log.Warn("snapshot run interrupted; it resumes on the next attempt", "status", string(fr.run.Status), "error", err.Error())
		}
		return err
	}
	fr.log.Error("snapshot run failed", "status", string(fr.run.Status), "error", p.err.Error())
	if ferr := fr.r.runs.Fail(context.WithoutCancel(ctx), fr.run.ID, p.err.Error()); ferr != nil {
		return errors.Join(p.err, ferr)
	}
	fr.r.cfg.RunMetrics.Finished(fr.spec.Family, runs.Snapshot, runs.Failed)
	return p.err
}

// refusedForNow are the bulkOperationRunQuery userError codes that a later
// attempt may pass: too many operations running.
func refusedForNow(err error) bool {
	var ue *client.UserErrors
	return errors.As(err, &ue) && (ue.HasCode("LIMIT_REACHED") || ue.HasCode("OPERATION_IN_PROGRESS"))
}

func (fr *familyRun) start(ctx context.Context) error {
	cfg := fr.r.cfg.StartRetry
	res, err := backoff.Retry(ctx, func() (*client.BulkResult, error) {
		res, err := fr.c.StartBulkQuery(ctx, fr.spec.Query, false)
		switch {
		case refusedForNow(err):
			fr.log.Info("Shopify runs too many bulk operations for this shop; waiting", "error", err.Error())
			return nil, err
		case err != nil:
			return nil, backoff.Permanent(err)
		}
		return res, nil
	}, backoff.WithBackOff(fr.r.startBackoff()), backoff.WithMaxElapsedTime(cfg.MaxElapsed))
	var ue *client.UserErrors
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &ue) && !refusedForNow(err):
		return &permanent{fmt.Errorf("Shopify refused the bulk query: %w", err)}
	default:
		return err
	}
	// Recorded even if ctx ends now: the operation exists in Shopify and a
	// restart must wait on it rather than start another.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := fr.r.runs.BulkStarted(wctx, fr.run.ID, res.ID); err != nil {
		return err
	}
	fr.log.Debug("bulk operation started", "bulk_operation_id", res.ID)
	fr.run.Status, fr.run.BulkOperationID = runs.Running, res.ID
	return nil
}

func (fr *familyRun) wait(ctx context.Context) error {
	fr.tracker.Exporting(fr.run.BulkOperationID, fr.resumed)
	res, err := fr.c.WaitBulkOperation(ctx, fr.run.BulkOperationID)
	var be *client.BulkError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &be), errors.Is(err, client.ErrBulkOperationNotFound):
		return &permanent{err}
	case err != nil:
		return err
	}
	if err := fr.r.runs.Loading(ctx, fr.run.ID, res.ObjectCount); err != nil {
		return err
	}
	fr.run.Status, fr.run.ObjectCount, fr.result = runs.Loading, res.ObjectCount, res
	return nil
}

func (fr *familyRun) load(ctx context.Context) (LoadStats, error) {
	res := fr.result
	if res == nil {
		// Resumed in loading: ask again, for the URL and to learn whether
		// the result expired meanwhile (seven days after completion).
		var err error
		if res, err = fr.c.BulkOperation(ctx, fr.run.BulkOperationID); err != nil {
			if errors.Is(err, client.ErrBulkOperationNotFound) {
				return LoadStats{}, &permanent{err}
			}
			return LoadStats{}, err
		}
		if res.Status != client.BulkOperationStatusCompleted {
			return LoadStats{}, &permanent{fmt.Errorf("bulk operation %s is %s, its result cannot be loaded", res.ID, res.Status)}
		}
	}
	fr.tracker.Loading(res.ObjectCount)
	body, err := fr.c.OpenBulkResult(ctx, res.URL)
	if err != nil {
		return LoadStats{}, err
	}
	defer body.Close()

	j := &joined{body: body, spillDir: fr.r.cfg.SpillDir, want: res.ObjectCount, every: fr.r.cfg.ReportEvery, tracker: fr.tracker}
	batch := Batch{
		Store: fr.run.Store, Family: fr.spec.Family, RunID: fr.run.ID, StartedAt: fr.run.StartedAt,
		// A COMPLETED operation whose every record arrived is the whole
		// family: what it lacks was deleted.
		Complete: true,
		OnCommit: func(ctx context.Context, tx pgx.Tx) error {
			return fr.r.runs.Complete(ctx, tx, fr.run.ID, res.ObjectCount)
		},
	}
	stats, err := fr.r.loader.LoadSnapshot(ctx, batch, j.records(ctx))
	if err != nil && j.err != nil {
		err = j.err // the cause, whatever the loader made of it
	}
	var de *downloadError
	switch {
	case err == nil && !j.verified:
		// The contract says a loader reads to the end, where the count is
		// checked; one that did not has applied an unchecked file.
		return stats, &permanent{errors.New("snapshot: the loader committed without reading the whole result")}
	case err == nil:
	case ctx.Err() != nil:
		return stats, ctx.Err()
	case errors.As(err, &de):
		return stats, err
	default:
		return stats, &permanent{err}
	}
	if !stats.OnCommitRan {
		if err := fr.r.runs.Complete(ctx, fr.r.pool, fr.run.ID, res.ObjectCount); err != nil {
			return stats, err
		}
	}
	fr.r.cfg.RunMetrics.Finished(fr.spec.Family, runs.Snapshot, runs.Completed)
	fr.r.cfg.Metrics.completed(fr.spec.Family, stats.Records, time.Since(fr.began))
	fr.log.Debug("snapshot run completed", "records", stats.Records, "changed", stats.Changed)
	return stats, nil
}
