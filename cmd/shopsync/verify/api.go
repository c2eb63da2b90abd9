package verify

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/shopsync/shopsync/shopify/bulk"
	"github.com/shopsync/shopsync/shopify/client"
)

// catalogQuery reads every product with its variants and their stock levels:
// three connections, two levels deep, within a bulk query's limits.
const catalogQuery = `{
  products {
    edges {
      node {
        id
        handle
        title
        descriptionHtml
        vendor
        productType
        tags
        status
        variants {
          edges {
            node {
              id
              title
              sku
              barcode
              price
              compareAtPrice
              selectedOptions { name value }
              inventoryItem {
                id
                inventoryLevels {
                  edges {
                    node {
                      id
                      location { id }
                      quantities(names: ["available"]) { name quantity }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`

// LoadAPI reads a store's live products, variants and their available
// quantities at locations (every location when empty) through the Admin
// API, with one bulk query.
func LoadAPI(ctx context.Context, c *client.Client, spillDir string, locations []string) (*Catalog, error) {
	res, err := c.RunBulkQuery(ctx, catalogQuery)
	if err != nil {
		return nil, fmt.Errorf("verify: bulk query of %s: %w", c.Shop(), err)
	}
	cat := &Catalog{Store: c.Shop()}
	if res.URL == "" { // no objects: Shopify writes no file
		cat.index()
		return cat, nil
	}
	body, err := c.OpenBulkResult(ctx, res.URL)
	if err != nil {
		return nil, fmt.Errorf("verify: download %s's bulk result: %w", c.Shop(), err)
	}
	defer body.Close()
	wanted := map[string]bool{}
	for _, l := range locations {
		wanted[l] = true
	}
	products := map[string]*Product{}
	variants := map[string]*Variant{}
	_, err = bulk.Join(ctx, body, spillDir, func(r bulk.Record) error {
		switch r.Typename {
		case "Product":
			var p struct {
				ID, Handle, Title, DescriptionHtml, Vendor, ProductType, Status string
				Tags                                                            []string
			}
			if err := json.Unmarshal(r.Raw, &p); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
			prod := &Product{GID: p.ID, Handle: p.Handle, Title: p.Title, Description: p.DescriptionHtml, Vendor: p.Vendor,
				ProductType: p.ProductType, Status: p.Status, Tags: p.Tags}
			products[p.ID] = prod
			cat.Products = append(cat.Products, prod)
		case "ProductVariant":
			var v struct {
				ID, Title                    string
				SKU, Barcode, CompareAtPrice *string
				Price                        string
				SelectedOptions              []struct{ Name, Value string }
			}
			if err := json.Unmarshal(r.Raw, &v); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
			p := products[r.ParentID]
			if p == nil {
				return fmt.Errorf("line %d: variant %s of unknown product %s", r.Line, v.ID, r.ParentID)
			}
			names := make([]string, len(v.SelectedOptions))
			values := make([]string, len(v.SelectedOptions))
			for i, o := range v.SelectedOptions {
				names[i], values[i] = o.Name, o.Value
			}
			vv := &Variant{GID: v.ID, ProductGID: p.GID, Title: v.Title, SKU: deref(v.SKU), Barcode: deref(v.Barcode),
				Price: v.Price, CompareAtPrice: deref(v.CompareAtPrice), Options: optionsKey(names, values), Available: map[string]int{}}
			variants[v.ID] = vv
			p.Variants = append(p.Variants, vv)
		case "InventoryLevel":
			var l struct {
				Location   struct{ ID string }
				Quantities []struct {
					Name     string
					Quantity int
				}
			}
			if err := json.Unmarshal(r.Raw, &l); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
			v := variants[r.ParentID]
			if v == nil || (len(wanted) > 0 && !wanted[l.Location.ID]) {
				return nil
			}
			for _, q := range l.Quantities {
				if q.Name == "available" {
					v.Available[l.Location.ID] = q.Quantity
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify: read %s's bulk result: %w", c.Shop(), err)
	}
	cat.index()
	return cat, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
