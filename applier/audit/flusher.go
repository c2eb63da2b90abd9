package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/google/uuid"
)

// releaseTimeout bounds freeing a failed batch's rows. It runs even when the
// flush was cancelled: otherwise the rows would wait out their lease.
const releaseTimeout = 5 * time.Second

// deliveryError is a failed flush, with the side that failed, for the log.
type deliveryError struct {
	side string // "ClickHouse" or "PostgreSQL"
	err  error
}

func (e *deliveryError) Error() string { return e.err.Error() }
func (e *deliveryError) Unwrap() error { return e.err }

// run is the flusher: it delivers batches while there are full ones, then
// waits for FlushInterval or a full batch recorded here; after a failure it
// backs off (exponentially, with jitter) and tries again, forever.
func (w *Writer) run() {
	defer close(w.done)
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = w.cfg.RetryInitial
	bo.MaxInterval = w.cfg.RetryMax
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n, err := w.flushOnce(w.runCtx)
		var wait time.Duration
		switch {
		case w.runCtx.Err() != nil:
			return
		case err != nil:
			w.failed(err)
			wait = bo.NextBackOff()
		default:
			w.succeeded()
			bo.Reset()
			if n == w.cfg.BatchSize {
				wait = 0 // more are waiting
			} else {
				wait = w.cfg.FlushInterval
			}
		}
		timer.Reset(wait)
		select {
		case <-w.stopping:
			return
		case <-w.runCtx.Done():
			return
		case <-timer.C:
		case <-w.kick:
			if err != nil {
				// Backing off: a full batch does not make ClickHouse come back sooner.
				select {
				case <-w.stopping:
					return
				case <-w.runCtx.Done():
					return
				case <-timer.C:
				}
			} else {
				timer.Stop() // since Go 1.23 a stopped timer delivers no stale tick
			}
		}
	}
}

// flushOnce delivers one batch: claim up to BatchSize rows from the buffer,
// drop those ClickHouse already has (only rows sent before can be there),
// insert the rest in one batch and, once ClickHouse acknowledged it, remove
// them all from the buffer. It returns how many rows it claimed.
func (w *Writer) flushOnce(ctx context.Context) (int, error) {
	start := time.Now()
	w.pending.Store(0)
	batch, err := w.outbox.claim(ctx, w.cfg.BatchSize, w.cfg.Lease)
	if err != nil {
		return 0, &deliveryError{"PostgreSQL", err}
	}
	if len(batch) == 0 {
		return 0, nil
	}
	ids := make([]int64, 0, len(batch))
	rows := make([]Row, 0, len(batch))
	var resent []Row
	for _, c := range batch {
		if c.bad != nil {
			w.setAside(ctx, c)
			continue
		}
		ids = append(ids, c.id)
		rows = append(rows, c.row)
		if c.deliveries > 1 {
			resent = append(resent, c.row)
		}
	}
	if len(ids) == 0 {
		return len(batch), nil
	}

	sendCtx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	defer cancel()
	duplicates := 0
	if len(resent) > 0 {
		// A row sent before may be in ClickHouse already (its acknowledgement
		// or its removal from the buffer was lost): send only the others.
		present, err := w.sink.present(sendCtx, resent)
		if err != nil {
			return 0, w.releaseAfter(ctx, ids, &deliveryError{"ClickHouse", err})
		}
		if len(present) > 0 {
			rows = dropPresent(rows, present)
			duplicates = len(ids) - len(rows)
		}
	}
	if len(rows) > 0 {
		if err := w.sink.insert(sendCtx, rows); err != nil {
			return 0, w.releaseAfter(ctx, ids, &deliveryError{"ClickHouse", err})
		}
	}
	if w.afterInsert != nil {
		if err := w.afterInsert(); err != nil {
			return 0, &deliveryError{"PostgreSQL", err}
		}
	}
	if err := w.outbox.remove(ctx, ids); err != nil {
		// ClickHouse has the rows. They stay leased, are claimed again when
		// the lease ends, found in ClickHouse and removed then.
		return 0, &deliveryError{"PostgreSQL", err}
	}
	w.metrics.addRows(RowsDelivered, len(rows))
	w.metrics.addRows(RowsResent, duplicates)
	w.metrics.flushed(time.Since(start))
	return len(batch), nil
}

func dropPresent(rows []Row, present map[uuid.UUID]bool) []Row {
	out := rows[:0]
	for _, r := range rows {
		if !present[r.AttemptID] {
			out = append(out, r)
		}
	}
	return out
}

// releaseAfter frees a failed batch's rows for the next try and returns err.
func (w *Writer) releaseAfter(ctx context.Context, ids []int64, err *deliveryError) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if rerr := w.outbox.release(rctx, ids, false, err.Error()); rerr != nil {
		// The rows stay leased: they are retried when the lease ends.
		w.log.Warn("audit: cannot free a failed batch; it is retried when its lease ends",
			"rows", len(ids), "lease", w.cfg.Lease, "error", rerr)
	}
	return err
}

// setAside keeps an undecodable row out of every batch, for people to look at:
// sending the rest must not wait for it, and dropping it would lose it.
func (w *Writer) setAside(ctx context.Context, c claimed) {
	w.log.Error("audit: a buffered row cannot be decoded; set aside in audit_outbox (leased_until = infinity)",
		"outbox_id", c.id, "error", c.bad)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := w.outbox.release(rctx, []int64{c.id}, true, c.bad.Error()); err != nil {
		w.log.Warn("audit: cannot set a row aside; it is tried again when its lease ends", "outbox_id", c.id, "error", err)
		return
	}
	w.metrics.addRows(RowsSetAside, 1)
}

// failed records a failed flush: the log says so once per change of state,
// not once per retry.
func (w *Writer) failed(err error) {
	w.metrics.flushFailed()
	side := "ClickHouse"
	var d *deliveryError
	if errors.As(err, &d) {
		side = d.side
	}
	w.mu.Lock()
	changed := w.lastErr == nil || w.failing != side
	w.lastErr, w.failing = err, side
	w.mu.Unlock()
	n, counted := w.countBuffered(changed)
	if !changed {
		return
	}
	msg := fmt.Sprintf("audit: %s unreachable, rows buffered", side)
	if counted {
		msg = fmt.Sprintf("audit: %s unreachable, %d rows buffered", side, n)
	}
	w.log.Warn(msg, "error", err)
}

// succeeded records a successful flush, logging the recovery if it is one.
func (w *Writer) succeeded() {
	w.mu.Lock()
	recovered := w.lastErr != nil
	side := w.failing
	w.lastErr, w.failing = nil, ""
	w.mu.Unlock()
	n, counted := w.countBuffered(recovered)
	if recovered {
		if counted {
			w.log.Info(fmt.Sprintf("audit: %s reachable again, delivering %d buffered rows", side, n))
		} else {
			w.log.Info(fmt.Sprintf("audit: %s reachable again", side))
		}
	}
}

// countBuffered updates shopsync_audit_buffered_rows when GaugeInterval has
// passed since the last count, or now if force.
func (w *Writer) countBuffered(force bool) (int64, bool) {
	w.mu.Lock()
	due := force || time.Since(w.lastCounts) >= w.cfg.GaugeInterval
	if due {
		w.lastCounts = time.Now()
	}
	w.mu.Unlock()
	if !due {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(w.runCtx, releaseTimeout)
	defer cancel()
	n, err := w.outbox.count(ctx)
	if err != nil {
		return 0, false
	}
	w.metrics.setBuffered(n)
	return n, true
}
