package ingest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

func ptr[T any](v T) *T { return &v }

// changer makes changes to a shop through its Go API (every write path of
// fakeshop, which announces each change to webhooks as Shopify would), the
// kinds a live store sees: prices, SKUs and barcodes, stock, titles, tags
// and statuses, new products, variants dropped, collection membership,
// pages and articles, cancelled orders.
type changer struct {
	t     *testing.T
	clock *testClock
	shop  *fakeshop.Shop
	tr    *shopTracker
	rng   *rand.Rand
	n     int
}

// newChanger changes f's shop; every change is made a second after the
// previous one on the shop's clock.
func newChanger(f *fixture, seed uint64) *changer {
	return &changer{t: f.t, clock: f.clock, shop: f.shop, tr: f.tracker, rng: rand.New(rand.NewPCG(seed, 42))}
}

func (c *changer) product() *fakeshop.Product {
	ps := c.shop.Products()
	return ps[c.rng.IntN(len(ps))]
}

// update makes n changes that update or create objects; none deletes
// anything (not even a variant), so an incremental read can see them all.
func (c *changer) update(n int) {
	c.t.Helper()
	locations := c.shop.Locations()
	for range n {
		c.n++
		c.clock.Advance(time.Second)
		p := c.product()
		vs := c.shop.Variants(p)
		v := vs[c.rng.IntN(len(vs))]
		var err error
		switch c.rng.IntN(8) {
		case 0:
			_, err = c.shop.UpdateVariant(v.ID, fakeshop.VariantInput{Price: ptr(fmt.Sprintf("%d.%02d", 1+c.rng.IntN(200), c.rng.IntN(100))),
				CompareAtPrice: ptr(fmt.Sprintf("%d.00", 201+c.rng.IntN(100)))})
		case 1:
			_, err = c.shop.UpdateVariant(v.ID, fakeshop.VariantInput{SKU: ptr(fmt.Sprintf("CHG-%d", c.n)), Barcode: ptr(fmt.Sprintf("99%011d", c.n))})
		case 2:
			loc := locations[c.rng.IntN(len(locations))]
			if c.shop.InventoryLevel(v.InventoryItemID, loc.ID) == nil {
				_, err = c.shop.ActivateInventory(v.InventoryItemID, loc.ID, ptr(c.rng.IntN(50)), nil)
			} else {
				_, err = c.shop.AdjustInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantityAdjust{{ItemID: v.InventoryItemID, LocationID: loc.ID, Delta: 1 + c.rng.IntN(9)}})
			}
		case 3:
			for _, loc := range locations {
				if c.shop.InventoryLevel(v.InventoryItemID, loc.ID) != nil {
					_, err = c.shop.SetInventoryQuantities(fakeshop.QtyOnHand, []fakeshop.QuantitySet{{ItemID: v.InventoryItemID, LocationID: loc.ID, Quantity: 100 + c.rng.IntN(100)}})
					break
				}
			}
		case 4:
			status := []string{"ACTIVE", "DRAFT", "ARCHIVED"}[c.rng.IntN(3)]
			_, err = c.shop.UpdateProduct(p.ID, fakeshop.ProductInput{Title: ptr(fmt.Sprintf("%s (rev %d)", p.Title, c.n)),
				Tags: ptr(append(slices.Clone(p.Tags), fmt.Sprintf("rev-%d", c.n))), Status: &status})
		case 5:
			_, err = c.shop.CreateProduct(fakeshop.ProductInput{Title: ptr(fmt.Sprintf("New product %d", c.n)), Vendor: ptr("Changer"),
				Options: []fakeshop.OptionInput{{Name: "Size", Values: []string{"S", "M"}}}},
				[]fakeshop.VariantInput{
					{OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: "S"}}, Price: ptr("10.00"), SKU: ptr(fmt.Sprintf("NEW-%d-S", c.n)),
						Quantities: []fakeshop.LocationQuantity{{LocationID: locations[0].ID, Name: fakeshop.QtyAvailable, Quantity: 5}}},
					{OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: "M"}}, Price: ptr("11.00"), SKU: ptr(fmt.Sprintf("NEW-%d-M", c.n))},
				})
		case 6:
			err = c.collectionChange(p.ID)
		case 7:
			err = c.contentChange()
		}
		require.NoError(c.t, err, "change %d", c.n)
	}
	c.clock.Advance(time.Second)
	for _, o := range c.shop.Orders() {
		if o.CancelledAt == nil && c.rng.IntN(4) == 0 {
			_, err := c.shop.CancelOrder(o.ID, "CUSTOMER", false)
			require.NoError(c.t, err)
			break
		}
	}
}

