package applier

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/mirror"
)

// Deps are what an Applier works with.
type Deps struct {
	// DB is the shopsync database (migrated).
	DB *pgxpool.Pool
	// Mirror updates the destination mirror from the mutations' answers.
	Mirror *mirror.Mirror
	// Audit records one audit row per attempt (an *audit.Writer).
	Audit AuditRecorder
	// Clients returns the Admin API client of a destination store, whose
	// transport keeps the store's cost budget.
	Clients func(store string) (graphql.Client, error)
	// Observer, when the clients' transports report to it, gives the
	// THROTTLED counts recorded in applier_budgets; nil records 0.
	Observer *Observer
}

// Applier applies the plan to every destination whose lease it can take,
// one Writer per destination.
type Applier struct {
	db       *pgxpool.Pool
	mirror   *mirror.Mirror
	audit    AuditRecorder
	clients  func(string) (graphql.Client, error)
	observer *Observer
	cfg      Config
}

// New returns an Applier.
func New(deps Deps, cfg Config) (*Applier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch {
	case deps.DB == nil:
		return nil, errors.New("applier: no database")
	case deps.Mirror == nil:
		return nil, errors.New("applier: no mirror")
	case deps.Audit == nil:
		return nil, errors.New("applier: no audit recorder")
	case deps.Clients == nil:
		return nil, errors.New("applier: no clients")
	}
	cfg = cfg.withDefaults()
	return &Applier{db: deps.DB, mirror: deps.Mirror, audit: deps.Audit, clients: deps.Clients, observer: deps.Observer, cfg: cfg}, nil
}

// Holder is the name this Applier holds leases under.
func (a *Applier) Holder() string { return a.cfg.Holder }

// destinations lists the stores to write to: every destination, and the
// source of a two-way inventory link (destination sales move its stock) or
// of a link that syncs orders (destination orders are recreated there).
func (a *Applier) destinations(ctx context.Context) ([]string, error) {
	rows, err := a.db.Query(ctx, `SELECT domain FROM stores
		WHERE role = 'destination'
		   OR domain IN (SELECT source_store FROM links WHERE enabled AND inventory_mode = 'two_way')
		   OR domain IN (SELECT source_store FROM links WHERE enabled AND sync_orders)
		ORDER BY domain`)
	if err != nil {
		return nil, fmt.Errorf("applier: list destinations: %w", err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("applier: list destinations: %w", err)
	}
	if len(a.cfg.Destinations) == 0 {
		return all, nil
	}
	var out []string
	for _, d := range all {
		if slices.Contains(a.cfg.Destinations, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// RunOnce applies what is pending now on every destination whose lease is
// free, in parallel, and returns when they are done (or ctx ends). A
// destination whose lease another process holds is left to it.
func (a *Applier) RunOnce(ctx context.Context) error {
	stores, err := a.destinations(ctx)
	if err != nil {
		return err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	held := 0
	for _, store := range stores {
		if a.cfg.MaxDestinations > 0 && held >= a.cfg.MaxDestinations {
			break
		}
		lease, ok, err := acquireLease(ctx, a.db, store, a.cfg.Holder, a.cfg.LeaseTTL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			a.cfg.Logger.InfoContext(ctx, "another applier holds the destination; leaving it", "destination", store)
			continue
		}
		held++
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.runWriter(ctx, lease, true); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Run keeps applying until ctx ends: it takes the lease of every
// destination that has no live holder and runs its Writer; a Writer that
// stops (lost lease, store unavailable, database error) is started again
// when its lease can be taken again.
func (a *Applier) Run(ctx context.Context) error {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		running = map[string]bool{}
		// A destination whose writer failed waits before it is tried again,
		// longer each time, so a store that refuses the app (or a database
		// that is down) is not hammered.
		notBefore = map[string]time.Time{}
		failures  = map[string]int{}
	)
	tick := time.NewTicker(a.cfg.Poll)
	defer tick.Stop()
	for {
		stores, err := a.destinations(ctx)
		if err != nil && ctx.Err() == nil {
			a.cfg.Logger.WarnContext(ctx, "listing destinations failed", "err", err)
		}
		for _, store := range stores {
			mu.Lock()
			busy, full := running[store], a.cfg.MaxDestinations > 0 && len(running) >= a.cfg.MaxDestinations
			waiting := time.Now().Before(notBefore[store])
			mu.Unlock()
			if busy || full || waiting {
				continue
			}
			lease, ok, err := acquireLease(ctx, a.db, store, a.cfg.Holder, a.cfg.LeaseTTL)
			if err != nil || !ok {
				if err != nil && ctx.Err() == nil {
					a.cfg.Logger.WarnContext(ctx, "taking a destination lease failed", "destination", store, "err", err)
				}
				continue
			}
			mu.Lock()
			running[store] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := a.runWriter(ctx, lease, false)
				mu.Lock()
				defer mu.Unlock()
				delete(running, store)
				if err == nil || ctx.Err() != nil {
					delete(failures, store)
					return
				}
				failures[store]++
				wait := a.cfg.RetryInitial << min(failures[store]-1, 16)
				wait = min(wait, a.cfg.RetryMax)
				notBefore[store] = time.Now().Add(wait)
				a.cfg.Logger.ErrorContext(ctx, "destination writer stopped; it starts again when its lease can be taken",
					"destination", store, "retry_in", wait, "err", err)
			}()
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-tick.C:
		}
	}
}

// runWriter runs one destination's Writer under lease and releases the
// lease after it (unless it was lost).
func (a *Applier) runWriter(ctx context.Context, lease Lease, once bool) error {
	c, err := a.clients(lease.Store)
	if err == nil {
		w := newWriter(a, lease, c)
		a.cfg.Logger.InfoContext(ctx, "writing to destination", "destination", lease.Store, "holder", lease.Holder, "token", lease.Token)
		err = w.Run(ctx, once)
	} else {
		err = fmt.Errorf("applier: client for %s: %w", lease.Store, err)
	}
	if !errors.Is(err, ErrLeaseLost) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if rerr := lease.release(rctx, a.db); rerr != nil {
			err = errors.Join(err, rerr)
		}
		cancel()
	}
	if err != nil {
		return fmt.Errorf("applier: destination %s: %w", lease.Store, err)
	}
	return nil
}
