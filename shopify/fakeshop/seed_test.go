package fakeshop

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// seeded seeds a new shop of a new server and returns both with the stats.
func seeded(t *testing.T, name string, cfg SeedConfig, opts Options) (*Server, *Shop, SeedStats) {
	t.Helper()
	srv := New(opts)
	shop := srv.AddShop(ShopConfig{Name: name})
	stats, err := Seed(shop, cfg)
	require.NoError(t, err)
	return srv, shop, stats
}

func content(s *Shop) string {
	var b strings.Builder
	s.writeContent(&b)
	return b.String()
}

func TestSeedIsDeterministic(t *testing.T) {
	cfg := SeedConfig{Seed: 42, Products: 300, Locations: 4}
	_, a, statsA := seeded(t, "first", cfg, Options{Clock: newTestClock().Now})
	// Another server, another clock, and ids issued in between: the content
	// must not notice any of it.
	later := newTestClock()
	later.Advance(72 * time.Hour)
	_, _, _ = seeded(t, "unrelated", SeedConfig{Seed: 7, Products: 5}, Options{})
	_, b, statsB := seeded(t, "second", cfg, Options{Clock: later.Now})

	require.NotEqual(t, a.Products()[0].ID, b.Products()[0].ID, "the two stores have different ids")
	require.Equal(t, statsA, statsB)
	require.Equal(t, content(a), content(b))
	require.Equal(t, a.ContentDigest(), b.ContentDigest())
	require.Equal(t, statsA, a.Stats(), "on a fresh shop Seed's stats are the shop's")

	// Same content, by value, for what a mirror would compare.
	pa, pb := a.Products(), b.Products()
	require.Len(t, pb, len(pa))
	for i := range pa {
		require.Equal(t, pa[i].Handle, pb[i].Handle)
		va, vb := a.Variants(pa[i]), b.Variants(pb[i])
		require.Len(t, vb, len(va))
		for j := range va {
			require.Equal(t, va[j].SKU, vb[j].SKU)
			require.Equal(t, va[j].Barcode, vb[j].Barcode)
			require.Equal(t, va[j].Price, vb[j].Price)
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	_, a, statsA := seeded(t, "one", SeedConfig{Seed: 1, Products: 200}, Options{})
	_, b, statsB := seeded(t, "two", SeedConfig{Seed: 2, Products: 200}, Options{})
	require.NotEqual(t, a.ContentDigest(), b.ContentDigest())
	require.NotEqual(t, statsA.Variants, statsB.Variants)
	titles := func(s *Shop) []string {
		var out []string
		for _, p := range s.Products() {
			out = append(out, p.Title)
		}
		return out
	}
	require.NotEqual(t, titles(a), titles(b))
	skusA := map[string]bool{}
	for _, p := range a.Products() {
		for _, v := range a.Variants(p) {
			if v.SKU != nil && *v.SKU != "" {
				skusA[*v.SKU] = true
			}
		}
	}
	shared := 0
	for _, p := range b.Products() {
		for _, v := range b.Variants(p) {
			if v.SKU != nil && skusA[*v.SKU] {
				shared++
			}
		}
	}
	require.Zero(t, shared, "two seeds' catalogues do not match each other by SKU by accident")
}

func TestSeedShape(t *testing.T) {
	srv, shop, st := seeded(t, "shape", SeedConfig{Seed: 2026, Products: 2000}, Options{})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })

	require.Equal(t, 2000, st.Products)
	require.InDelta(t, 0.85, frac(st.ActiveProducts, st.Products), 0.04)
	require.InDelta(t, 0.10, frac(st.DraftProducts, st.Products), 0.03)
	require.InDelta(t, 0.05, frac(st.ArchivedProducts, st.Products), 0.02)
	require.InDelta(t, 10, frac(st.Variants, st.Products), 1.5, "about ten variants per product")
	require.Greater(t, st.MaxVariantsPerProduct, 60)
	require.LessOrEqual(t, st.MaxVariantsPerProduct, 100)
	require.Equal(t, st.Variants, st.InventoryItems)
	require.InDelta(t, 2.5, frac(st.InventoryLevels, st.Variants), 0.3, "most variants stocked at most of 3 locations")
	require.Equal(t, 3, st.Locations)
	require.InDelta(t, 0.2, frac(st.CompareAtVariants, st.Variants), 0.08)

	// Anomalies at the configured rates (binomial, a few standard deviations).
	require.InDelta(t, DefaultSeedDuplicateSKURate, frac(st.DuplicateSKUs, st.Variants), 0.0025)
	require.InDelta(t, DefaultSeedBlankSKURate, frac(st.BlankSKUs, st.Variants), 0.003)
	require.InDelta(t, DefaultSeedDuplicateBarcodeRate, frac(st.DuplicateBarcodes, st.Variants), 0.0015)
	require.InDelta(t, DefaultSeedBlankBarcodeRate, frac(st.BlankBarcodes, st.Variants), 0.005)

	single, multi := 0, 0
	for _, p := range shop.Products() {
		require.NotEmpty(t, p.Vendor)
		require.NotEmpty(t, p.ProductType)
		require.NotEmpty(t, p.Handle)
		require.True(t, len(p.Options) >= 1 && len(p.Options) <= 3, "%d options", len(p.Options))
		names := map[string]bool{}
		for _, o := range p.Options {
			require.Contains(t, []string{"Title", "Size", "Color", "Material"}, o.Name)
			names[o.Name] = true
		}
		if len(p.VariantIDs) == 1 {
			single++
		} else {
			multi++
			require.False(t, names["Title"], "a product with several variants has real options")
		}
		titles := map[string]bool{}
		for _, v := range shop.Variants(p) {
			require.Len(t, v.SelectedOptions, len(p.Options))
			for j, so := range v.SelectedOptions {
				require.Equal(t, p.Options[j].Name, so.Name)
				require.True(t, slices.ContainsFunc(p.Options[j].Values, func(ov OptionValue) bool { return ov.Name == so.Value }))
			}
			require.False(t, titles[v.Title], "variant titles are unique within a product")
			titles[v.Title] = true
			if v.Barcode != nil && *v.Barcode != "" {
				require.True(t, ValidEAN13(*v.Barcode), *v.Barcode)
			}
			_, err := strconv.ParseFloat(v.Price, 64)
			require.NoError(t, err)
			require.Regexp(t, `^\d+\.\d\d$`, v.Price)
			if v.CompareAtPrice != nil {
				require.Greater(t, mustFloat(t, *v.CompareAtPrice), mustFloat(t, v.Price))
			}
		}
	}
	require.InDelta(t, 0.42, frac(single, single+multi), 0.05, "most products have few variants")

	// Collections, content and orders.
	require.Equal(t, st.CustomCollections+st.SmartCollections, st.Collections)
	require.GreaterOrEqual(t, st.CustomCollections, 3)
	require.GreaterOrEqual(t, st.SmartCollections, 7)
	require.Equal(t, DefaultSeedPages, st.Pages)
	require.Equal(t, DefaultSeedBlogs, st.Blogs)
	require.Equal(t, 10, st.Articles)
	require.Equal(t, 200, st.Orders)
	require.GreaterOrEqual(t, st.LineItems, st.Orders)

	variants := map[int64]*Variant{}
	for _, p := range shop.Products() {
		for _, v := range shop.Variants(p) {
			variants[v.ID] = v
		}
	}
	for _, o := range shop.Orders() {
		require.NotEmpty(t, o.LineItems)
		require.NotNil(t, o.Customer)
		for _, li := range o.LineItems {
			v := variants[li.VariantID]
			require.NotNil(t, v, "line item of %s references an existing variant", o.Name)
			require.Equal(t, v.ProductID, li.ProductID)
			require.Equal(t, v.Price, li.UnitPrice)
		}
	}

	// Smart collections: every rule column Seed uses appears, the members
	// fakeshop answers over GraphQL are what the rules select, and most
	// collections are not empty.
	columns := map[string]bool{}
	smartMembers, nonEmpty := 0, 0
	for _, c := range shopCollections(shop) {
		got := query(t, srv, shop, `query($id: ID!) { collection(id: $id) { productsCount { count } } }`,
			map[string]any{"id": gidOf("Collection", c.ID)})
		n := int(dig(got, "collection", "productsCount", "count").(float64))
		if c.RuleSet == nil {
			require.Equal(t, len(c.ProductIDs), n)
			continue
		}
		for _, r := range c.RuleSet.Rules {
			columns[r.Column] = true
		}
		want := 0
		for _, p := range shop.Products() {
			if expectMatch(shop, p, c.RuleSet) {
				want++
			}
		}
		require.Equal(t, want, n, "smart collection %q", c.Title)
		smartMembers += n
		if n > 0 {
			nonEmpty++
		}
	}
	require.Equal(t, map[string]bool{"TYPE": true, "VENDOR": true, "TAG": true, "TITLE": true, "VARIANT_PRICE": true}, columns)
	require.Equal(t, st.SmartMemberships, smartMembers)
	require.GreaterOrEqual(t, nonEmpty, st.SmartCollections*3/4)

	// The store answers over GraphQL like any other.
	got := query(t, srv, shop, `{ productsCount { count } productVariantsCount { count } ordersCount { count } }`, nil)
	require.Equal(t, float64(st.Products), dig(got, "productsCount", "count"))
	require.Equal(t, float64(min(st.Variants, 10000)), dig(got, "productVariantsCount", "count"))
	require.Equal(t, float64(st.Orders), dig(got, "ordersCount", "count"))
}

