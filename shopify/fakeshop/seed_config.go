package fakeshop

import (
	"errors"
	"fmt"
)

// SeedConfig sizes and shapes a generated store. The size is set by exactly
// one of Products and Variants. For every other count and rate, zero means
// the default (derived from the size where it says so) and a negative value
// means none.
type SeedConfig struct {
	// Seed selects the store: the same Seed and size give the same content.
	Seed int64
	// Products is the number of products; their variants follow the
	// distribution (about 10 per product on average, most with few).
	Products int
	// Variants is the total number of variants: products are generated until
	// it is reached exactly (the last product is cut short if need be).
	Variants int
	// MaxVariants caps a product's variants; default 100 (Shopify allows
	// more, but real catalogues rarely have them).
	MaxVariants int
	// Locations is the number of locations; default 3.
	Locations int
	// CustomCollections and SmartCollections: defaults products/500 within
	// [3, 100] and products/2000 within [7, 25] (seven covers every rule kind).
	CustomCollections int
	SmartCollections  int
	// Pages defaults to 8, Blogs to 2, Articles (over all blogs) to
	// products/200 within [4, 200].
	Pages    int
	Blogs    int
	Articles int
	// Orders defaults to products/10 within [20, 10,000].
	Orders int
	// The SKU and barcode anomalies real stores have, as a share of
	// variants: a duplicate repeats an earlier variant's value, a blank is
	// null or "". Defaults 0.5 %, 1 %, 0.2 % and 2 %.
	DuplicateSKURate     float64
	BlankSKURate         float64
	DuplicateBarcodeRate float64
	BlankBarcodeRate     float64
	// BatchSize is how many products go into one write (one hold of the
	// shop's lock); default 1,000.
	BatchSize int
}

// Seed defaults.
const (
	DefaultSeedMaxVariants          = 100
	DefaultSeedLocations            = 3
	DefaultSeedPages                = 8
	DefaultSeedBlogs                = 2
	DefaultSeedDuplicateSKURate     = 0.005
	DefaultSeedBlankSKURate         = 0.01
	DefaultSeedDuplicateBarcodeRate = 0.002
	DefaultSeedBlankBarcodeRate     = 0.02
	DefaultSeedBatchSize            = 1000
	// seedMeanVariants is the mean of the variant distribution, used to
	// derive defaults and reservations when the size is given in variants.
	seedMeanVariants = 10
)

// Validate reports the first invalid field by name.
func (c SeedConfig) Validate() error {
	switch {
	case c.Products < 0 || c.Variants < 0:
		return errors.New("seed: Products and Variants cannot be negative")
	case c.Products > 0 && c.Variants > 0:
		return errors.New("seed: give Products or Variants, not both")
	case c.Products == 0 && c.Variants == 0:
		return errors.New("seed: give Products or Variants (the store's size)")
	case c.MaxVariants > 2048:
		return fmt.Errorf("seed: MaxVariants %d is above Shopify's 2,048 variants per product", c.MaxVariants)
	case c.Locations > 1000:
		return fmt.Errorf("seed: Locations %d is above 1,000", c.Locations)
	}
	for name, r := range map[string]float64{"DuplicateSKURate": c.DuplicateSKURate, "BlankSKURate": c.BlankSKURate,
		"DuplicateBarcodeRate": c.DuplicateBarcodeRate, "BlankBarcodeRate": c.BlankBarcodeRate} {
		if r > 0.5 {
			return fmt.Errorf("seed: %s %g is above 0.5", name, r)
		}
	}
	return nil
}

// withDefaults resolves zero (default) and negative (none) values.
func (c SeedConfig) withDefaults() SeedConfig {
	products := c.Products
	if products == 0 {
		products = max(1, c.Variants/seedMeanVariants)
	}
	count := func(v, def int) int {
		switch {
		case v < 0:
			return 0
		case v == 0:
			return def
		}
		return v
	}
	rate := func(v, def float64) float64 {
		switch {
		case v < 0:
			return 0
		case v == 0:
			return def
		}
		return v
	}
	clamp := func(v, lo, hi int) int { return min(max(v, lo), hi) }
	c.MaxVariants = max(1, count(c.MaxVariants, DefaultSeedMaxVariants))
	c.Locations = count(c.Locations, DefaultSeedLocations)
	c.CustomCollections = count(c.CustomCollections, clamp(products/500, 3, 100))
	c.SmartCollections = count(c.SmartCollections, clamp(products/2000, 7, 25))
	c.Pages = count(c.Pages, DefaultSeedPages)
	c.Blogs = count(c.Blogs, DefaultSeedBlogs)
	c.Articles = count(c.Articles, clamp(products/200, 4, 200))
	if c.Blogs == 0 {
		c.Articles = 0
	}
	c.Orders = count(c.Orders, clamp(products/10, 20, 10_000))
	c.DuplicateSKURate = rate(c.DuplicateSKURate, DefaultSeedDuplicateSKURate)
	c.BlankSKURate = rate(c.BlankSKURate, DefaultSeedBlankSKURate)
	c.DuplicateBarcodeRate = rate(c.DuplicateBarcodeRate, DefaultSeedDuplicateBarcodeRate)
	c.BlankBarcodeRate = rate(c.BlankBarcodeRate, DefaultSeedBlankBarcodeRate)
	c.BatchSize = max(1, count(c.BatchSize, DefaultSeedBatchSize))
	return c
}
