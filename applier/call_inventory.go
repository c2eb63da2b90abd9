package applier

import (
	"encoding/json"
	"strconv"

	"github.com/shopsync/shopsync/mirror"
)

// inventorySetCall sets the available quantity of up to 250 levels in one
// inventorySetQuantities, each guarded by the quantity it was planned
// against (changeFromQuantity), under an @idempotent key.
type inventorySetCall struct {
	store  string
	reason string
	ds     []*Delta
	items  []inventoryDesired
	key    string
}

func (c *inventorySetCall) mutation() string { return "inventorySetQuantities" }
func (c *inventorySetCall) deltas() []*Delta { return c.ds }
func (c *inventorySetCall) batchKey() string { return c.key }
func (c *inventorySetCall) shape() string    { return "inventorySetQuantities" }

func (c *inventorySetCall) write(b *docBuilder, a string) {
	qs := make([]map[string]any, len(c.items))
	for i, it := range c.items {
		qs[i] = map[string]any{
			"inventoryItemId": it.InventoryItemGID, "locationId": it.LocationGID, "quantity": it.Available,
			// Always sent: null skips the check in 2026-01, while leaving it
			// out falls back to the deprecated compareQuantity rules.
			"changeFromQuantity": it.ChangeFrom,
		}
	}
	in := map[string]any{
		"reason": c.reason, "name": "available", "quantities": qs,
		// The marker of our own writes, for people reading Shopify's history.
		"referenceDocumentUri": "shopsync://applier/" + c.key,
	}
	k := b.variable("k"+a, "String!", c.key)
	v := b.variable("in"+a, "InventorySetQuantitiesInput!", in)
	b.field(a + ": inventorySetQuantities(input: " + v + ") @idempotent(key: " + k + ") " +
		"{ inventoryAdjustmentGroup { createdAt changes { name quantityAfterChange item { id } location { id } } } " +
		"userErrors { field message code } }")
}

func (c *inventorySetCall) settle(payload json.RawMessage, r *result) {
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
	patches, at := p.levelPatches()
	for i, d := range c.ds {
		it := c.items[i]
		lp := patches[levelKey(it.InventoryItemGID, it.LocationGID)]
		if lp == nil { // no ledger entry: the quantity was already there
			q := it.Available
			lp = &levelPatch{item: it.InventoryItemGID, location: it.LocationGID, available: &q, at: at}
		}
		r.levelPatches = append(r.levelPatches, *lp)
		q := it.Available
		r.echoes = append(r.echoes, echo{deltaID: d.ID, resource: "inventory_level", gid: it.InventoryItemGID,
			location: it.LocationGID, quantity: &q, key: c.key})
		r.set(d, deltaResult{verdict: applied, targetGID: it.InventoryItemGID, after: inventoryAfter(it)})
	}
}

// refuse handles userErrors: inventorySetQuantities is all or nothing, so
// the items the errors name fail and the others go again at once (in a new
// batch, under a new key); errors naming no item fail the whole batch.
func (c *inventorySetCall) refuse(ues []userError, r *result) {
	named := map[int][]userError{}
	var general []userError
	for _, u := range ues {
		if i := u.index("quantities"); i >= 0 && i < len(c.ds) {
			named[i] = append(named[i], u)
		} else {
			general = append(general, u)
		}
	}
	if len(named) == 0 {
		msg := joinUserErrors(general)
		for i, d := range c.ds {
			r.set(d, deltaResult{verdict: refused, err: msg, after: inventoryAfter(c.items[i])})
		}
		return
	}
	var blame string
	for i, d := range c.ds {
		if es, ok := named[i]; ok {
			msg := joinUserErrors(es)
			if es[0].Code == "CHANGE_FROM_QUANTITY_STALE" {
				msg = "stale: " + msg
			}
			r.set(d, deltaResult{verdict: refused, err: msg, after: inventoryAfter(c.items[i])})
			if blame == "" {
				blame = strconv.FormatInt(d.ID, 10)
			}
		}
	}
	for i, d := range c.ds {
		if _, ok := named[i]; !ok {
			r.set(d, deltaResult{verdict: retry, now: true, after: inventoryAfter(c.items[i]),
				err: "not applied: Shopify refused the batch for another item (delta " + blame + "); sent again"})
		}
	}
}

func inventoryAfter(it inventoryDesired) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"inventory_item_gid": it.InventoryItemGID, "location_gid": it.LocationGID,
		"available": it.Available, "change_from": it.ChangeFrom})
	return b
}

// inventoryActivateCall stocks an item at a location the destination does
// not stock it at yet, with the quantity, under an @idempotent key.
type inventoryActivateCall struct {
	store string
	d     *Delta
	item  inventoryDesired
	key   string
}

func (c *inventoryActivateCall) mutation() string { return "inventoryActivate" }
func (c *inventoryActivateCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *inventoryActivateCall) batchKey() string { return c.key }
func (c *inventoryActivateCall) shape() string    { return "inventoryActivate" }

func (c *inventoryActivateCall) write(b *docBuilder, a string) {
	k := b.variable("k"+a, "String!", c.key)
	i := b.variable("i"+a, "ID!", c.item.InventoryItemGID)
	l := b.variable("l"+a, "ID!", c.item.LocationGID)
	q := b.variable("q"+a, "Int", c.item.Available)
	b.field(a + ": inventoryActivate(inventoryItemId: " + i + ", locationId: " + l + ", available: " + q + ") @idempotent(key: " + k + ") " +
		"{ inventoryLevel { id createdAt updatedAt item { id } location { id } " +
		"quantities(names: [\"available\", \"on_hand\"]) { name quantity updatedAt } } userErrors { field message } }")
}

func (c *inventoryActivateCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Level      json.RawMessage `json:"inventoryLevel"`
		UserErrors []userError     `json:"userErrors"`
	}
	after := inventoryAfter(c.item)
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	if len(p.UserErrors) > 0 {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors), after: after})
		return
	}
	if len(p.Level) == 0 || isNull(p.Level) {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without inventoryLevel", after: after})
		return
	}
	if b, err := mirror.FromGraphQL(c.store, p.Level); err == nil {
		r.batch.Add(b)
	}
	q := c.item.Available
	r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "inventory_level", gid: c.item.InventoryItemGID,
		location: c.item.LocationGID, quantity: &q, key: c.key})
	r.set(c.d, deltaResult{verdict: applied, targetGID: c.item.InventoryItemGID, after: after})
}
