package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// plannedTables are the tables the planner's statements read.
var plannedTables = []string{
	"products", "variants", "inventory_items", "inventory_levels", "locations",
	"collections", "collection_products", "pages", "blogs", "articles",
	"orders", "order_line_items",
	"links", "link_locations", "id_map", "plan_deltas", "plan_conflicts",
}

// statisticsEvery is how often the consumer checks whether the tables it
// plans over have changed enough to need fresh statistics.
const statisticsEvery = 2 * time.Second

// RefreshStatistics analyzes the planned tables that changed by more than
// 50 rows plus a tenth of their size since their last ANALYZE (the rule of
// autovacuum's defaults), and returns their names.
//
// Why the planner does this itself: a scoped run's statement is planned once
// per connection (force_generic_plan), with the statistics of that moment.
// Planned while the mirror was still empty, its plan scans a whole store for
// each of its keys; on a few thousand rows that takes minutes, and the
// link's lock is held meanwhile. Autovacuum analyzes at most once a minute,
// later on a busy server. ANALYZE makes PostgreSQL re-plan every prepared
// statement over the table, on every connection, with the new statistics.
func (p *Planner) RefreshStatistics(ctx context.Context) ([]string, error) {
	rows, err := p.pool.Query(ctx, `SELECT relname::text FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND relname = ANY($1)
		  AND n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)
		ORDER BY relname`, plannedTables)
	if err != nil {
		return nil, fmt.Errorf("planner: statistics: read table counters: %w", err)
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("planner: statistics: read table counters: %w", err)
	}
	for _, t := range stale {
		if _, err := p.pool.Exec(ctx, "ANALYZE "+pgx.Identifier{t}.Sanitize()); err != nil {
			return nil, fmt.Errorf("planner: statistics: analyze %s: %w", t, err)
		}
	}
	return stale, nil
}

// keepStatistics runs RefreshStatistics every interval until ctx is done. A
// failure is logged and tried again at the next tick (the database may be
// restarting; the plans report that themselves).
func (p *Planner) keepStatistics(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		analyzed, err := p.RefreshStatistics(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			p.log.Warn("planner: refreshing table statistics failed", "err", err)
		case len(analyzed) > 0:
			p.log.Debug("planner: analyzed changed tables", "tables", analyzed)
		}
	}
}