func TestSeedVariantsSize(t *testing.T) {
	_, shop, st := seeded(t, "by-variants", SeedConfig{Seed: 5, Variants: 5000}, Options{})
	require.Equal(t, 5000, st.Variants, "the variant total is hit exactly")
	require.InDelta(t, 500, st.Products, 150)
	require.Equal(t, st, shop.Stats())
}

func TestSeedRatesAndCountsAreConfigurable(t *testing.T) {
	cfg := SeedConfig{Seed: 9, Products: 500, DuplicateSKURate: -1, BlankSKURate: -1, BlankBarcodeRate: 0.2,
		Locations: 1, Orders: -1, Pages: -1, Blogs: -1, CustomCollections: 2, SmartCollections: -1, MaxVariants: 3}
	_, _, st := seeded(t, "configured", cfg, Options{})
	require.Zero(t, st.DuplicateSKUs)
	require.Zero(t, st.BlankSKUs)
	require.InDelta(t, 0.2, frac(st.BlankBarcodes, st.Variants), 0.04)
	require.Equal(t, 1, st.Locations)
	require.LessOrEqual(t, st.InventoryLevels, st.Variants)
	require.LessOrEqual(t, st.MaxVariantsPerProduct, 3)
	require.Zero(t, st.Orders)
	require.Zero(t, st.Pages)
	require.Zero(t, st.Blogs)
	require.Zero(t, st.Articles)
	require.Equal(t, 2, st.Collections)
}

