package applier

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/Khan/genqlient/graphql"
)

// findOrders looks every orderCreate of part up in the source by its
// identity tag before it is sent, and returns the calls still to send (each
// order completed from its destination first, see orders_complete.go). An
// order the source has already (made by an attempt whose record was lost in
// a crash, or by a delta given up after Shopify made the order) is settled
// as created without a second orderCreate; a failed look-up leaves the
// delta pending, since creating without knowing could make a duplicate.
//
// Shopify's order search is eventually consistent: an order made a moment
// ago may not be found yet. The writer that made it records it in the same
// breath; a crash between the two is retried by the next lease holder only
// after the lease has expired (Config.LeaseTTL), long after the index has
// caught up.
func (w *Writer) findOrders(ctx context.Context, part []call, o *outcome) []call {
	var keep []call
	for _, c := range part {
		oc, ok := c.(*orderCreateCall)
		if !ok {
			keep = append(keep, c)
			continue
		}
		found, err := w.orderByTag(ctx, oc)
		switch {
		case err != nil:
			o.res.set(oc.d, deltaResult{verdict: retry, err: "looking the order up by tag before creating it failed: " + err.Error()})
		case found != nil:
			o.mutation[oc.d.ID] = "orders"
			settleOrderCreated(oc, found, "found in the source by tag "+oc.desired.Tag+" (made by an earlier attempt): not created again", o.res)
			w.log.InfoContext(ctx, "order found by tag; not created again", "delta", oc.d.ID, "tag", oc.desired.Tag)
		default:
			w.completeOrder(ctx, oc)
			keep = append(keep, c)
		}
	}
	return keep
}

// orderByTag returns the source order carrying oc's identity tag, or nil.
func (w *Writer) orderByTag(ctx context.Context, oc *orderCreateCall) (json.RawMessage, error) {
	var data struct {
		Orders struct {
			Nodes []json.RawMessage `json:"nodes"`
		} `json:"orders"`
	}
	req := &graphql.Request{
		OpName: "ShopsyncOrderByTag",
		Query: "query ShopsyncOrderByTag($q: String!) { orders(first: 1, query: $q) { nodes " +
			orderSelection(len(oc.desired.Lines)) + " } }",
		Variables: map[string]any{"q": "tag:" + strconv.Quote(oc.desired.Tag)},
	}
	if err := w.client.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return nil, err
	}
	// Search matches loosely; only the exact tag counts.
	for _, n := range data.Orders.Nodes {
		o, err := readOrder(n)
		if err == nil && slices.ContainsFunc(o.Tags, func(t string) bool { return strings.EqualFold(t, oc.desired.Tag) }) {
			return n, nil
		}
	}
	return nil, nil
}
