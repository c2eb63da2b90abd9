package verify

import (
	"sort"
	"strconv"
)

// Drift is one difference between what a destination should hold, after
// its link's rules, and what it holds.
type Drift struct {
	Destination string `json:"destination"`
	// Via is where both sides were read: mirror or api.
	Via string `json:"via"`
	// Resource is product, variant or inventory.
	Resource string `json:"resource"`
	// Key names the object: the source product's handle, then the
	// variant's SKU or options, then the location.
	Key            string `json:"key"`
	SourceGID      string `json:"source_gid"`
	DestinationGID string `json:"destination_gid,omitempty"`
	// Field is what differs: a field name, or "exists" for an object the
	// destination lacks.
	Field string `json:"field"`
	Want  string `json:"want"`
	Got   string `json:"got"`
}

// Counts are what one comparison looked at.
type Counts struct {
	Products int `json:"products"`
	Variants int `json:"variants"`
	Levels   int `json:"levels"`
	// Held are source products not compared: the planner holds them back
	// for an ambiguous match key (plan_conflicts).
	Held int `json:"held"`
}

// missing is what Drift.Got says of an object the destination lacks.
const missing = "(missing)"

// comparison compares one link's source and destination catalogs, read the
// same way (via).
type comparison struct {
	link             *Link
	via              string
	src, dst         *Catalog
	price, compareAt map[string]string // source amount → destination amount
	counts           Counts
	drift            []Drift
	usedDst          map[string]bool
}

func (c *comparison) add(resource, key, sgid, dgid, field, want, got string) {
	c.drift = append(c.drift, Drift{Destination: c.link.Destination, Via: c.via, Resource: resource, Key: key,
		SourceGID: sgid, DestinationGID: dgid, Field: field, Want: want, Got: got})
}

// productKey is the key plan_conflicts blocks a product by.
func (c *comparison) productKey(p *Product) string {
	if c.link.MatchKey == "handle" {
		return p.Handle
	}
	return p.GID
}

// run compares every source product.
func (c *comparison) run() {
	c.usedDst = map[string]bool{}
	for _, p := range c.src.Products {
		if c.link.Held[c.productKey(p)] || (c.link.MatchKey == "handle" && p.Handle == "") {
			c.counts.Held++
			continue
		}
		c.counts.Products++
		d := c.twin(p)
		if d == nil {
			c.add("product", p.Handle, p.GID, "", "exists", p.Handle, missing)
			continue
		}
		c.product(p, d)
	}
}

// twin is the destination product paired with p: the recorded pair, else
// the one product with p's match key.
func (c *comparison) twin(p *Product) *Product {
	if g, ok := c.link.Pairs[p.GID]; ok {
		if d := c.dst.byGID[g]; d != nil {
			return d
		}
	}
	var found []*Product
	switch c.link.MatchKey {
	case "handle":
		found = c.dst.byHandle[p.Handle]
	default:
		seen := map[*Product]bool{}
		for _, v := range p.Variants {
			k := v.SKU
			if c.link.MatchKey == "barcode" {
				k = v.Barcode
			}
			for _, d := range c.dst.byVariantKey[c.link.MatchKey][k] {
				if k != "" && !seen[d] {
					seen[d] = true
					found = append(found, d)
				}
			}
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return nil
}

func (c *comparison) product(p, d *Product) {
	fields := []struct{ col, want, got string }{
		{"title", p.Title, d.Title},
		{"description_html", p.Description, d.Description},
		{"vendor", p.Vendor, d.Vendor},
		{"product_type", p.ProductType, d.ProductType},
		{"tags", tagSet(p.Tags), tagSet(d.Tags)},
		{"status", p.Status, d.Status},
	}
	for _, f := range fields {
		if c.link.Synced[f.col] && f.want != f.got {
			c.add("product", p.Handle, p.GID, d.GID, f.col, f.want, f.got)
		}
	}
	if c.link.MatchKey == "handle" && p.Handle != d.Handle {
		c.add("product", p.Handle, p.GID, d.GID, "handle", p.Handle, d.Handle)
	}
	matched := map[*Variant]bool{}
	for _, v := range p.Variants {
		c.counts.Variants++
		w := c.twinVariant(v, d)
		key := p.Handle + " " + variantLabel(v)
		if w == nil {
			c.add("variant", key, v.GID, "", "exists", variantLabel(v), missing)
			continue
		}
		matched[w] = true
		c.variant(key, v, w)
	}
	for _, w := range d.Variants {
		if !matched[w] {
			c.add("variant", p.Handle+" "+variantLabel(w), p.GID, w.GID, "exists", "(none)", variantLabel(w))
		}
	}
}

func variantLabel(v *Variant) string {
	if v.SKU != "" {
		return "sku " + v.SKU
	}
	return v.Options
}

// twinVariant pairs a source variant with one of d's: the recorded pair,
// else the same SKU or barcode (when the link matches by it), else the same
// options.
func (c *comparison) twinVariant(v *Variant, d *Product) *Variant {
	if g, ok := c.link.Pairs[v.GID]; ok {
		for _, w := range d.Variants {
			if w.GID == g {
				return w
			}
		}
	}
	for _, w := range d.Variants {
		switch c.link.MatchKey {
		case "sku":
			if v.SKU != "" && w.SKU == v.SKU {
				return w
			}
		case "barcode":
			if v.Barcode != "" && w.Barcode == v.Barcode {
				return w
			}
		}
	}
	for _, w := range d.Variants {
		if w.Options == v.Options {
			return w
		}
	}
	return nil
}

func (c *comparison) variant(key string, v, w *Variant) {
	if want := c.price[v.Price]; want != "" && !sameAmount(want, w.Price) {
		c.add("variant", key, v.GID, w.GID, "price", want, w.Price)
	}
	if want := c.compareAt[v.CompareAtPrice]; !sameAmount(want, w.CompareAtPrice) {
		c.add("variant", key, v.GID, w.GID, "compare_at_price", want, w.CompareAtPrice)
	}
	if v.SKU != w.SKU {
		c.add("variant", key, v.GID, w.GID, "sku", v.SKU, w.SKU)
	}
	if v.Barcode != w.Barcode {
		c.add("variant", key, v.GID, w.GID, "barcode", v.Barcode, w.Barcode)
	}
	locs := make([]string, 0, len(c.link.Locations))
	for s := range c.link.Locations {
		locs = append(locs, s)
	}
	sort.Strings(locs)
	for _, s := range locs {
		want, ok := v.Available[s]
		if !ok {
			continue // not stocked at the source location: nothing to sync
		}
		c.counts.Levels++
		dl := c.link.Locations[s]
		got, ok := w.Available[dl]
		switch {
		case !ok:
			c.add("inventory", key+" @ "+dl, v.GID, w.GID, "available", strconv.Itoa(want), "(not stocked)")
		case got != want:
			c.add("inventory", key+" @ "+dl, v.GID, w.GID, "available", strconv.Itoa(want), strconv.Itoa(got))
		}
	}
}
