package mirror

import "github.com/shopsync/shopsync/schema/events"

// parentRefs lists the objects whose deletion deletes r: its parents in the
// mirror's child relations.
func parentRefs(r Row) []struct {
	resource events.Resource
	gid      string
} {
	type ref = struct {
		resource events.Resource
		gid      string
	}
	switch r := r.(type) {
	case *Variant:
		return []ref{{events.Product, r.ProductGID}}
	case *CollectionProduct:
		return []ref{{events.Collection, r.CollectionGID}, {events.Product, r.ProductGID}}
	case *InventoryLevel:
		return []ref{{events.InventoryItem, r.InventoryItemGID}, {events.Location, r.LocationGID}}
	case *Article:
		return []ref{{events.Blog, r.BlogGID}}
	case *OrderLineItem:
		return []ref{{events.Order, r.OrderGID}}
	}
	return nil
}

// dropDeletedRows takes out of the plan the rows that a deletion in the same
// ApplyMany makes stale: rows of a deleted object (or of a child of one) not
// newer than the deletion. Applied one by one in Shopify's order, the
// deletion would have come after them and removed them, or before them and
// refused them; either way the row never shows, and writing it only to
// tombstone it in the same transaction would publish a create and a delete
// of an object that was gone already.
func (p *applyPlan) dropDeletedRows() {
	if len(p.objects) == 0 {
		return
	}
	deletedBy := func(t *table, store, gid string, r Row) bool {
		w := p.objects[t][rowKey{t, store, gid}]
		return w != nil && !older(w.at, r.Updated())
	}
	for _, g := range p.groups {
		kept := g.rows[:0]
		for _, r := range g.rows {
			ref := r.Ref()
			gone := deletedBy(g.t, g.store, ref.GID, r)
			for _, pr := range parentRefs(r) {
				gone = gone || deletedBy(tableOf(pr.resource), g.store, pr.gid, r)
			}
			if !gone {
				kept = append(kept, r)
				continue
			}
			k := rowKey{g.t, g.store, ref.GID}
			p.stale[k] = true
			for _, o := range p.owners[k] {
				p.add(o.batch, Result{Resource: g.t.resource, GID: ref.GID, Outcome: Stale})
			}
		}
		g.rows = kept
	}
}
