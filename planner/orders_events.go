package planner

import (
	"context"
	"slices"

	"github.com/shopsync/shopsync/schema/events"
)

// orderGIDsByStore maps the change events of orders and their line items to
// the orders they touch, per store. Other events touch no order.
func orderGIDsByStore(evs []events.ChangeEvent) map[string][]string {
	out := map[string][]string{}
	for _, e := range evs {
		switch e.Resource {
		case events.Order:
			out[e.Store] = append(out[e.Store], e.GID)
		case events.OrderLineItem:
			out[e.Store] = appendFields(out[e.Store], "order_gid", e.Before, e.After)
		}
	}
	for s, gids := range out {
		slices.Sort(gids)
		out[s] = slices.Compact(gids)
	}
	return out
}

// PlanOrderEvents plans the orders family for the destination orders that
// change events touch (an orders/create or orders/cancelled webhook, a
// reconciliation), link by link: the fast path of orders, beside the full
// plans that catch whatever events were missed. Orders of a source store are
// not planned from (orders flow from destinations to the source only).
func (p *Planner) PlanOrderEvents(ctx context.Context, evs []events.ChangeEvent) error {
	byStore := orderGIDsByStore(evs)
	if len(byStore) == 0 {
		return nil
	}
	links, err := enabledLinks(ctx, p.pool, "")
	if err != nil {
		return err
	}
	for _, l := range links {
		gids := byStore[l.Destination]
		if len(gids) == 0 {
			continue
		}
		if _, err := p.PlanOrders(ctx, l.ID, gids); err != nil {
			return err
		}
	}
	return nil
}
