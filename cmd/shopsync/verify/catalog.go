package verify

import (
	"slices"
	"strings"
)

// Product is one product as verify compares it, read from the mirror or the
// API.
type Product struct {
	GID, Handle, Title, Description, Vendor, ProductType, Status string
	Tags                                                         []string
	Variants                                                     []*Variant
}

// Variant is one variant with its stock.
type Variant struct {
	GID, ProductGID, Title, SKU, Barcode string
	// Price and CompareAtPrice are decimal strings; CompareAtPrice "" is none.
	Price, CompareAtPrice string
	// Options is the selected options as "Name=Value / ...", which pairs
	// variants of products matched by handle.
	Options string
	// Available is the available quantity by location GID, for the
	// locations read.
	Available map[string]int
}

// Catalog is one store's live products.
type Catalog struct {
	Store    string
	Products []*Product

	byGID        map[string]*Product
	byHandle     map[string][]*Product
	variantByGID map[string]*Variant
	byVariantKey map[string]map[string][]*Product // "sku" or "barcode" → key → products
}

// index builds the lookups; call it once the catalog is complete.
func (c *Catalog) index() {
	c.byGID = make(map[string]*Product, len(c.Products))
	c.byHandle = make(map[string][]*Product, len(c.Products))
	c.variantByGID = map[string]*Variant{}
	c.byVariantKey = map[string]map[string][]*Product{"sku": {}, "barcode": {}}
	for _, p := range c.Products {
		c.byGID[p.GID] = p
		c.byHandle[p.Handle] = append(c.byHandle[p.Handle], p)
		for _, v := range p.Variants {
			c.variantByGID[v.GID] = v
			for kind, k := range map[string]string{"sku": v.SKU, "barcode": v.Barcode} {
				if k == "" {
					continue
				}
				m := c.byVariantKey[kind]
				if l := m[k]; len(l) == 0 || l[len(l)-1] != p {
					m[k] = append(l, p)
				}
			}
		}
	}
}

// optionsKey is a variant's selected options as one comparable string.
func optionsKey(names, values []string) string {
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = names[i] + "=" + values[i]
	}
	return strings.Join(parts, " / ")
}

// tagSet is tags as one comparable string: Shopify keeps tags as a set.
func tagSet(tags []string) string {
	s := slices.Clone(tags)
	for i := range s {
		s[i] = strings.TrimSpace(s[i])
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ", ")
}
