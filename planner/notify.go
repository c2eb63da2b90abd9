package planner

import (
	"context"
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
func (p *Planner) announce(ctx context.Context, store string, inserted map[string]int) {
	if Total(inserted) == 0 {
		return
	}
	if _, err := p.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, PlannedChannel, store); err != nil && ctx.Err() == nil {
		p.log.Warn("planner: notifying the applier of new deltas failed (it finds them at its next poll)", "store", store, "err", err)
	}
}
