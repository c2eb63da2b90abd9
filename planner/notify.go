package planner

import (
	"context"

	"github.com/jackc/pgx/v5/pgconn"
)

// PlannedChannel is the PostgreSQL channel the planner notifies after it
// committed new pending deltas; the payload is the store they are for. The
// applier listens on it, so that a store's Writer starts on a delta at once
// instead of at its next poll.
const PlannedChannel = "shopsync_plan_deltas"

// announce tells the listening Writers of store that new deltas are pending.
// It runs after the plan's commit, outside its transaction: a NOTIFY inside
// it would make every planning commit take PostgreSQL's global notify lock,
// and after the commit the deltas are visible to whoever wakes. A lost
// notification costs latency only (the Writers poll), so a failure is
// logged, not returned.
//
// db is the connection the plan ran on, when the caller still holds it:
// taking a second one from the pool while holding the first deadlocks once
// every connection is held by a plan waiting for one (a consumer planning
// its links at once beside a full plan did, on a pool of 4).
func (p *Planner) announce(ctx context.Context, db execer, store string, inserted map[string]int) {
	if Total(inserted) == 0 {
		return
	}
	if _, err := db.Exec(ctx, `SELECT pg_notify($1, $2)`, PlannedChannel, store); err != nil && ctx.Err() == nil {
		p.log.Warn("planner: notifying the applier of new deltas failed (it finds them at its next poll)", "store", store, "err", err)
	}
}

// execer runs a statement: a pool, or a connection taken from it.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}
