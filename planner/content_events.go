package planner

import (
	"context"
	"fmt"

	"github.com/shopsync/shopsync/schema/events"
)

// contentTouch is what a batch of change events means for the content
// family, per store: whether some content changed there, and the products
// that changed there (a destination product may have just been created, so
// a collection waiting for it can now get it).
type contentTouch struct {
	content  bool
	products []string
}

// PlanContentEvents plans the content family of the links that change
// events touch: the fast path of content, beside the full plans that catch
// whatever events were missed. A link is planned when content changed in its
// source or destination, or when a product changed in its destination that
// is the recorded twin of a member of one of the source's custom
// collections: the member that waited for its product to be created can be
// added now.
func (p *Planner) PlanContentEvents(ctx context.Context, evs []events.ChangeEvent) error {
	byStore := map[string]*contentTouch{}
	touch := func(store string) *contentTouch {
		t := byStore[store]
		if t == nil {
			t = &contentTouch{}
			byStore[store] = t
		}
		return t
	}
	for _, e := range evs {
		switch e.Resource {
		case events.Collection, events.CollectionProduct, events.Page, events.Blog, events.Article:
			touch(e.Store).content = true
		case events.Product:
			t := touch(e.Store)
			t.products = append(t.products, e.GID)
		}
	}
	if len(byStore) == 0 {
		return nil
	}
	links, err := enabledLinks(ctx, p.pool, "")
	if err != nil {
		return err
	}
	for _, l := range links {
		s, d := byStore[l.Source], byStore[l.Destination]
		plan := (s != nil && s.content) || (d != nil && d.content)
		if !plan && d != nil && len(d.products) > 0 {
			if err := p.pool.QueryRow(ctx, `SELECT EXISTS (
				SELECT 1 FROM id_map m
				JOIN collection_products cp ON cp.store = $2 AND cp.product_gid = m.source_gid AND cp.deleted_at IS NULL
				JOIN collections c ON c.store = cp.store AND c.gid = cp.collection_gid AND c.deleted_at IS NULL AND c.rules IS NULL
				WHERE m.link_id = $1 AND m.resource = 'product' AND m.destination_gid = ANY($3::text[]))`,
				l.ID, l.Source, d.products).Scan(&plan); err != nil {
				return fmt.Errorf("planner: content affected by products of link %d: %w", l.ID, err)
			}
		}
		if plan {
			if _, err := p.PlanContent(ctx, l.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
