package ingest

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/schema/events"
)

// runStore is one store's schedule. At start it snapshots the families that
// need it: all with Full; otherwise those never completely mirrored and
// those whose snapshot an earlier process left unfinished (resumed where
// it was). Then, until ctx ends: a reconcile pass every ReconcileInterval,
// a full snapshot every SnapshotInterval, and failed snapshots again after
// RetryInterval. One thing at a time per store, so a family's snapshot and
// reconcile pass never overlap; stores run independently.
func (s *Service) runStore(ctx context.Context, st Store) error {
	ctx, cancel := s.storeContext(ctx, st.Domain)
	defer cancel()
	log := s.log.With("store", st.Domain)

	pending, err := s.startFamilies(ctx, st.Domain)
	if err != nil {
		return err
	}
	reconcileC, stopReconcile := tick(s.cfg.ReconcileInterval)
	defer stopReconcile()
	snapshotC, stopSnapshot := tick(s.cfg.SnapshotInterval)
	defer stopSnapshot()
	var retry *time.Timer
	var retryC <-chan time.Time
	for {
		if len(pending) > 0 {
			failed, err := s.snapshot(ctx, st, pending)
			pending = failed
			if ctx.Err() != nil {
				return nil
			}
			if s.cfg.Once {
				return err
			}
			if len(pending) > 0 {
				log.Warn("snapshot failed; trying again later", "families", pending, "in", s.cfg.RetryInterval.String())
				retry = time.NewTimer(s.cfg.RetryInterval)
				retryC = retry.C
			}
		} else if s.cfg.Once {
			return nil
		}
		select {
		case <-ctx.Done():
			if retry != nil {
				retry.Stop()
			}
			return nil
		case <-reconcileC:
			s.reconcile(ctx, st, pending)
		case <-snapshotC:
			pending = s.cfg.Families
		case <-retryC:
			retryC = nil
		}
	}
}

// tick is a ticker's channel and its stop, or a nil channel (never ready)
// for a zero interval.
func tick(every time.Duration) (<-chan time.Time, func()) {
	if every <= 0 {
		return nil, func() {}
	}
	t := time.NewTicker(every)
	return t.C, t.Stop
}

// startFamilies lists the families to snapshot at start.
func (s *Service) startFamilies(ctx context.Context, store string) ([]events.Family, error) {
	if s.cfg.Full {
		return s.cfg.Families, nil
	}
	var out []events.Family
	for _, f := range s.cfg.Families {
		active, err := s.runs.Active(ctx, store, f)
		if err != nil {
			return nil, err
		}
		last, err := s.runs.LastCompleted(ctx, store, f, runs.Snapshot)
		if err != nil {
			return nil, err
		}
		if last == nil || (active != nil && active.Kind == runs.Snapshot) {
			out = append(out, f)
		}
	}
	return out, nil
}

// snapshot takes the families' snapshots and returns those that failed.
func (s *Service) snapshot(ctx context.Context, st Store, families []events.Family) ([]events.Family, error) {
	results, err := s.runner.Families(ctx, st.Client, families)
	var failed []events.Family
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, r.Family)
		}
	}
	if err != nil && len(failed) == 0 {
		failed = families
	}
	return failed, err
}

// reconcile runs a pass over the families not waiting for a snapshot.
func (s *Service) reconcile(ctx context.Context, st Store, pending []events.Family) {
	for _, f := range s.cfg.Families {
		if slices.Contains(pending, f) {
			continue
		}
		res := s.reconciler.Family(ctx, st.Client, f)
		if res.Err != nil && !errors.Is(res.Err, context.Canceled) {
			s.log.Warn("reconcile pass failed; the next one retries", "store", st.Domain, "family", string(f), "error", res.Err.Error())
		}
		if ctx.Err() != nil {
			return
		}
	}
}
