package applier

import (
	"encoding/json"
)

// adjustDesired is an adjust_inventory delta's desired: move the source's
// available quantity at a location by a counted destination change.
type adjustDesired struct {
	InventoryItemGID string `json:"inventory_item_gid"`
	LocationGID      string `json:"location_gid"`
	Delta            int    `json:"delta"`
	LedgerID         int64  `json:"ledger_id"`
}

// inventoryAdjustCall carries counted destination changes (two-way) to the
// source in one inventoryAdjustQuantities, under an @idempotent key derived
// from the delta ids: a retry of the same batch cannot move the source
// twice. No changeFromQuantity: deltas commute, so concurrent sales in
// several destinations add up whatever the order they arrive in.
type inventoryAdjustCall struct {
	store  string
	reason string
	ds     []*Delta
	items  []adjustDesired
	key    string
}

func (c *inventoryAdjustCall) mutation() string { return "inventoryAdjustQuantities" }
func (c *inventoryAdjustCall) deltas() []*Delta { return c.ds }
func (c *inventoryAdjustCall) batchKey() string { return c.key }
func (c *inventoryAdjustCall) shape() string    { return "inventoryAdjustQuantities" }

func (c *inventoryAdjustCall) write(b *docBuilder, a string) {
	changes := make([]map[string]any, len(c.items))
	for i, it := range c.items {
		changes[i] = map[string]any{
			"inventoryItemId": it.InventoryItemGID, "locationId": it.LocationGID, "delta": it.Delta,
			// No ledgerDocumentUri: Shopify refuses one when adjusting
			// "available" (INVALID_AVAILABLE_DOCUMENT); the batch's
			// referenceDocumentUri names the write.
			"changeFromQuantity": nil,
		}
	}
	in := map[string]any{
		"reason": c.reason, "name": "available", "changes": changes,
		"referenceDocumentUri": "shopsync://applier/" + c.key,
	}
	k := b.variable("k"+a, "String!", c.key)
	v := b.variable("in"+a, "InventoryAdjustQuantitiesInput!", in)
	b.field(a + ": inventoryAdjustQuantities(input: " + v + ") @idempotent(key: " + k + ") " +
		"{ inventoryAdjustmentGroup { createdAt changes { name quantityAfterChange item { id } location { id } } } " +
		"userErrors { field message code } }")
}

func (c *inventoryAdjustCall) settle(payload json.RawMessage, r *result) {
	var p adjustmentAnswer
	if err := json.Unmarshal(payload, &p); err != nil {
		r.failAll(c.ds, retry, "unreadable answer: "+err.Error())
		return
	}
	if len(p.UserErrors) > 0 {
		c.refuse(p.UserErrors, r)
		return
	}
	if p.Group == nil {
		r.failAll(c.ds, retry, "answer without inventoryAdjustmentGroup")
		return
	}
	after, _ := p.levelPatches()
	patched := map[string]bool{}
	for i, d := range c.ds {
		it := c.items[i]
		k := levelKey(it.InventoryItemGID, it.LocationGID)
		lp := after[k]
		if lp != nil && !patched[k] {
			// The source's quantity after the whole group: mirrored now, so
			// the planner sets the other destinations to it at once.
			patched[k] = true
			r.levelPatches = append(r.levelPatches, *lp)
			if lp.available != nil {
				q := *lp.available
				r.echoes = append(r.echoes, echo{deltaID: d.ID, resource: "inventory_level", gid: it.InventoryItemGID,
					location: it.LocationGID, quantity: &q, key: c.key})
			}
		}
		r.set(d, deltaResult{verdict: applied, targetGID: it.InventoryItemGID, after: adjustAfter(it)})
	}
}

// refuse: inventoryAdjustQuantities is all or nothing, like
// inventorySetQuantities; the changes an error names fail, the others go
// again at once under a new key.
func (c *inventoryAdjustCall) refuse(ues []userError, r *result) {
	named := map[int][]userError{}
	var general []userError
	for _, u := range ues {
		if i := u.index("changes"); i >= 0 && i < len(c.ds) {
			named[i] = append(named[i], u)
		} else {
			general = append(general, u)
		}
	}
	if len(named) == 0 {
		msg := joinUserErrors(general)
		for i, d := range c.ds {
			r.set(d, deltaResult{verdict: refused, err: msg, after: adjustAfter(c.items[i])})
		}
		return
	}
	for i, d := range c.ds {
		if es, ok := named[i]; ok {
			r.set(d, deltaResult{verdict: refused, err: joinUserErrors(es), after: adjustAfter(c.items[i])})
			continue
		}
		r.set(d, deltaResult{verdict: retry, now: true, after: adjustAfter(c.items[i]),
			err: "not applied: Shopify refused the batch for another change; sent again"})
	}
}

func adjustAfter(it adjustDesired) json.RawMessage {
	b, _ := json.Marshal(it)
	return b
}

// adjustCalls packs adjust_inventory deltas: an interrupted batch again
// under its key, the rest by up to max per call, a level at most once per
// call (Shopify refuses the same item and location twice in one input).
func (p packer) adjustCalls(ds []*Delta, items map[int64]adjustDesired) []call {
	var out []call
	resumed := map[string]*inventoryAdjustCall{}
	var cur *inventoryAdjustCall
	seen := map[string]bool{}
	flush := func() {
		if cur != nil {
			cur.key = batchKeyOf(p.store, cur.mutation(), cur.ds)
			out = append(out, cur)
		}
		cur, seen = nil, map[string]bool{}
	}
	for _, d := range ds {
		it := items[d.ID]
		if d.resumeKey != "" {
			c := resumed[d.resumeKey]
			if c == nil {
				c = &inventoryAdjustCall{store: p.store, reason: p.cfg.InventoryReason, key: d.resumeKey}
				resumed[d.resumeKey] = c
				out = append(out, c)
			}
			c.ds, c.items = append(c.ds, d), append(c.items, it)
			continue
		}
		lk := it.InventoryItemGID + " " + it.LocationGID
		if cur != nil && (seen[lk] || len(cur.ds) >= p.cfg.MaxInventoryPerCall) {
			flush()
		}
		if cur == nil {
			cur = &inventoryAdjustCall{store: p.store, reason: p.cfg.InventoryReason}
		}
		seen[lk] = true
		cur.ds, cur.items = append(cur.ds, d), append(cur.items, it)
	}
	flush()
	return out
}

// adjustItem reads an adjust_inventory delta's desired, settling the delta
// as refused when it is not one.
func adjustItem(d *Delta, settled *result) (adjustDesired, bool) {
	var it adjustDesired
	if err := json.Unmarshal(d.Desired, &it); err != nil || it.InventoryItemGID == "" || it.LocationGID == "" || it.Delta == 0 {
		settled.set(d, deltaResult{verdict: refused, err: "desired is not an inventory adjustment: " + string(d.Desired)})
		return it, false
	}
	return it, true
}
