package applier

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
)

// The order documents validate against the Admin API subset, and even an
// order with many lines reads back within Shopify's 1,000 points per
// request: orderCreate (packed alone or with others) and the look-up by tag.
func TestOrderDocumentsValidateWithinTheCostCap(t *testing.T) {
	for _, n := range []int{1, maxLinesRead, 3 * maxLinesRead} {
		od := orderDesired{Tag: "shopsync-order-1@d.myshopify.com", DestinationOrderGID: "gid://shopify/Order/1", Currency: "USD",
			InventoryBehaviour: "BYPASS"}
		for range n {
			od.Lines = append(od.Lines, orderLine{Title: "x", Quantity: 1, Price: "1.00"})
		}
		c := &orderCreateCall{store: "s.myshopify.com", d: &Delta{ID: 1}, desired: od}
		points, err := callCost(c)
		require.NoError(t, err)
		require.LessOrEqual(t, points, cost.MaxQueryCost)

		lookup := "query ShopsyncOrderByTag($q: String!) { orders(first: 1, query: $q) { nodes " + orderSelection(len(od.Lines)) + " } }"
		doc, errs := gqlparser.LoadQuery(adminapi.Schema(), lookup)
		require.Nil(t, errs)
		lc, err := cost.Requested(adminapi.Schema(), doc.Operations[0], nil)
		require.NoError(t, err)
		require.LessOrEqual(t, lc, cost.MaxQueryCost)
		t.Logf("%d lines: orderCreate %d points, look-up by tag %d", len(od.Lines), points, lc)
	}
	cancel := &orderCancelCall{store: "s.myshopify.com", d: &Delta{ID: 2}, desired: cancelDesired{Reason: "OTHER"}}
	_, err := callCost(cancel)
	require.NoError(t, err)
	read := "query ShopsyncDestinationOrder($id: ID!) { order(id: $id) { email phone customer { firstName lastName } " +
		"billingAddress { " + addressFields + " } shippingAddress { " + addressFields + " } } }"
	_, errs := gqlparser.LoadQuery(adminapi.Schema(), read)
	require.Nil(t, errs)
	require.True(t, strings.Contains(orderSelection(500), "lineItems(first: 50)"))
}
