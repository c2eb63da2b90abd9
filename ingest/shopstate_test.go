package ingest_test

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// state is a store's content as comparable text: table → key → column →
// value, every value in one canonical form (see the canon* functions) so
// that what fakeshop holds and what the mirror holds compare as strings.
type state map[string]map[string]map[string]string

func (s state) put(table, key string, cols map[string]string) {
	if s[table] == nil {
		s[table] = map[string]map[string]string{}
	}
	s[table][key] = cols
}

const null = "<null>"

func gid(typ string, id int64) string {
	return "gid://shopify/" + typ + "/" + strconv.FormatInt(id, 10)
}

func optGID(typ string, id int64) string {
	if id == 0 {
		return null
	}
	return gid(typ, id)
}

func liveGID(typ string, id int64, live bool) string {
	if !live {
		return null
	}
	return optGID(typ, id)
}

func str(s string) string { return s }

// optStr treats a blank as absent: Shopify itself answers null or "" for
// an unset SKU, barcode or template suffix.
func optStr(p *string) string {
	if p == nil || *p == "" {
		return null
	}
	return *p
}

func boolean(b bool) string { return strconv.FormatBool(b) }
func integer(n int) string  { return strconv.Itoa(n) }

func canonTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optTime(t *time.Time) string {
	if t == nil {
		return null
	}
	return canonTime(*t)
}

// canonDec is a decimal by value: 5.00 and 5 are the same price.
func canonDec(s string) string {
	if s == null || s == "" {
		return null
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "bad decimal " + s
	}
	return r.RatString()
}

func optDec(p *string) string {
	if p == nil {
		return null
	}
	return canonDec(*p)
}

// list is a list of strings in a fixed text form.
func list(v []string) string {
	if v == nil {
		v = []string{}
	}
	return fmt.Sprintf("%q", v)
}

func sortedSet(v []string) string {
	out := []string{}
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return list(out)
}

// shopTracker follows the records fakeshop's Go API cannot list
// (collections, pages, blogs, articles) through OnChange, which hears every
// write of the shop. It must be attached before the shop is seeded.
type shopTracker struct {
	mu          sync.Mutex
	collections map[int64]bool
	pages       map[int64]*fakeshop.Page
	blogs       map[int64]*fakeshop.Blog
	articles    map[int64]*fakeshop.Article
}

func trackShop(shop *fakeshop.Shop) *shopTracker {
	tr := &shopTracker{collections: map[int64]bool{}, pages: map[int64]*fakeshop.Page{},
		blogs: map[int64]*fakeshop.Blog{}, articles: map[int64]*fakeshop.Article{}}
	shop.OnChange(func(c fakeshop.Change) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		deleted := strings.HasSuffix(c.Topic, "/delete")
		switch r := c.Resource.(type) {
		case *fakeshop.Collection:
			tr.collections[r.ID] = !deleted
		case *fakeshop.Page:
			tr.pages[r.ID] = r
			if deleted {
				delete(tr.pages, r.ID)
			}
		case *fakeshop.Blog:
			tr.blogs[r.ID] = r
		case *fakeshop.Article:
			tr.articles[r.ID] = r
			if deleted {
				delete(tr.articles, r.ID)
			}
		}
	})
	return tr
}

