package reconcile

import (
	"context"

	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/client"
)

// emitFunc writes one page; an error stops the read.
type emitFunc func(ctx context.Context, p Page) error

// reader reads a family's objects changed since the query (from
// client.UpdatedSince) a page at a time.
type reader func(ctx context.Context, c *client.Client, query string, emit emitFunc) error

// readers are each family's reads. A read sorted by updatedAt sets
// Page.Newest so that its cursor can move after every page; the families
// read in several parts (inventory, content) move theirs at the end.
//
// What a query filter cannot find is left to the periodic full snapshot:
// deletions (a deleted object has no updatedAt), disconnected inventory
// levels, and smart-collection members that changed because a product did
// (Shopify does not touch the collection's updatedAt then).
var readers = map[events.Family]reader{
	events.Products:    readProducts,
	events.Inventory:   readInventory,
	events.Collections: readCollections,
	events.Content:     readContent,
	events.Orders:      readOrders,
}

func readProducts(ctx context.Context, c *client.Client, query string, emit emitFunc) error {
	var after *string
	for {
		resp, err := client.Products(ctx, c, client.ProductsPageSize, after, &query, client.VariantsPerProduct)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Products.Nodes {
			n := &resp.Products.Nodes[i]
			if err := p.add(n, "", "variants"); err != nil {
				return err
			}
			var keep []string
			for j := range n.Variants.Nodes {
				v := &n.Variants.Nodes[j]
				keep = append(keep, v.Id)
				if err := p.add(v, n.Id); err != nil {
					return err
				}
			}
			for more, cur := n.Variants.PageInfo.HasNextPage, n.Variants.PageInfo.EndCursor; more; {
				vr, err := client.ProductVariantsPage(ctx, c, n.Id, client.VariantsPageSize, cur)
				if err != nil {
					return err
				}
				if vr.Product == nil {
					break // deleted meanwhile; the snapshot will tombstone it
				}
				for j := range vr.Product.Variants.Nodes {
					v := &vr.Product.Variants.Nodes[j]
					keep = append(keep, v.Id)
					if err := p.add(v, n.Id); err != nil {
						return err
					}
				}
				more, cur = vr.Product.Variants.PageInfo.HasNextPage, vr.Product.Variants.PageInfo.EndCursor
			}
			p.Children = append(p.Children, ChildList{ParentResource: events.Product, Parent: n.Id,
				Child: events.Variant, Keep: keep, At: n.UpdatedAt})
			p.newest(n.UpdatedAt)
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Products.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return nil
		}
		after = pi.EndCursor
	}
}

func readCollections(ctx context.Context, c *client.Client, query string, emit emitFunc) error {
	var after *string
	for {
		resp, err := client.Collections(ctx, c, client.CollectionsPageSize, after, &query, client.ProductsPerCollection)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Collections.Nodes {
			n := &resp.Collections.Nodes[i]
			if err := p.add(n, "", "products"); err != nil {
				return err
			}
			var keep []string
			for _, m := range n.Products.Nodes {
				keep = append(keep, m.Id)
				if err := p.add(m, n.Id); err != nil {
					return err
				}
			}
			for more, cur := n.Products.PageInfo.HasNextPage, n.Products.PageInfo.EndCursor; more; {
				mr, err := client.CollectionProductsPage(ctx, c, n.Id, client.CollectionProductsPageSize, cur)
				if err != nil {
					return err
				}
				if mr.Collection == nil {
					break
				}
				for _, m := range mr.Collection.Products.Nodes {
					keep = append(keep, m.Id)
					if err := p.add(m, n.Id); err != nil {
						return err
					}
				}
				more, cur = mr.Collection.Products.PageInfo.HasNextPage, mr.Collection.Products.PageInfo.EndCursor
			}
			p.Children = append(p.Children, ChildList{ParentResource: events.Collection, Parent: n.Id,
				Child: events.CollectionProduct, Keep: keep, At: n.UpdatedAt})
			p.newest(n.UpdatedAt)
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Collections.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return nil
		}
		after = pi.EndCursor
	}
}

