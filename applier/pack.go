package applier

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/shopsync/shopsync/shopify/cost"
)

// request is one unit of work for a Writer: the calls sent together and
// recorded in one outcome transaction. Normally it is one HTTP request of
// aliased mutations (one part); the unpacked baseline sends each change of a
// delta as an HTTP request of its own, so a request there has several parts.
type request struct {
	parts [][]call
	cost  int
}

func (q *request) calls() []call {
	var out []call
	for _, p := range q.parts {
		out = append(out, p...)
	}
	return out
}

// deltas lists the request's deltas once each, in call order.
func (q *request) deltas() []*Delta {
	var out []*Delta
	seen := map[int64]bool{}
	for _, c := range q.calls() {
		for _, d := range c.deltas() {
			if !seen[d.ID] {
				seen[d.ID] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// packer turns pending deltas into requests.
type packer struct {
	store string
	cfg   Config
}

// pack returns the requests for ds (in id order) and the deltas settled
// without a request (stale, nothing to do, or unusable), with their result.
func (p packer) pack(ds []*Delta) ([]*request, *result) {
	settled := newResult()
	var calls []call
	var inv []*Delta // set_inventory deltas for inventorySetQuantities
	var invItems = map[int64]inventoryDesired{}
	var adj []*Delta // adjust_inventory deltas for inventoryAdjustQuantities
	var adjItems = map[int64]adjustDesired{}
	for _, d := range ds {
		if isContent(d.Resource) { // collections, pages, blogs, articles: pack_content.go
			cs, dr := p.contentCalls(d)
			if dr != nil {
				settled.set(d, *dr)
			}
			calls = append(calls, cs...)
			continue
		}
		gone := d.Resource == "product" && d.CurrentVersion == nil
		if gone && (d.Operation == "delete" || d.Operation == "archive" || d.Operation == "unpublish") {
			// Deleted since planned (by an earlier attempt, or by someone
			// else): nothing is left to hide or delete.
			settled.set(d, deltaResult{verdict: skipped, noop: true, err: "the product is gone from the destination already"})
			continue
		}
		if d.resumeKey == "" {
			if stale, why := d.stale(); stale {
				settled.set(d, deltaResult{verdict: skipped, err: why})
				continue
			}
		}
		switch {
		case d.Resource == "order":
			if c := orderCall(p.store, d, settled); c != nil {
				calls = append(calls, c)
			}
		case d.Operation == "adjust_inventory":
			if it, ok := adjustItem(d, settled); ok {
				adjItems[d.ID] = it
				adj = append(adj, d)
			}
		case d.Resource == "inventory_level":
			var it inventoryDesired
			if err := json.Unmarshal(d.Desired, &it); err != nil || it.InventoryItemGID == "" || it.LocationGID == "" {
				settled.set(d, deltaResult{verdict: refused, err: fmt.Sprintf("desired is not an inventory level: %v", err)})
				continue
			}
			if it.ChangeFrom == nil && d.CurrentVersion == nil {
				key := d.resumeKey
				if key == "" {
					key = batchKeyOf(p.store, "inventoryActivate", []*Delta{d})
				}
				calls = append(calls, &inventoryActivateCall{store: p.store, d: d, item: it, key: key})
				continue
			}
			invItems[d.ID] = it
			inv = append(inv, d)
		case d.Resource == "variant":
			var pd priceDesired
			if err := json.Unmarshal(d.Desired, &pd); err != nil || len(pd.Variants) == 0 || d.targetGID() == "" {
				settled.set(d, deltaResult{verdict: refused, err: fmt.Sprintf("desired has no variant prices: %v", err)})
				continue
			}
			vs := make([]priceVariant, len(pd.Variants))
			for i, v := range pd.Variants {
				vs[i] = priceVariant{GID: v.GID, Price: v.Price, CompareAtPrice: v.CompareAtPrice}
			}
			if p.cfg.OneChangePerCall {
				for _, v := range vs {
					calls = append(calls, &variantPricesCall{store: p.store, d: d, productGID: d.targetGID(), variants: []priceVariant{v}})
				}
				continue
			}
			calls = append(calls, &variantPricesCall{store: p.store, d: d, productGID: d.targetGID(), variants: vs})
		case d.Operation == "create" || d.Operation == "update":
			var pd productDesired
			if err := json.Unmarshal(d.Desired, &pd); err != nil || len(pd.Variants) == 0 {
				settled.set(d, deltaResult{verdict: refused, err: fmt.Sprintf("desired is not a product with variants: %v", err)})
				continue
			}
			create := d.Operation == "create"
			if create && (pd.Handle == nil || *pd.Handle == "") {
				settled.set(d, deltaResult{verdict: refused, err: "a create without a handle cannot be retried safely: refused"})
				continue
			}
			if create && d.TargetGID != nil && d.resumeKey == "" {
				// A newer plan of the key while an earlier create was under
				// way (pending.sql): the product exists, made for this
				// source product. Nothing is sent; the planner plans the
				// key again from the mirror, which holds the product now.
				settled.set(d, deltaResult{verdict: skipped, err: fmt.Sprintf(
					"superseded: %s was created for this source product by an earlier delta", d.targetGID())})
				continue
			}
			if create && d.HandleTaken && d.resumeKey == "" {
				settled.set(d, deltaResult{verdict: refused, err: fmt.Sprintf(
					"conflict: the destination already has a live product with handle %q that the plan did not match; not overwritten", *pd.Handle)})
				continue
			}
			c := &productSetCall{store: p.store, d: d, desired: pd, create: create}
			if create && d.resumeKey == "" {
				// Costed as stocking one location; what it stocks is looked
				// up just before it is sent (create_stock.go). A product too
				// large to read its levels back within Shopify's cap per
				// request goes without (the planner sets its stock after).
				c.levels = 1
				if n, err := callCost(c); err != nil || n > cost.MaxQueryCost {
					c.levels = 0
				}
			}
			calls = append(calls, c)
		case d.Operation == "delete":
			calls = append(calls, &productDeleteCall{store: p.store, d: d})
		case d.Operation == "archive":
			if d.TargetStatus != nil && *d.TargetStatus == "ARCHIVED" {
				settled.set(d, deltaResult{verdict: skipped, noop: true, err: "already archived"})
				continue
			}
			calls = append(calls, &productStatusCall{store: p.store, d: d, status: "ARCHIVED"})
		case d.Operation == "unpublish":
			if d.TargetStatus != nil && (*d.TargetStatus == "DRAFT" || *d.TargetStatus == "ARCHIVED") {
				settled.set(d, deltaResult{verdict: skipped, noop: true, err: "already hidden (status " + *d.TargetStatus + ")"})
				continue
			}
			calls = append(calls, &productStatusCall{store: p.store, d: d, status: "DRAFT"})
		default:
			settled.set(d, deltaResult{verdict: refused, err: fmt.Sprintf("the applier does not carry out %s %s", d.Resource, d.Operation)})
		}
	}
	calls = append(calls, p.inventoryCalls(inv, invItems)...)
	calls = append(calls, p.adjustCalls(adj, adjItems)...)
	slices.SortStableFunc(calls, func(a, b call) int { return cmp.Compare(a.deltas()[0].ID, b.deltas()[0].ID) })
	return p.requests(calls, settled), settled
}

// inventoryCalls batches set_inventory deltas: those of one interrupted
// batch together again under its key, the rest by up to
// MaxInventoryPerCall in id order.
func (p packer) inventoryCalls(ds []*Delta, items map[int64]inventoryDesired) []call {
	var out []call
	resumed := map[string][]*Delta{}
	var keys []string
	var fresh []*Delta
	for _, d := range ds {
		if d.resumeKey == "" {
			fresh = append(fresh, d)
			continue
		}
		if _, ok := resumed[d.resumeKey]; !ok {
			keys = append(keys, d.resumeKey)
		}
		resumed[d.resumeKey] = append(resumed[d.resumeKey], d)
	}
	mk := func(group []*Delta, key string) call {
		c := &inventorySetCall{store: p.store, reason: p.cfg.InventoryReason, ds: group, key: key}
		for _, d := range group {
			c.items = append(c.items, items[d.ID])
		}
		if c.key == "" {
			c.key = batchKeyOf(p.store, c.mutation(), group)
		}
		return c
	}
	for _, k := range keys {
		out = append(out, mk(resumed[k], k))
	}
	for len(fresh) > 0 {
		n := min(len(fresh), p.cfg.MaxInventoryPerCall)
		out = append(out, mk(fresh[:n], ""))
		fresh = fresh[n:]
	}
	return out
}

// requests packs calls, in order, into HTTP requests of at most
// MaxRequestCost points and MaxAliases mutations. A call too costly for any
// request fails its deltas.
func (p packer) requests(calls []call, settled *result) []*request {
	var out []*request
	var cur *request
	if p.cfg.OneChangePerCall {
		// One delta per request, each change an HTTP request of its own.
		byDelta := map[int64]*request{}
		for _, c := range calls {
			n, err := callCost(c)
			if err != nil {
				settled.failAll(c.deltas(), refused, err.Error())
				continue
			}
			id := c.deltas()[0].ID
			q := byDelta[id]
			if q == nil {
				q = &request{}
				byDelta[id] = q
				out = append(out, q)
			}
			q.parts = append(q.parts, []call{c})
			q.cost += n
		}
		return out
	}
	for _, c := range calls {
		n, err := callCost(c)
		if err != nil {
			settled.failAll(c.deltas(), refused, err.Error())
			continue
		}
		if n > cost.MaxQueryCost {
			settled.failAll(c.deltas(), refused, fmt.Sprintf("%s would cost %d points, above Shopify's %d per request", c.mutation(), n, cost.MaxQueryCost))
			continue
		}
		if cur == nil || cur.cost+n > p.cfg.MaxRequestCost || len(cur.parts[0]) >= p.cfg.MaxAliases {
			cur = &request{parts: [][]call{nil}}
			out = append(out, cur)
		}
		cur.parts[0] = append(cur.parts[0], c)
		cur.cost += n
	}
	return out
}
