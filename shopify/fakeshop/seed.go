package fakeshop

import (
	"fmt"
	"math/rand/v2"
)

// Seed fills a shop with a generated, realistic store: locations, products
// with variants, inventory items and levels, custom and smart collections,
// pages, blogs with articles, and orders whose lines reference the seeded
// variants. Everything is written through the Shop write API (products in
// batches through CreateProducts), so the store is exactly what mutations
// and reads see. A shop that someone observes (an OnChange hook of one's
// own, a webhook subscription) hears about every record, at the price of
// the per-product path; an unobserved one is loaded without change events,
// which is what makes a million variants take seconds.
//
// The content depends only on cfg (Seed and size): the same config gives the
// same titles, handles, SKUs, barcodes, prices, quantities, collections,
// orders and so on. Two things do not come from cfg. Ids (and so GIDs) come
// from the process-wide id counter (gid.go): Seed issues them in a fixed
// order, so a fresh process seeding its shops one after another gets the
// same ids every run, but any other id issued meanwhile shifts them; compare
// stores with ContentDigest, which maps ids to their order. And timestamps the
// shop sets (createdAt, updatedAt, a page's publication "now") come from the
// server's clock; the ones Seed sets itself (orders' processedAt, articles'
// publication dates) are fixed.
//
// The returned stats count what Seed wrote (the records issued ids during
// the call), read back from the store; on an otherwise empty shop they equal
// shop.Stats(). On error, the stats so far are returned with it.
func Seed(shop *Shop, cfg SeedConfig) (SeedStats, error) {
	if err := cfg.Validate(); err != nil {
		return SeedStats{}, err
	}
	s := &seeder{cfg: cfg.withDefaults(), shop: shop, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed_f00d_cafe))}
	first := nextID()
	err := s.run()
	last := nextID()
	stats := shop.statsBetween(first, last)
	if err != nil {
		return stats, fmt.Errorf("seed %s: %w", shop.Name(), err)
	}
	return stats, nil
}

// seeder holds one Seed call's generator state. Everything is drawn from
// rng in one fixed sequence, which is what makes the store a function of
// the config.
type seeder struct {
	cfg  SeedConfig
	shop *Shop
	rng  *rand.Rand

	locations []int64
	products  []*Product // as stored, in creation order

	// Identity of this store's catalogue, drawn first: where product
	// numbers start and each vendor's barcode prefix and company number.
	productBase    int
	vendorPrefix   []int
	vendorCompany  []int
	vendorNextItem []int

	// Recent values that a duplicate copies.
	skuPool, barcodePool recentPool
}

func (s *seeder) run() error {
	s.drawIdentity()
	if err := s.seedLocations(); err != nil {
		return err
	}
	if err := s.seedProducts(); err != nil {
		return err
	}
	if err := s.seedCollections(); err != nil {
		return err
	}
	if err := s.seedPages(); err != nil {
		return err
	}
	if err := s.seedBlogs(); err != nil {
		return err
	}
	return s.seedOrders()
}

func (s *seeder) drawIdentity() {
	s.productBase = 100_000 + s.rng.IntN(8_000_000)
	prefixes := []int{0, 1, 30, 400, 401, 450, 500, 690, 760, 880}
	for range seedVendors {
		s.vendorPrefix = append(s.vendorPrefix, prefixes[s.rng.IntN(len(prefixes))])
		s.vendorCompany = append(s.vendorCompany, s.rng.IntN(10_000))
		s.vendorNextItem = append(s.vendorNextItem, s.rng.IntN(50_000))
	}
}

// Random draws.

func (s *seeder) chance(p float64) bool { return s.rng.Float64() < p }

// between is uniform in [lo, hi].
func (s *seeder) between(lo, hi int) int { return lo + s.rng.IntN(hi-lo+1) }

// skewed is in [0, n), small values far likelier: a few vendors, tags and
// customers account for most of a store, as in real ones.
func (s *seeder) skewed(n int) int {
	u := s.rng.Float64()
	return min(int(float64(n)*u*u), n-1)
}

func pick[T any](s *seeder, list []T) T { return list[s.rng.IntN(len(list))] }

// weighted picks a name by weight.
func weighted(s *seeder, list []struct {
	name   string
	weight int
}) string {
	total := 0
	for _, e := range list {
		total += e.weight
	}
	n := s.rng.IntN(total)
	for _, e := range list {
		if n < e.weight {
			return e.name
		}
		n -= e.weight
	}
	return list[len(list)-1].name
}

// recentPool keeps the last values generated, for duplicates to copy.
type recentPool struct {
	vals []string
	next int
}

const recentPoolSize = 4096

func (p *recentPool) add(v string) {
	if len(p.vals) < recentPoolSize {
		p.vals = append(p.vals, v)
		return
	}
	p.vals[p.next] = v
	p.next = (p.next + 1) % recentPoolSize
}

func (p *recentPool) pick(s *seeder) (string, bool) {
	if len(p.vals) == 0 {
		return "", false
	}
	return p.vals[s.rng.IntN(len(p.vals))], true
}