func TestSeedConfigValidate(t *testing.T) {
	require.ErrorContains(t, SeedConfig{}.Validate(), "Products or Variants")
	require.ErrorContains(t, SeedConfig{Products: 1, Variants: 1}.Validate(), "not both")
	require.ErrorContains(t, SeedConfig{Products: -1}.Validate(), "negative")
	require.ErrorContains(t, SeedConfig{Products: 1, BlankSKURate: 0.9}.Validate(), "BlankSKURate")
	require.ErrorContains(t, SeedConfig{Products: 1, MaxVariants: 3000}.Validate(), "MaxVariants")
	require.NoError(t, SeedConfig{Variants: 10}.Validate())
	_, err := Seed(New(Options{}).AddShop(ShopConfig{Name: "invalid"}), SeedConfig{})
	require.Error(t, err)
}

func TestSeedAnnouncesChangesToHooks(t *testing.T) {
	srv := New(Options{})
	shop := srv.AddShop(ShopConfig{Name: "heard"})
	topics := map[string]int{}
	shop.OnChange(func(c Change) { topics[c.Topic]++ })
	st, err := Seed(shop, SeedConfig{Seed: 3, Products: 50})
	require.NoError(t, err)
	require.Equal(t, st.Products, topics[TopicProductsCreate])
	require.Equal(t, st.InventoryItems, topics[TopicInventoryItemsCreate])
	require.Equal(t, st.InventoryLevels, topics[TopicInventoryLevelsConnect])
	require.Equal(t, st.Locations, topics[TopicLocationsCreate])
	require.Equal(t, st.Collections, topics[TopicCollectionsCreate])
	require.Equal(t, st.Orders, topics[TopicOrdersCreate])

	// With a hook the store is the same as without.
	_, quiet, _ := seeded(t, "quiet", SeedConfig{Seed: 3, Products: 50}, Options{})
	require.Equal(t, quiet.ContentDigest(), shop.ContentDigest())
}

