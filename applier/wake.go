package applier

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/planner"
)

// Waking Writers (see Writer.sleep): an idle Writer waits for Poll, unless
// PostgreSQL tells it sooner that there is work. One LISTEN connection per
// database pool and process serves every Writer running on that pool:
//   - planner.PlannedChannel (payload: a store) wakes that store's Writers,
//     the planner having committed new deltas for it;
//   - mirror.NotifyChannel (any mirror change) wakes every Writer, because a
//     changed stock level is what the inventory reads confirm and count
//     (inventory_observe.go), before any delta exists.
//
// The connection is opened when the first Writer of a pool starts to run
// and closed when the last one ends. A lost connection is opened again
// after a growing wait; meanwhile the Writers' Poll bounds the delay.

// wakeHub fans one pool's notifications out to its Writers.
type wakeHub struct {
	mu      sync.Mutex
	writers map[*Writer]struct{}
	stop    context.CancelFunc
	done    chan struct{}
}

var (
	hubsMu sync.Mutex
	hubs   = map[*pgxpool.Pool]*wakeHub{}
)

// registerWake adds w to its pool's hub (starting the hub's listener with
// the pool's first Writer) and returns the function that removes it again
// (stopping the listener with the last).
func registerWake(w *Writer) func() {
	hubsMu.Lock()
	h := hubs[w.db]
	if h == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h = &wakeHub{writers: map[*Writer]struct{}{}, stop: cancel, done: make(chan struct{})}
		hubs[w.db] = h
		go func() {
			defer close(h.done)
			h.listen(ctx, w.db, w.cfg.Logger)
		}()
	}
	h.mu.Lock()
	h.writers[w] = struct{}{}
	h.mu.Unlock()
	hubsMu.Unlock()
	return func() {
		hubsMu.Lock()
		h.mu.Lock()
		delete(h.writers, w)
		last := len(h.writers) == 0
		h.mu.Unlock()
		if last {
			delete(hubs, w.db)
		}
		hubsMu.Unlock()
		if last {
			h.stop()
			<-h.done // the connection is back before the pool may close
		}
	}
}

// listen keeps a LISTEN connection until ctx ends, opening it again after
// a loss.
func (h *wakeHub) listen(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = 100*time.Millisecond, 10*time.Second
	for {
		err := h.listenOnce(ctx, pool, bo)
		if ctx.Err() != nil {
			return
		}
		wait := bo.NextBackOff()
		log.Debug("applier: wake-up connection lost; Writers poll until it is back", "err", err, "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		// Deltas planned while nobody listened are found by this read.
		h.wake("", true)
	}
}

func (h *wakeHub) listenOnce(ctx context.Context, pool *pgxpool.Pool, bo *backoff.ExponentialBackOff) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection ends in LISTEN state or broken: never hand it back.
	defer func() {
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	for _, ch := range []string{planner.PlannedChannel, mirror.NotifyChannel} {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return err
		}
	}
	bo.Reset()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Channel == mirror.NotifyChannel {
			h.wake("", true)
		} else {
			h.wake(n.Payload, false)
		}
	}
}

// wake wakes the Writers of store (every Writer when store is empty);
// mirrorChanged marks that the mirror changed, so that a Writer whose
// inventory reads are not due yet wakes again when they are.
func (h *wakeHub) wake(store string, mirrorChanged bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.writers {
		if store != "" && w.store != store {
			continue
		}
		if mirrorChanged {
			w.mirrorChanged.Store(true)
		}
		w.poke()
	}
}

// poke ends the Writer's sleep, or its next one.
func (w *Writer) poke() {
	select {
	case w.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// observeDue is when the Writer's inventory reads may next look for
// changed levels (inventory_observe.go's schedule); zero when now.
func (w *Writer) observeDue() time.Time {
	if v, ok := observed.Load(observeKey{w.db, w.store}); ok {
		return v.(observeState).nextScan
	}
	return time.Time{}
}