func readOrders(ctx context.Context, c *client.Client, query string, emit emitFunc) error {
	var after *string
	for {
		resp, err := client.Orders(ctx, c, client.OrdersPageSize, after, &query, client.LineItemsPerOrder)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Orders.Nodes {
			n := &resp.Orders.Nodes[i]
			if err := p.add(n, "", "lineItems"); err != nil {
				return err
			}
			var keep []string
			for j := range n.LineItems.Nodes {
				li := &n.LineItems.Nodes[j]
				keep = append(keep, li.Id)
				if err := p.add(li, n.Id); err != nil {
					return err
				}
			}
			for more, cur := n.LineItems.PageInfo.HasNextPage, n.LineItems.PageInfo.EndCursor; more; {
				lr, err := client.OrderLineItemsPage(ctx, c, n.Id, client.LineItemsPageSize, cur)
				if err != nil {
					return err
				}
				if lr.Order == nil {
					break
				}
				for j := range lr.Order.LineItems.Nodes {
					li := &lr.Order.LineItems.Nodes[j]
					keep = append(keep, li.Id)
					if err := p.add(li, n.Id); err != nil {
						return err
					}
				}
				more, cur = lr.Order.LineItems.PageInfo.HasNextPage, lr.Order.LineItems.PageInfo.EndCursor
			}
			p.Children = append(p.Children, ChildList{ParentResource: events.Order, Parent: n.Id,
				Child: events.OrderLineItem, Keep: keep, At: n.UpdatedAt})
			p.newest(n.UpdatedAt)
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Orders.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return nil
		}
		after = pi.EndCursor
	}
}

// readContent reads pages, blogs and articles. Blogs cannot be filtered by
// updatedAt everywhere, so the filter may return them all; there are few.
// Shopify has no webhooks for any of the three (FACTS.md §2.4): this read
// is their only incremental path.
func readContent(ctx context.Context, c *client.Client, query string, emit emitFunc) error {
	var after *string
	for {
		resp, err := client.Pages(ctx, c, client.ContentPageSize, after, &query)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Pages.Nodes {
			if err := p.add(&resp.Pages.Nodes[i], ""); err != nil {
				return err
			}
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Pages.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			break
		}
		after = pi.EndCursor
	}
	for after = nil; ; {
		resp, err := client.Blogs(ctx, c, client.ContentPageSize, after, &query)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Blogs.Nodes {
			if err := p.add(&resp.Blogs.Nodes[i], ""); err != nil {
				return err
			}
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Blogs.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			break
		}
		after = pi.EndCursor
	}
	for after = nil; ; {
		resp, err := client.Articles(ctx, c, client.ContentPageSize, after, &query)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Articles.Nodes {
			a := &resp.Articles.Nodes[i]
			if err := p.add(a, a.Blog.Id); err != nil {
				return err
			}
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Articles.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return nil
		}
		after = pi.EndCursor
	}
}

// quantityNames are the inventory quantities the mirror keeps.
var quantityNames = []string{"available", "on_hand"}

// readInventory reads every location (there are few, and Shopify's
// location search may not filter on updated_at), the inventory levels
// changed at each location (a level's change does not move its item's
// updatedAt, so levels are read per location with their own filter), and
// the inventory items changed with all their levels.
func readInventory(ctx context.Context, c *client.Client, query string, emit emitFunc) error {
	var locations []string
	var after *string
	for {
		resp, err := client.Locations(ctx, c, client.LocationsPageSize, after, nil)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.Locations.Nodes {
			n := &resp.Locations.Nodes[i]
			locations = append(locations, n.Id)
			if err := p.add(n, ""); err != nil {
				return err
			}
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.Locations.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			break
		}
		after = pi.EndCursor
	}
	for _, loc := range locations {
		if err := readLocationLevels(ctx, c, loc, query, emit); err != nil {
			return err
		}
	}
	for after = nil; ; {
		resp, err := client.InventoryItems(ctx, c, client.InventoryItemsPageSize, after, &query, client.LevelsPerItem, quantityNames)
		if err != nil {
			return err
		}
		var p Page
		for i := range resp.InventoryItems.Nodes {
			n := &resp.InventoryItems.Nodes[i]
			if err := p.add(n, "", "inventoryLevels"); err != nil {
				return err
			}
			var keep []string
			for j := range n.InventoryLevels.Nodes {
				l := &n.InventoryLevels.Nodes[j]
				keep = append(keep, l.Id)
				if err := p.add(l, n.Id); err != nil {
					return err
				}
			}
			for more, cur := n.InventoryLevels.PageInfo.HasNextPage, n.InventoryLevels.PageInfo.EndCursor; more; {
				lr, err := client.InventoryLevelsPage(ctx, c, n.Id, client.LevelsPageSize, cur, quantityNames)
				if err != nil {
					return err
				}
				if lr.InventoryItem == nil {
					break
				}
				for j := range lr.InventoryItem.InventoryLevels.Nodes {
					l := &lr.InventoryItem.InventoryLevels.Nodes[j]
					keep = append(keep, l.Id)
					if err := p.add(l, n.Id); err != nil {
						return err
					}
				}
				more, cur = lr.InventoryItem.InventoryLevels.PageInfo.HasNextPage, lr.InventoryItem.InventoryLevels.PageInfo.EndCursor
			}
			p.Children = append(p.Children, ChildList{ParentResource: events.InventoryItem, Parent: n.Id,
				Child: events.InventoryLevel, Keep: keep, At: n.UpdatedAt})
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := resp.InventoryItems.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return nil
		}
		after = pi.EndCursor
	}
}
