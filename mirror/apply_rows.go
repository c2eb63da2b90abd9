package mirror

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

// rowGroup is the rows of one table and store in an apply, one per key.
type rowGroup struct {
	t     *table
	store string
	rows  []Row
}

func older(a, b *time.Time) bool { return a != nil && b != nil && a.Before(*b) }

func sortGroups(gs []*rowGroup) {
	for i := 1; i < len(gs); i++ {
		for j := i; j > 0 && gs[j].t.order < gs[j-1].t.order; j-- {
			gs[j], gs[j-1] = gs[j-1], gs[j]
		}
	}
}

// applySQL caches each table's per-row merge statement.
var applySQL sync.Map // *table → string

func (t *table) applyMergeSQL() string {
	if s, ok := applySQL.Load(t); ok {
		return s.(string)
	}
	s := t.render("merge.sql.tmpl", sqlData{Source: t.applySource(), PerRow: true})
	applySQL.Store(t, s)
	return s
}

// notifySQL is notify's statement, for a pipeline.
const notifySQL = `SELECT pg_notify($1, '')`

// mergeGroup merges one table's rows of one store in one statement and
// hands each row's Result to every batch that held the row.
func (p *applyPlan) mergeGroup(ctx context.Context, tx pgx.Tx, g *rowGroup, src events.Source) error {
	if len(g.rows) == 0 {
		return nil // every row was deleted in the same apply
	}
	payload, err := rowsJSON(g.t, g.rows)
	if err != nil {
		return err
	}
	// The merge between the statements that set and restore the planner's
	// settings for it (apply_probe.go), in one round trip; the first merge
	// of an apply takes the tables' locks first.
	qb := &pgx.Batch{}
	locking := p.lockKeys != nil
	if locking {
		qb.Queue(lockTablesSQL, p.lockKeys)
		p.lockKeys = nil
		// The relay's notification too, before knowing whether a change
		// row will be written: it is only delivered at commit, a needless
		// one costs the relay one look at an empty outbox, and a round trip
		// of its own after the writes delayed every webhook batch's commit.
		qb.Queue(notifySQL, NotifyChannel)
		p.notified = true
	}
	qb.Queue(probeSettingsSQL)
	qb.Queue(g.t.applyMergeSQL(), g.store, string(src), nil, payload)
	qb.Queue(restoreSettingsSQL)
	br := tx.SendBatch(ctx, qb)
	defer br.Close()
	if locking {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("lock mirror tables: %w", err)
		}
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("notify %s: %w", NotifyChannel, err)
		}
	}
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("merge %s: planner settings: %w", g.t.name, err)
	}
	if err := p.readMerge(g, br); err != nil {
		return err
	}
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("merge %s: restore planner settings: %w", g.t.name, err)
	}
	return br.Close()
}

// readMerge hands each row's Result of a merge statement to every batch
// that held the row.
func (p *applyPlan) readMerge(g *rowGroup, br pgx.BatchResults) error {
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("merge %s: %w", g.t.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			gid      string
			op       *string
			isStale  bool
			mirrorAt *time.Time
		)
		if err := rows.Scan(&gid, &op, &isStale, &mirrorAt); err != nil {
			return fmt.Errorf("merge %s: %w", g.t.name, err)
		}
		r := Result{Resource: g.t.resource, GID: gid, Outcome: Unchanged}
		switch {
		case op != nil:
			r.Outcome, r.Operation = Applied, events.Operation(*op)
		case isStale:
			r.Outcome = Stale
		}
		k := rowKey{g.t, g.store, gid}
		if r.Outcome == Stale {
			p.stale[k] = true
		}
		for _, o := range p.owners[k] {
			// A batch whose copy of the row lost to a newer one shares that
			// one's Result, unless its copy was older than the mirror's:
			// applied alone it would have been stale.
			if r.Outcome != Stale && older(o.at, mirrorAt) {
				p.add(o.batch, Result{Resource: r.Resource, GID: gid, Outcome: Stale})
				continue
			}
			p.add(o.batch, r)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("merge %s: %w", g.t.name, err)
	}
	return nil
}
