package mirror

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

// cascadesFrom lists the tables outside a complete snapshot's family that
// its tombstones reach: a products snapshot that drops a variant drops the
// variant's inventory item and the item's levels, as Shopify does.
func cascadesFrom(f events.Family) []*table {
	if f == events.Products {
		return []*table{tables[events.InventoryItem], tables[events.InventoryLevel]}
	}
	return nil
}

// cascadeSnapshotTombstones follows the variants a complete products
// snapshot tombstoned (deleted_at = now(), this transaction's start) to
// their inventory items and levels, with a delete change row each, and
// adds them to the commit's counts. The caller holds the tables' locks.
func (s *Snapshot) cascadeSnapshotTombstones(ctx context.Context, tx pgx.Tx, out map[events.Resource]Counts) (int64, error) {
	if s.spec.Family != events.Products {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT gid FROM variants WHERE store = $1 AND deleted_at = now()`, s.spec.Store)
	if err != nil {
		return 0, fmt.Errorf("find variants the snapshot tombstoned: %w", err)
	}
	gids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("find variants the snapshot tombstoned: %w", err)
	}
	if len(gids) == 0 {
		return 0, nil
	}
	p := &applyPlan{
		owners: map[rowKey][]rowOwner{}, stale: map[rowKey]bool{},
		objects: map[*table]map[rowKey]*objectWork{}, drops: map[childRef]map[dropKey]*dropWork{},
		variantsGone: map[Ref]int{}, results: make([][]Result, 1),
	}
	for _, g := range gids {
		p.variantsGone[Ref{s.spec.Store, g}] = 0
	}
	if err := p.cascadeVariantItems(ctx, tx); err != nil {
		return 0, err
	}
	src := s.spec.Source
	for _, t := range cascadesFrom(events.Products) {
		if err := p.tombstoneObjects(ctx, tx, t, src); err != nil {
			return 0, err
		}
		if err := p.dropChildren(ctx, tx, t, src); err != nil {
			return 0, err
		}
	}
	var n int64
	for _, r := range p.results[0] {
		if r.Outcome == Applied {
			c := out[r.Resource]
			c.Deleted++
			out[r.Resource] = c
			n++
		}
	}
	return n, nil
}
