package mirror

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

// Apply writes one delivery (a webhook, or a reconcile read) into the mirror
// in one transaction (a savepoint when db is the caller's transaction), with
// one change row per row it changes, source naming the cause. It returns one
// Result per distinct incoming row, then one per child or object tombstoned.
//
// The guards are the snapshot's: a row is written only when its content
// differs from the mirror's and it is not older (Shopify's updated_at), so
// applying the same payload twice changes nothing the second time and a
// payload older than the mirror is reported Stale. A row of equal content
// and a newer updated_at only moves the row's updated_at forward. A ChildSet
// whose parent came back Stale is skipped. When one batch holds a row twice,
// the newer (then the later) wins.
//
// Deleting an object tombstones its children, and a variant tombstoned by
// any cause takes its inventory item and the item's levels with it. A
// deletion of an object the mirror never held is kept in mirror_tombstones,
// so that an older create or update arriving later stays out.
//
// An invalid row fails the whole batch before anything is written; a row
// the database refuses (a CHECK constraint) fails it with nothing written.
func (m *Mirror) Apply(ctx context.Context, db DB, src events.Source, b Batch) ([]Result, error) {
	rs, err := m.ApplyMany(ctx, db, src, []Batch{b})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// ApplyMany writes many deliveries in one transaction, with one statement
// per table (and per store) for their rows, one per child table for their
// child lists, and one per table for their deletions, instead of a few
// round trips per delivery. The outcome is that of applying the batches one
// after another in Shopify's order (updated_at), whatever their order here:
// rows dedupe newest first, a parent's newest child list is the one that
// counts, and deletions and rows meet under the same guards as in Apply.
//
// It returns each batch's Results, in the batches' order. A row that another
// batch also held shares that row's Result. An error (an invalid row in any
// batch, a statement PostgreSQL refused) writes nothing of any batch: the
// caller may then apply them one by one to find the one at fault.
func (m *Mirror) ApplyMany(ctx context.Context, db DB, src events.Source, bs []Batch) ([][]Result, error) {
	p, err := planApply(bs)
	if err != nil {
		return nil, err
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("mirror apply: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// The locks are taken in the same round trip as the first merge, ahead
	// of it (see mergeGroup), or alone when there is nothing to merge.
	p.lockKeys = lockKeys(p.locks())
	if err := p.run(ctx, tx, src); err != nil {
		return nil, fmt.Errorf("mirror apply: %w", err)
	}
	if p.changed && !p.notified {
		if err := notify(ctx, tx); err != nil {
			return nil, fmt.Errorf("mirror apply: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("mirror apply: commit: %w", err)
	}
	for _, rs := range p.results {
		m.m.rowResults(rs)
	}
	return p.results, nil
}

// Tombstone applies one deletion; see Apply.
func (m *Mirror) Tombstone(ctx context.Context, db DB, src events.Source, d Deletion) ([]Result, error) {
	return m.Apply(ctx, db, src, Batch{Deletions: []Deletion{d}})
}

// run writes the plan's rows, then walks the tables in order (parents before
// children) tombstoning each table's deleted objects and dropped children;
// what it tombstones in one table adds work for the tables after it.
func (p *applyPlan) run(ctx context.Context, tx pgx.Tx, src events.Source) error {
	for _, g := range p.groups {
		if err := p.mergeGroup(ctx, tx, g, src); err != nil {
			return err
		}
	}
	if p.lockKeys != nil { // no merge took them
		if _, err := tx.Exec(ctx, lockTablesSQL, p.lockKeys); err != nil {
			return fmt.Errorf("lock mirror tables: %w", err)
		}
		p.lockKeys = nil
	}
	p.addChildSets()
	for _, t := range tableOrder {
		if err := p.resolveLevels(ctx, tx, t); err != nil {
			return err
		}
		if err := p.tombstoneObjects(ctx, tx, t, src); err != nil {
			return err
		}
		if err := p.dropChildren(ctx, tx, t, src); err != nil {
			return err
		}
		if t.resource == events.Variant {
			if err := p.cascadeVariantItems(ctx, tx); err != nil {
				return err
			}
		}
	}
	return nil
}