func (c *changer) collectionChange(productID int64) error {
	c.tr.mu.Lock()
	var custom []int64
	for id, live := range c.tr.collections {
		if col := c.shop.Collection(id); live && col != nil && col.RuleSet == nil {
			custom = append(custom, id)
		}
	}
	c.tr.mu.Unlock()
	if len(custom) == 0 {
		return nil
	}
	slices.Sort(custom)
	col := c.shop.Collection(custom[c.rng.IntN(len(custom))])
	if slices.Contains(col.ProductIDs, productID) {
		_, err := c.shop.RemoveProductsFromCollection(col.ID, []int64{productID})
		return err
	}
	_, err := c.shop.AddProductsToCollection(col.ID, []int64{productID})
	return err
}

func (c *changer) contentChange() error {
	c.tr.mu.Lock()
	pages := mapsValues(c.tr.pages)
	articles := mapsValues(c.tr.articles)
	c.tr.mu.Unlock()
	slices.SortFunc(pages, func(a, b *fakeshop.Page) int { return int(a.ID - b.ID) })
	slices.SortFunc(articles, func(a, b *fakeshop.Article) int { return int(a.ID - b.ID) })
	switch c.rng.IntN(3) {
	case 0:
		_, err := c.shop.UpdatePage(pages[c.rng.IntN(len(pages))].ID, fakeshop.PageInput{Body: ptr(fmt.Sprintf("<p>revised %d</p>", c.n))})
		return err
	case 1:
		a := articles[c.rng.IntN(len(articles))]
		_, err := c.shop.UpdateArticle(a.ID, fakeshop.ArticleInput{Title: ptr(fmt.Sprintf("%s (rev %d)", a.Title, c.n)), Tags: ptr([]string{"news", fmt.Sprintf("rev-%d", c.n)})})
		return err
	default:
		_, err := c.shop.CreatePage(fakeshop.PageInput{Title: ptr(fmt.Sprintf("Page %d", c.n)), Body: ptr("<p>new</p>"), Published: ptr(true)})
		return err
	}
}

// remove deletes n objects: products, variants, pages, articles,
// collections.
func (c *changer) remove(n int) {
	c.t.Helper()
	for i := range n {
		c.clock.Advance(time.Second)
		var err error
		switch i % 5 {
		case 4:
			p := c.product()
			if vs := c.shop.Variants(p); len(vs) > 1 {
				err = c.shop.DeleteVariants(p.ID, []int64{vs[len(vs)-1].ID})
			}
		case 0:
			err = c.shop.DeleteProduct(c.product().ID)
		case 1:
			c.tr.mu.Lock()
			pages := mapsValues(c.tr.pages)
			c.tr.mu.Unlock()
			slices.SortFunc(pages, func(a, b *fakeshop.Page) int { return int(a.ID - b.ID) })
			err = c.shop.DeletePage(pages[0].ID)
		case 2:
			c.tr.mu.Lock()
			articles := mapsValues(c.tr.articles)
			c.tr.mu.Unlock()
			slices.SortFunc(articles, func(a, b *fakeshop.Article) int { return int(a.ID - b.ID) })
			err = c.shop.DeleteArticle(articles[0].ID)
		case 3:
			c.tr.mu.Lock()
			var live []int64
			for id, ok := range c.tr.collections {
				if ok {
					live = append(live, id)
				}
			}
			c.tr.mu.Unlock()
			slices.Sort(live)
			err = c.shop.DeleteCollection(live[0])
		}
		require.NoError(c.t, err)
	}
}