// Readers may use a shop while it is seeded: batches are stored under the
// write lock, and what a reader sees is always a consistent prefix.
func TestSeedWhileReading(t *testing.T) {
	srv := New(Options{})
	shop := srv.AddShop(ShopConfig{Name: "busy"})
	done := make(chan struct{})
	var reads, torn atomic.Int64
	go func() {
		defer close(done)
		for {
			for _, p := range shop.Products() {
				if len(shop.Variants(p)) != len(p.VariantIDs) {
					torn.Add(1)
				}
			}
			reads.Add(1)
			if shop.Stats().Orders > 0 {
				return
			}
		}
	}()
	st, err := Seed(shop, SeedConfig{Seed: 11, Products: 3000, BatchSize: 100})
	require.NoError(t, err)
	<-done
	require.Positive(t, reads.Load())
	require.Zero(t, torn.Load(), "a product was seen without its variants")
	require.Equal(t, st, shop.Stats())
}

func shopCollections(s *Shop) []*Collection {
	var out []*Collection
	s.read(func(st *store) { out = st.collections.all() })
	return out
}

// expectMatch evaluates the rules Seed writes independently of fakeshop's
// matcher, from their documented meaning.
func expectMatch(s *Shop, p *Product, rs *CollectionRuleSet) bool {
	one := func(r CollectionRule) bool {
		switch r.Column {
		case "TYPE":
			return strings.EqualFold(p.ProductType, r.Condition)
		case "VENDOR":
			return strings.EqualFold(p.Vendor, r.Condition)
		case "TAG":
			return slices.ContainsFunc(p.Tags, func(tag string) bool { return strings.EqualFold(tag, r.Condition) })
		case "TITLE":
			return strings.Contains(strings.ToLower(p.Title), strings.ToLower(r.Condition))
		case "VARIANT_PRICE":
			limit, _ := strconv.ParseFloat(r.Condition, 64)
			for _, v := range s.Variants(p) {
				price, _ := strconv.ParseFloat(v.Price, 64)
				if (r.Relation == "LESS_THAN" && price < limit) || (r.Relation == "GREATER_THAN" && price > limit) {
					return true
				}
			}
		}
		return false
	}
	for _, r := range rs.Rules {
		if one(r) == rs.AppliedDisjunctively {
			return rs.AppliedDisjunctively
		}
	}
	return !rs.AppliedDisjunctively
}

func frac(a, b int) float64 { return float64(a) / float64(b) }

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return f
}