// shopState reads what a fakeshop shop holds, through its Go API (and the
// tracker for what that cannot list). The one thing read over GraphQL is
// the membership of smart collections, which fakeshop computes from the
// rules on every read and does not expose in Go.
func shopState(ctx context.Context, shop *fakeshop.Shop, tr *shopTracker, c *client.Client) (state, error) {
	s := state{}
	locations := shop.Locations()
	for _, l := range locations {
		s.put("locations", gid("Location", l.ID), map[string]string{
			"name": str(l.Name), "is_active": boolean(l.IsActive), "fulfills_online_orders": boolean(l.FulfillsOnlineOrders),
			"updated_at": canonTime(l.UpdatedAt),
		})
	}
	for _, p := range shop.Products() {
		var opts []string
		for _, o := range p.Options {
			var vals []string
			for _, v := range o.Values {
				vals = append(vals, v.Name)
			}
			opts = append(opts, fmt.Sprintf("%s@%d=%q", o.Name, o.Position, vals))
		}
		s.put("products", gid("Product", p.ID), map[string]string{
			"handle": str(p.Handle), "title": str(p.Title), "description_html": str(p.DescriptionHTML),
			"vendor": str(p.Vendor), "product_type": str(p.ProductType), "status": str(p.Status),
			"tags": list(p.Tags), "options": list(opts), "template_suffix": optStr(p.TemplateSuffix),
			"published_at": optTime(p.PublishedAt), "created_at": canonTime(p.CreatedAt), "updated_at": canonTime(p.UpdatedAt),
		})
		for _, v := range shop.Variants(p) {
			var sel []string
			for _, o := range v.SelectedOptions {
				sel = append(sel, o.Name+"="+o.Value)
			}
			s.put("variants", gid("ProductVariant", v.ID), map[string]string{
				"product_gid": gid("Product", v.ProductID), "title": str(v.Title), "sku": optStr(v.SKU),
				"barcode": optStr(v.Barcode), "price": canonDec(v.Price), "compare_at_price": optDec(v.CompareAtPrice),
				"position": integer(v.Position), "options": list(sel), "inventory_item_gid": gid("InventoryItem", v.InventoryItemID),
				"inventory_policy": str(v.InventoryPolicy), "taxable": boolean(v.Taxable),
				"created_at": canonTime(v.CreatedAt), "updated_at": canonTime(v.UpdatedAt),
			})
			item := shop.InventoryItem(v.InventoryItemID)
			if item == nil {
				return nil, fmt.Errorf("variant %d has no inventory item %d", v.ID, v.InventoryItemID)
			}
			s.put("inventory_items", gid("InventoryItem", item.ID), map[string]string{
				"sku": optStr(v.SKU), "tracked": boolean(item.Tracked), "requires_shipping": boolean(item.RequiresShipping),
				"unit_cost": optDec(item.Cost), "created_at": canonTime(item.CreatedAt), "updated_at": canonTime(item.UpdatedAt),
			})
			for _, loc := range locations {
				l := shop.InventoryLevel(item.ID, loc.ID)
				if l == nil {
					continue
				}
				s.put("inventory_levels", l.GID(), map[string]string{
					"inventory_item_gid": gid("InventoryItem", l.ItemID), "location_gid": gid("Location", l.LocationID),
					"available": integer(l.Quantity(fakeshop.QtyAvailable)), "on_hand": integer(l.Quantity(fakeshop.QtyOnHand)),
					"updated_at": canonTime(l.UpdatedAt),
				})
			}
		}
	}

	tr.mu.Lock()
	var collections []int64
	for id, live := range tr.collections {
		if live {
			collections = append(collections, id)
		}
	}
	pages := mapsValues(tr.pages)
	blogs := mapsValues(tr.blogs)
	articles := mapsValues(tr.articles)
	tr.mu.Unlock()

	blogTags := map[int64][]string{}
	for _, a := range articles {
		blogTags[a.BlogID] = append(blogTags[a.BlogID], a.Tags...)
		s.put("articles", gid("Article", a.ID), map[string]string{
			"blog_gid": gid("Blog", a.BlogID), "handle": str(a.Handle), "title": str(a.Title), "author_name": str(a.Author),
			"body": str(a.Body), "summary": optStr(a.Summary), "tags": list(a.Tags), "is_published": boolean(a.PublishedAt != nil),
			"published_at": optTime(a.PublishedAt), "template_suffix": optStr(a.TemplateSuffix),
			"created_at": canonTime(a.CreatedAt), "updated_at": canonTime(a.UpdatedAt),
		})
	}
	for _, b := range blogs {
		s.put("blogs", gid("Blog", b.ID), map[string]string{
			"handle": str(b.Handle), "title": str(b.Title), "comment_policy": str(b.CommentPolicy),
			"tags": sortedSet(blogTags[b.ID]), "template_suffix": optStr(b.TemplateSuffix),
			"created_at": canonTime(b.CreatedAt), "updated_at": canonTime(b.UpdatedAt),
		})
	}
	for _, p := range pages {
		s.put("pages", gid("Page", p.ID), map[string]string{
			"handle": str(p.Handle), "title": str(p.Title), "body": str(p.Body), "is_published": boolean(p.PublishedAt != nil),
			"published_at": optTime(p.PublishedAt), "template_suffix": optStr(p.TemplateSuffix),
			"created_at": canonTime(p.CreatedAt), "updated_at": canonTime(p.UpdatedAt),
		})
	}
	for _, id := range collections {
		col := shop.Collection(id)
		if col == nil {
			continue
		}
		kind, rules := "custom", null
		members := col.ProductIDs
		if col.RuleSet != nil {
			kind = "smart"
			var rs []string
			for _, r := range col.RuleSet.Rules {
				rs = append(rs, r.Column+" "+r.Relation+" "+r.Condition)
			}
			rules = fmt.Sprintf("disjunctive=%t %q", col.RuleSet.AppliedDisjunctively, rs)
			var err error
			if members, err = smartMembers(ctx, c, gid("Collection", id)); err != nil {
				return nil, err
			}
		}
		s.put("collections", gid("Collection", id), map[string]string{
			"handle": str(col.Handle), "title": str(col.Title), "collection_type": kind, "rules": rules,
			"description_html": str(col.DescriptionHTML), "sort_order": str(col.SortOrder),
			"template_suffix": optStr(col.TemplateSuffix), "updated_at": canonTime(col.UpdatedAt),
		})
		for _, pid := range members {
			s.put("collection_products", gid("Collection", id)+" "+gid("Product", pid), map[string]string{})
		}
	}
	for _, o := range shop.Orders() {
		s.put("orders", gid("Order", o.ID), map[string]string{
			"name": str(o.Name), "email": optStr(o.Email), "currency": str(o.Currency),
			"financial_status": str(o.FinancialStatus), "fulfillment_status": str(o.FulfillmentStatus), "test": boolean(o.Test),
			"cancelled_at": optTime(o.CancelledAt), "closed_at": optTime(o.ClosedAt), "processed_at": canonTime(o.ProcessedAt),
			"created_at": canonTime(o.CreatedAt), "updated_at": canonTime(o.UpdatedAt),
		})
		for _, li := range o.LineItems {
			s.put("order_line_items", gid("LineItem", li.ID), map[string]string{
				// A line keeps its product and variant only while they
				// exist: Shopify answers null for a deleted one.
				"order_gid": gid("Order", o.ID), "product_gid": liveGID("Product", li.ProductID, shop.Product(li.ProductID) != nil),
				"variant_gid": liveGID("ProductVariant", li.VariantID, shop.Variant(li.VariantID) != nil),
				"sku":         optStr(li.SKU), "title": str(li.Title), "variant_title": optStr(li.VariantTitle),
				"quantity": integer(li.CurrentQuantity), "unit_price": canonDec(li.UnitPrice),
			})
		}
	}
	return s, nil
}

func mapsValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// smartMembers reads a smart collection's members over GraphQL.
func smartMembers(ctx context.Context, c *client.Client, collection string) ([]int64, error) {
	var ids []int64
	var after *string
	for {
		resp, err := client.CollectionProductsPage(ctx, c, collection, client.CollectionProductsPageSize, after)
		if err != nil {
			return nil, err
		}
		if resp.Collection == nil {
			return ids, nil
		}
		for _, n := range resp.Collection.Products.Nodes {
			id, err := strconv.ParseInt(n.Id[strings.LastIndexByte(n.Id, '/')+1:], 10, 64)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		pi := resp.Collection.Products.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return ids, nil
		}
		after = pi.EndCursor
	}
}
