package mirror

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

var objectsSQL sync.Map // *table → string

func (t *table) tombstoneObjectsSQL() string {
	if s, ok := objectsSQL.Load(t); ok {
		return s.(string)
	}
	s := t.render("tombstone_objects.sql.tmpl", sqlData{})
	objectsSQL.Store(t, s)
	return s
}

var childrenSQL sync.Map // childRef → string

func (c childRef) sql() string {
	if s, ok := childrenSQL.Load(c); ok {
		return s.(string)
	}
	s := c.table.render("tombstone_children.sql.tmpl", sqlData{ParentCol: c.parentCol, KeepCol: c.keepCol})
	childrenSQL.Store(c, s)
	return s
}

// byStore lists the distinct stores of a set of keys, sorted, so that
// statements run in the same order every time.
func byStore[K comparable, V any](m map[K]V, store func(K) string) []string {
	var out []string
	for k := range m {
		out = append(out, store(k))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// resolveLevels finds the GIDs of the levels disconnected by webhook (which
// name the item and location only) once the plan reaches their table.
func (p *applyPlan) resolveLevels(ctx context.Context, tx pgx.Tx, t *table) error {
	if t.resource != events.InventoryLevel {
		return nil
	}
	for _, d := range p.levels {
		var gid string
		err := tx.QueryRow(ctx, `SELECT gid FROM inventory_levels
			WHERE store = $1 AND inventory_item_gid = $2 AND location_gid = $3 AND deleted_at IS NULL`,
			d.Store, d.InventoryItemGID, d.LocationGID).Scan(&gid)
		if errors.Is(err, pgx.ErrNoRows) {
			p.add(d.owner, Result{Resource: t.resource, GID: d.InventoryItemGID + " " + d.LocationGID, Outcome: Unchanged})
			continue
		}
		if err != nil {
			return fmt.Errorf("find inventory level: %w", err)
		}
		p.addObject(t, d.Store, gid, d.At, d.owner, true)
	}
	p.levels = nil
	return nil
}

// tombstoneObjects tombstones the table's deleted objects, one statement
// per store, queues their children, and records the deletions of objects
// the mirror never held.
func (p *applyPlan) tombstoneObjects(ctx context.Context, tx pgx.Tx, t *table, src events.Source) error {
	objs := p.objects[t]
	for _, store := range byStore(objs, func(k rowKey) string { return k.store }) {
		var (
			gids []string
			ats  []*time.Time
		)
		for k, w := range objs {
			if k.store == store {
				gids, ats = append(gids, k.gid), append(ats, w.at)
			}
		}
		rows, err := tx.Query(ctx, t.tombstoneObjectsSQL(), store, string(src), gids, ats)
		if err != nil {
			return fmt.Errorf("tombstone %s: %w", t.name, err)
		}
		type outcome struct {
			gid                    string
			deleted, stale, unseen bool
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (outcome, error) {
			var o outcome
			err := r.Scan(&o.gid, &o.deleted, &o.stale, &o.unseen)
			return o, err
		})
		if err != nil {
			return fmt.Errorf("tombstone %s: %w", t.name, err)
		}
		// GID order: the same results in the same order every time.
		slices.SortFunc(got, func(a, b outcome) int { return strings.Compare(a.gid, b.gid) })
		var unseen []string
		var unseenAt []*time.Time
		for _, o := range got {
			w := objs[rowKey{t, store, o.gid}]
			r := Result{Resource: t.resource, GID: o.gid, Outcome: Unchanged}
			switch {
			case o.deleted:
				r.Outcome, r.Operation = Applied, events.Delete
			case o.stale:
				r.Outcome = Stale
			}
			if w.explicit || o.deleted {
				// A cascade reports what it changed only.
				p.add(w.owner, r)
			}
			if o.stale {
				continue
			}
			if o.unseen && (w.explicit || w.remember) {
				unseen, unseenAt = append(unseen, o.gid), append(unseenAt, w.at)
			}
			if t.resource == events.Variant && o.deleted {
				p.variantsGone[Ref{store, o.gid}] = w.owner
			}
			for _, c := range t.children {
				p.addDrop(c, store, o.gid, &dropWork{at: w.at, all: true, keep: []string{}, owner: w.owner})
			}
		}
		if len(unseen) > 0 {
			if _, err := tx.Exec(ctx, recordUnseenSQL, store, string(t.resource), unseen, unseenAt); err != nil {
				return fmt.Errorf("record deletions of unseen %s: %w", t.name, err)
			}
		}
	}
	delete(p.objects, t)
	return nil
}

// recordUnseenSQL keeps deletions of objects the mirror never held. Of two
// deletions of one object the later time is kept; an unknown time refuses
// every later insert and wins.
const recordUnseenSQL = `INSERT INTO mirror_tombstones (store, gid, resource, deleted_at)
SELECT $1, u.gid, $2, u.at FROM unnest($3::text[], $4::timestamptz[]) AS u (gid, at)
ON CONFLICT (store, gid) DO UPDATE SET
    deleted_at = CASE WHEN mirror_tombstones.deleted_at IS NULL OR excluded.deleted_at IS NULL THEN NULL
                      ELSE GREATEST(mirror_tombstones.deleted_at, excluded.deleted_at) END,
    recorded_at = now()`

// dropChildren tombstones the children of the queued parents that live in
// table t, one statement per relation and store.
func (p *applyPlan) dropChildren(ctx context.Context, tx pgx.Tx, t *table, src events.Source) error {
	for _, parent := range tableOrder {
		c, ok := parent.child(t.resource)
		if !ok {
			continue
		}
		ds := p.drops[c]
		for _, store := range byStore(ds, func(k dropKey) string { return k.store }) {
			var (
				parents, keepParents, keep []string
				ats                        []*time.Time
			)
			for k, w := range ds {
				if k.store != store {
					continue
				}
				parents, ats = append(parents, k.parent), append(ats, w.at)
				for _, g := range w.keep {
					keepParents, keep = append(keepParents, k.parent), append(keep, g)
				}
			}
			rows, err := tx.Query(ctx, c.sql(), store, string(src), parents, ats, keepParents, keep)
			if err != nil {
				return fmt.Errorf("tombstone %s of %s: %w", t.name, parent.name, err)
			}
			type gone struct{ gid, parent string }
			got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (gone, error) {
				var g gone
				err := r.Scan(&g.gid, &g.parent)
				return g, err
			})
			if err != nil {
				return fmt.Errorf("tombstone %s of %s: %w", t.name, parent.name, err)
			}
			slices.SortFunc(got, func(a, b gone) int { return strings.Compare(a.gid, b.gid) })
			for _, g := range got {
				owner := ds[dropKey{store, g.parent}].owner
				p.add(owner, Result{Resource: t.resource, GID: g.gid, Outcome: Applied, Operation: events.Delete})
				if t.resource == events.Variant {
					p.variantsGone[Ref{store, g.gid}] = owner
				}
			}
		}
		delete(p.drops, c)
	}
	return nil
}

// cascadeVariantItems queues the inventory items of the variants tombstoned
// so far (Shopify deletes a variant's inventory item with it), unless
// another live variant still names the item. Their levels follow as the
// items' children. The deletion is dated now (the database's clock): the
// item goes whatever its updated_at, and a snapshot that read the item
// before now (a products export carries items) is older and cannot bring
// it back. An item the mirror never held is remembered likewise.
func (p *applyPlan) cascadeVariantItems(ctx context.Context, tx pgx.Tx) error {
	items := tables[events.InventoryItem]
	for _, store := range byStore(p.variantsGone, func(r Ref) string { return r.Store }) {
		var gids []string
		for r := range p.variantsGone {
			if r.Store == store {
				gids = append(gids, r.GID)
			}
		}
		rows, err := tx.Query(ctx, `SELECT v.gid, v.inventory_item_gid, now() FROM variants v
			WHERE v.store = $1 AND v.gid = ANY ($2::text[]) AND v.inventory_item_gid IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM variants o WHERE o.store = $1
			                  AND o.inventory_item_gid = v.inventory_item_gid AND o.deleted_at IS NULL)`, store, gids)
		if err != nil {
			return fmt.Errorf("find inventory items of dropped variants: %w", err)
		}
		pairs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
			Variant, Item string
			Now           time.Time
		}])
		if err != nil {
			return fmt.Errorf("find inventory items of dropped variants: %w", err)
		}
		for _, pr := range pairs {
			p.addObject(items, store, pr.Item, &pr.Now, p.variantsGone[Ref{store, pr.Variant}], false)
			p.objects[items][rowKey{items, store, pr.Item}].remember = true
		}
	}
	clear(p.variantsGone)
	return nil
}
