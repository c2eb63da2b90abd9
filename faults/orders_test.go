package faults

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// orderTopics are the webhook topics of the orders family.
var orderTopics = []string{"ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_CANCELLED", "ORDERS_DELETE"}

// placeOrders places n orders in random destinations, each for one unit of
// a product the destination already has (one change each: the order must
// reach the source once).
func (c *catalog) placeOrders(dsts []*fakeshop.Shop, n int) {
	c.t.Helper()
	for range n {
		dst := dsts[c.rng.IntN(len(dsts))]
		ps := dst.Products()
		if len(ps) == 0 {
			continue
		}
		p := ps[c.rng.IntN(len(ps))]
		email := fmt.Sprintf("buyer%d@example.com", c.rng.IntN(1000))
		_, err := dst.CreateOrder(fakeshop.OrderInput{Email: &email,
			LineItems: []fakeshop.LineItemInput{{VariantID: p.VariantIDs[0], ProductID: p.ID, Quantity: 1 + c.rng.IntN(3)}}})
		require.NoError(c.t, err)
		c.orders++
	}
}

// compareOrders checks that every destination order is in the source
// exactly once (the source's copy names it in sourceIdentifier).
func (p *pipeline) compareOrders(d *diff) {
	copies := map[string]int{}
	for _, o := range p.src.Orders() {
		if o.SourceIdentifier != nil {
			copies[*o.SourceIdentifier]++
		}
	}
	for _, dst := range p.dsts {
		for _, o := range dst.Orders() {
			d.expected++
			gid := fmt.Sprintf("gid://shopify/Order/%d", o.ID)
			switch n := copies[gid]; {
			case n == 0:
				d.missing++
				if len(d.examples) < 5 {
					d.examples = append(d.examples, fmt.Sprintf("%s: order %s not in the source", dst.Name(), gid))
				}
			case n > 1:
				d.duplicated += n - 1
				if len(d.examples) < 5 {
					d.examples = append(d.examples, fmt.Sprintf("%s: order %s in the source %d times", dst.Name(), gid, n))
				}
			}
		}
	}
}
