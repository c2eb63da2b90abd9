package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

// touched is what a batch of change events changed in one store.
type touched struct {
	products, variants, items []string
	// values are match-key values the changed rows had before or after:
	// handles of products, SKUs and barcodes of variants. A product that held
	// one may have lost or gained a twin or a conflict.
	handles, skus, barcodes []string
}

func (t *touched) empty() bool {
	return len(t.products)+len(t.variants)+len(t.items) == 0
}

// add records one event. Events of other families (collections, content,
// orders) change nothing the products family plans.
func (t *touched) add(e events.ChangeEvent) {
	switch e.Resource {
	case events.Product:
		t.products = append(t.products, e.GID)
		t.handles = appendFields(t.handles, "handle", e.Before, e.After)
	case events.Variant:
		t.variants = append(t.variants, e.GID)
		t.skus = appendFields(t.skus, "sku", e.Before, e.After)
		t.barcodes = appendFields(t.barcodes, "barcode", e.Before, e.After)
	case events.InventoryItem:
		t.items = append(t.items, e.GID)
	case events.InventoryLevel:
		t.items = appendFields(t.items, "inventory_item_gid", e.Before, e.After)
	}
}

// appendFields appends the non-empty string values of field in the images.
func appendFields(out []string, field string, images ...json.RawMessage) []string {
	for _, img := range images {
		if len(img) == 0 {
			continue
		}
		var row map[string]any
		if json.Unmarshal(img, &row) != nil {
			continue // not an object: nothing to learn from it
		}
		if s, ok := row[field].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// LinkKeys are the product keys of one link that some changes affect.
type LinkKeys struct {
	Link Link
	Keys []string
}

// KeysFor maps change events to the product keys they affect, per enabled
// link: a change in the source to the keys of its products (and of the
// products that shared a match-key value with it), a change in a destination
// to the keys of the source products matched to it. The mapping is SQL over
// the mirror and id_map (sql/keys.sql), so it sees what a plan will see.
//
// A destination's changes that the applier recorded from the answer to its
// own write (source applier) affect no key: the plan that made the write
// accounts for them, and a destination being filled sends tens of thousands
// (a product, its variants, their items and levels). The source's applier
// changes (a two-way adjustment, an order recreated) are planned: they move
// the other destinations.
func (p *Planner) KeysFor(ctx context.Context, evs []events.ChangeEvent) ([]LinkKeys, error) {
	byStore := map[string]*touched{} // every change: read for a link's source
	notOurs := map[string]*touched{} // without the applier's: read for a destination
	add := func(m map[string]*touched, e events.ChangeEvent) {
		t := m[e.Store]
		if t == nil {
			t = &touched{}
			m[e.Store] = t
		}
		t.add(e)
	}
	for _, e := range evs {
		add(byStore, e)
		if e.Source != events.Applier {
			add(notOurs, e)
		}
	}
	links, err := enabledLinks(ctx, p.pool, "")
	if err != nil {
		return nil, err
	}
	var out []LinkKeys
	for _, l := range links {
		s, d := byStore[l.Source], notOurs[l.Destination]
		if s == nil {
			s = &touched{}
		}
		if d == nil {
			d = &touched{}
		}
		if s.empty() && d.empty() {
			continue
		}
		var values []string
		switch l.MatchKey {
		case "handle":
			values = append(s.handles, d.handles...)
		case "sku":
			values = append(s.skus, d.skus...)
		case "barcode":
			values = append(s.barcodes, d.barcodes...)
		}
		rows, err := p.pool.Query(ctx, query("keys.sql", sqlShape{Match: l.MatchKey}),
			l.ID, l.Source, l.Destination,
			nonNil(s.products), nonNil(s.variants), nonNil(s.items),
			nonNil(d.products), nonNil(d.variants), nonNil(d.items), nonNil(values))
		if err != nil {
			return nil, fmt.Errorf("planner: keys of link %d: %w", l.ID, err)
		}
		keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("planner: keys of link %d: %w", l.ID, err)
		}
		keys = slices.DeleteFunc(keys, func(k string) bool { return k == "" })
		if len(keys) > 0 {
			slices.Sort(keys)
			out = append(out, LinkKeys{Link: l, Keys: slices.Compact(keys)})
		}
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
