package applier

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/shopsync/shopsync/mirror"
)

// orderCreateCall recreates a destination's order in the source with
// orderCreate (see planner/orders.go for what is planned, and
// orders_lookup.go for the look-up by tag that runs before it).
type orderCreateCall struct {
	store   string
	d       *Delta
	desired orderDesired
	// note is a caveat for the audit found before sending (orders_complete.go).
	note string
}

func (c *orderCreateCall) mutation() string { return "orderCreate" }
func (c *orderCreateCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *orderCreateCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}

// shape: the cost depends on how many line items are read back.
func (c *orderCreateCall) shape() string {
	return "orderCreate|" + strconv.Itoa(min(len(c.desired.Lines), maxLinesRead))
}

func (c *orderCreateCall) write(b *docBuilder, a string) {
	o := b.variable("o"+a, "OrderCreateOrderInput!", c.desired.input())
	opts := b.variable("x"+a, "OrderCreateOptionsInput", map[string]any{
		"inventoryBehaviour": c.desired.InventoryBehaviour, "sendReceipt": false, "sendFulfillmentReceipt": false,
	})
	b.field(a + ": orderCreate(order: " + o + ", options: " + opts + ") { order " + orderSelection(len(c.desired.Lines)) +
		" userErrors { field message code } }")
}

func (c *orderCreateCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Order      json.RawMessage `json:"order"`
		UserErrors []userError     `json:"userErrors"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable orderCreate answer: " + err.Error()})
		return
	}
	if len(p.UserErrors) > 0 {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors)})
		return
	}
	if len(p.Order) == 0 || isNull(p.Order) {
		r.set(c.d, deltaResult{verdict: retry, err: "orderCreate answered no order"})
		return
	}
	settleOrderCreated(c, p.Order, "", r)
}

// settleOrderCreated records a source order made for the delta (now, or by
// an earlier attempt that the look-up found): the pair in id_map, the order
// in the source mirror, and the audit's warning. note says how it was found.
func settleOrderCreated(c *orderCreateCall, order json.RawMessage, note string, r *result) {
	o, err := readOrder(order)
	if err != nil || o.ID == "" {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable order in the answer"})
		return
	}
	var parts []string
	for _, s := range []string{note, c.note, c.desired.warning()} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	warn := strings.Join(parts, "; ")
	after, _ := json.Marshal(map[string]any{"source_order_gid": o.ID, "source_order_name": o.Name, "desired": c.desired})
	r.set(c.d, deltaResult{verdict: applied, targetGID: o.ID, after: after, warning: warn})
	r.pairs = append(r.pairs, idPair{linkID: c.d.LinkID, resource: "order", sourceGID: o.ID, destinationGID: c.desired.DestinationOrderGID})
	if b, err := mirror.FromGraphQL(c.store, order); err == nil {
		r.batch.Rows = append(r.batch.Rows, b.Rows...)
		r.batch.ChildSets = append(r.batch.ChildSets, b.ChildSets...)
	}
	// A row the mirror refuses is left to the ingest (orders/create).
}

// orderCancelCall cancels the source order of a destination order that was
// cancelled there.
type orderCancelCall struct {
	store   string
	d       *Delta
	desired cancelDesired
}

func (c *orderCancelCall) mutation() string { return "orderCancel" }
func (c *orderCancelCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *orderCancelCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}
func (c *orderCancelCall) shape() string { return "orderCancel" }

func (c *orderCancelCall) write(b *docBuilder, a string) {
	id := b.variable("i"+a, "ID!", c.d.targetGID())
	reason := b.variable("r"+a, "OrderCancelReason!", c.desired.Reason)
	restock := b.variable("k"+a, "Boolean!", c.desired.Restock)
	note := b.variable("n"+a, "String", "Cancelled in "+c.desired.Destination+" ("+c.desired.DestinationOrderName+"); cancelled here by shopsync.")
	b.field(a + ": orderCancel(orderId: " + id + ", reason: " + reason + ", restock: " + restock +
		", notifyCustomer: false, staffNote: " + note + ") { job { id done } orderCancelUserErrors { field message code } }")
}

func (c *orderCancelCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		UserErrors []userError `json:"orderCancelUserErrors"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable orderCancel answer: " + err.Error()})
		return
	}
	if len(p.UserErrors) > 0 {
		msg := joinUserErrors(p.UserErrors)
		if strings.Contains(strings.ToLower(msg), "already") && strings.Contains(strings.ToLower(msg), "cancel") {
			// A retry after an interrupted attempt, or a cancellation made
			// in the source by hand: what the delta wants is done.
			r.set(c.d, deltaResult{verdict: skipped, noop: true, err: msg, targetGID: c.d.targetGID()})
			return
		}
		r.set(c.d, deltaResult{verdict: refused, err: msg})
		return
	}
	after, _ := json.Marshal(map[string]any{"cancelled": c.d.targetGID(), "reason": c.desired.Reason, "restock": c.desired.Restock})
	r.set(c.d, deltaResult{verdict: applied, targetGID: c.d.targetGID(), after: after})
}

// orderCall is the call of an order delta (create_order, cancel_order), or
// nil when its desired is unusable, which settles it as refused.
func orderCall(store string, d *Delta, settled *result) call {
	switch d.Operation {
	case "create_order":
		var od orderDesired
		err := json.Unmarshal(d.Desired, &od)
		if err == nil {
			err = od.validate()
		}
		if err != nil {
			settled.set(d, deltaResult{verdict: refused, err: "desired is not an order to create: " + err.Error()})
			return nil
		}
		return &orderCreateCall{store: store, d: d, desired: od}
	case "cancel_order":
		var cd cancelDesired
		if err := json.Unmarshal(d.Desired, &cd); err != nil || d.targetGID() == "" || cd.Reason == "" {
			settled.set(d, deltaResult{verdict: refused, err: "desired is not an order to cancel (or no source order named)"})
			return nil
		}
		return &orderCancelCall{store: store, d: d, desired: cd}
	}
	settled.set(d, deltaResult{verdict: refused, err: "the applier does not carry out order " + d.Operation})
	return nil
}
