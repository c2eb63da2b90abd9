package fakeshop

import (
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"sync"
)

// SeedStats counts a store's records, read from the store itself. Seed
// returns the counts of what it wrote and Shop.Stats those of the whole shop,
// so a mirror of a seeded shop can be checked against either.
type SeedStats struct {
	Products, ActiveProducts, DraftProducts, ArchivedProducts int
	// MaxVariantsPerProduct is the largest product's variant count.
	MaxVariantsPerProduct int
	Variants              int
	// CompareAtVariants have a compare-at price.
	CompareAtVariants int
	InventoryItems    int
	InventoryLevels   int
	// AvailableUnits is the sum of "available" over the levels.
	AvailableUnits int
	Locations      int

	Collections, CustomCollections, SmartCollections int
	// CollectionMemberships counts (collection, product) pairs: custom
	// collections' members plus the products smart collections' rules
	// match now (any product of the shop, as fakeshop evaluates them).
	CollectionMemberships int
	SmartMemberships      int

	Pages, Blogs, Articles int

	Orders, CancelledOrders, LineItems int

	// BlankSKUs have no SKU (null or ""); DuplicateSKUs repeat the SKU of
	// another variant, counted as in SQL: count(sku) - count(distinct sku)
	// over the non-blank ones. Barcodes likewise.
	DuplicateSKUs, BlankSKUs         int
	DuplicateBarcodes, BlankBarcodes int
}

// Stats counts everything the shop holds. It reads under the shop's lock, so
// on a million-variant shop it takes about as long as a full scan.
func (s *Shop) Stats() SeedStats { return s.statsBetween(0, math.MaxInt64) }

// statsBetween counts the records whose id lies strictly between lo and hi:
// what one Seed call created.
func (s *Shop) statsBetween(lo, hi int64) SeedStats {
	var out SeedStats
	s.read(func(st *store) { out = st.tally(lo, hi) })
	return out
}

// tally counts in parallel: the parts are independent reads of the store
// (under the caller's read lock) and each writes its own fields, except
// smart collection matches, which add up per chunk afterwards.
func (st *store) tally(lo, hi int64) SeedStats {
	in := func(id int64) bool { return id > lo && id < hi }
	var n SeedStats
	tasks := []func(){
		func() { st.tallyProducts(in, &n) },
		func() { st.tallyVariants(in, &n) },
		func() { st.tallyInventory(in, &n) },
		func() { st.tallyContent(in, &n) },
	}
	// Custom collections count their members; smart ones are evaluated
	// product by product (each product against every rule set), in chunks of
	// products, rather than collection by collection over all products.
	var smart []*CollectionRuleSet
	for id, c := range st.collections.byID {
		if !in(id) {
			continue
		}
		n.Collections++
		if c.RuleSet != nil {
			n.SmartCollections++
			smart = append(smart, c.RuleSet)
			continue
		}
		n.CustomCollections++
		n.CollectionMemberships += len(st.collectionProducts(c))
	}
	var products []*Product
	if len(smart) > 0 {
		products = make([]*Product, 0, st.products.len())
		for _, p := range st.products.byID {
			products = append(products, p)
		}
	}
	const chunk = 4096
	matches := make([]int, (len(products)+chunk-1)/chunk)
	for i := range matches {
		part := products[i*chunk : min((i+1)*chunk, len(products))]
		tasks = append(tasks, func() {
			for _, p := range part {
				for _, rs := range smart {
					if st.matchesRules(p, rs) {
						matches[i]++
					}
				}
			}
		})
	}
	runTasks(tasks)
	for _, m := range matches {
		n.SmartMemberships += m
	}
	n.CollectionMemberships += n.SmartMemberships
	return n
}

// runTasks runs tasks on as many goroutines as there are processors.
func runTasks(tasks []func()) {
	next := make(chan func())
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for task := range next {
				task()
			}
		})
	}
	for _, task := range tasks {
		next <- task
	}
	close(next)
	wg.Wait()
}

func (st *store) tallyProducts(in func(int64) bool, n *SeedStats) {
	for id, p := range st.products.byID {
		if !in(id) {
			continue
		}
		n.Products++
		switch p.Status {
		case "ACTIVE":
			n.ActiveProducts++
		case "DRAFT":
			n.DraftProducts++
		case "ARCHIVED":
			n.ArchivedProducts++
		}
		n.MaxVariantsPerProduct = max(n.MaxVariantsPerProduct, len(p.VariantIDs))
	}
}

func (st *store) tallyVariants(in func(int64) bool, n *SeedStats) {
	skus := make([]uint64, 0, st.variants.len())
	barcodes := make([]uint64, 0, st.variants.len())
	for id, v := range st.variants.byID {
		if !in(id) {
			continue
		}
		n.Variants++
		if v.CompareAtPrice != nil {
			n.CompareAtVariants++
		}
		skus = hashCode(skus, v.SKU, &n.BlankSKUs)
		barcodes = hashCode(barcodes, v.Barcode, &n.BlankBarcodes)
	}
	n.DuplicateSKUs = duplicates(skus)
	n.DuplicateBarcodes = duplicates(barcodes)
}

// Duplicates are counted over 64-bit hashes, sorted, which on a million
// variants is several times faster than a set of the strings; two different
// codes share a hash with a probability of about n²/2⁶⁵ (1e-8 for a million).
var codeSeed = maphash.MakeSeed()

func hashCode(hashes []uint64, code *string, blank *int) []uint64 {
	if code == nil || *code == "" {
		*blank++
		return hashes
	}
	return append(hashes, maphash.String(codeSeed, *code))
}

// duplicates is len(hashes) minus the number of distinct hashes; it sorts
// hashes.
func duplicates(hashes []uint64) int {
	slices.Sort(hashes)
	n := 0
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			n++
		}
	}
	return n
}

func (st *store) tallyInventory(in func(int64) bool, n *SeedStats) {
	for id := range st.items.byID {
		if in(id) {
			n.InventoryItems++
		}
	}
	for id, l := range st.levels.byID {
		if in(id) {
			n.InventoryLevels++
			n.AvailableUnits += l.Quantity(QtyAvailable)
		}
	}
	for id := range st.locations.byID {
		if in(id) {
			n.Locations++
		}
	}
}

func (st *store) tallyContent(in func(int64) bool, n *SeedStats) {
	for id := range st.pages.byID {
		if in(id) {
			n.Pages++
		}
	}
	for id := range st.blogs.byID {
		if in(id) {
			n.Blogs++
		}
	}
	for id := range st.articles.byID {
		if in(id) {
			n.Articles++
		}
	}
	for id, o := range st.orders.byID {
		if !in(id) {
			continue
		}
		n.Orders++
		n.LineItems += len(o.LineItems)
		if o.CancelledAt != nil {
			n.CancelledOrders++
		}
	}
}
