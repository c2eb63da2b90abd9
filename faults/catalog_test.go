package faults

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// catalog is the source's products as a case made and changed them, and the
// count of changes it made: what the pipeline must carry to every
// destination.
type catalog struct {
	t       testing.TB
	shop    *fakeshop.Shop
	rng     *rand.Rand
	ids     []int64 // live products, in creation order
	changes int     // creates, updates and deletes made in the source
	orders  int     // orders placed in the destinations
	next    int
}

func newCatalog(t testing.TB, shop *fakeshop.Shop, seed uint64) *catalog {
	return &catalog{t: t, shop: shop, rng: rand.New(rand.NewPCG(seed, 7))}
}

// seed creates n products in batches (one change each).
func (c *catalog) seed(n int) {
	c.t.Helper()
	for n > 0 {
		batch := make([]fakeshop.NewProduct, 0, min(n, 500))
		for range cap(batch) {
			batch = append(batch, c.newProduct())
		}
		ps, err := c.shop.CreateProducts(batch)
		require.NoError(c.t, err)
		for _, p := range ps {
			c.ids = append(c.ids, p.ID)
		}
		c.changes += len(ps)
		n -= len(ps)
	}
}

func (c *catalog) newProduct() fakeshop.NewProduct {
	c.next++
	title := fmt.Sprintf("Fault product %d", c.next)
	handle := fmt.Sprintf("fault-%06d", c.next)
	body := fmt.Sprintf("<p>Product %d</p>", c.next)
	vendor := "Faults Inc"
	price := fmt.Sprintf("%d.00", 5+c.rng.IntN(90))
	return fakeshop.NewProduct{
		Product:  fakeshop.ProductInput{Title: &title, Handle: &handle, DescriptionHTML: &body, Vendor: &vendor},
		Variants: []fakeshop.VariantInput{{OptionValues: []fakeshop.SelectedOption{{Name: "Title", Value: "Default Title"}}, Price: &price}},
	}
}

// create adds one product.
func (c *catalog) create() {
	c.t.Helper()
	np := c.newProduct()
	p, err := c.shop.CreateProduct(np.Product, np.Variants)
	require.NoError(c.t, err)
	c.ids = append(c.ids, p.ID)
	c.changes++
}

// update changes a random product's title, or its first variant's price.
func (c *catalog) update() {
	c.t.Helper()
	if len(c.ids) == 0 {
		c.create()
		return
	}
	id := c.ids[c.rng.IntN(len(c.ids))]
	if c.rng.IntN(2) == 0 {
		title := fmt.Sprintf("Fault product retitled %d", c.rng.Int64())
		_, err := c.shop.UpdateProduct(id, fakeshop.ProductInput{Title: &title})
		require.NoError(c.t, err)
	} else {
		p := c.shop.Product(id)
		price := fmt.Sprintf("%d.00", 5+c.rng.IntN(90))
		_, err := c.shop.UpdateVariant(p.VariantIDs[0], fakeshop.VariantInput{Price: &price})
		require.NoError(c.t, err)
	}
	c.changes++
}

// remove deletes a random product.
func (c *catalog) remove() {
	c.t.Helper()
	if len(c.ids) == 0 {
		return
	}
	i := c.rng.IntN(len(c.ids))
	require.NoError(c.t, c.shop.DeleteProduct(c.ids[i]))
	c.ids = append(c.ids[:i], c.ids[i+1:]...)
	c.changes++
}

// churn makes n random changes: mostly updates, some creates and deletes.
func (c *catalog) churn(n int) {
	c.t.Helper()
	for range n {
		switch r := c.rng.IntN(10); {
		case r < 2:
			c.create()
		case r < 3:
			c.remove()
		default:
			c.update()
		}
	}
}
