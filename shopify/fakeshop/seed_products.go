package fakeshop

import (
	"math"
	"strconv"
	"strings"
)

// seedProducts generates the catalogue and stores it in batches. With
// Variants as the size, products are drawn until the total is reached, the
// last one cut short. Generating and storing overlap: a goroutine draws the
// next batch while the current one is stored. Only that goroutine touches
// rng meanwhile, so the sequence of draws, and the store, stay the same.
func (s *seeder) seedProducts() error {
	s.shop.reserve(s.estimate())
	batches := make(chan []NewProduct, 1)
	stop := make(chan struct{})
	generated := make(chan struct{})
	go func() {
		defer close(generated)
		defer close(batches)
		batch := make([]NewProduct, 0, s.cfg.BatchSize)
		variants := 0
		for i := 0; ; i++ {
			if (s.cfg.Products > 0 && i == s.cfg.Products) || (s.cfg.Variants > 0 && variants == s.cfg.Variants) {
				break
			}
			n := s.variantCount()
			if s.cfg.Variants > 0 {
				n = min(n, s.cfg.Variants-variants)
			}
			batch = append(batch, s.product(i, n))
			variants += len(batch[len(batch)-1].Variants)
			if len(batch) == s.cfg.BatchSize {
				select {
				case batches <- batch:
				case <-stop:
					return
				}
				batch = make([]NewProduct, 0, s.cfg.BatchSize)
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-stop:
			}
		}
	}()
	defer func() { <-generated }() // rng is the caller's again only after this
	for batch := range batches {
		stored, err := s.shop.CreateProducts(batch)
		s.products = append(s.products, stored...)
		if err != nil {
			close(stop)
			return err
		}
	}
	return nil
}

// estimate sizes the store for reserve.
func (s *seeder) estimate() (products, variants, levels int) {
	products, variants = s.cfg.Products, s.cfg.Variants
	if products == 0 {
		products = variants / seedMeanVariants
	}
	if variants == 0 {
		variants = products * seedMeanVariants
	}
	return products, variants, variants * s.cfg.Locations * 9 / 10
}

// variantCount draws a product's number of variants: 42 % have one, a third
// 2 to 8, 18 % 9 to 30 and 7 % up to 100, a mean of about 10.
func (s *seeder) variantCount() int {
	u := s.rng.Float64()
	n := 1
	switch {
	case u < 0.42:
	case u < 0.75:
		n = s.between(2, 8)
	case u < 0.93:
		n = s.between(9, 30)
	default:
		n = s.between(31, 100)
	}
	return min(n, s.cfg.MaxVariants)
}

// product generates product number i with n variants.
func (s *seeder) product(i, n int) NewProduct {
	typ := &seedTypes[s.rng.IntN(len(seedTypes))]
	vendor := s.skewed(len(seedVendors))
	qualifiers := typ.qualifiers
	if qualifiers == nil {
		qualifiers = seedMaterials
	}
	noun, qualifier := pick(s, typ.nouns), pick(s, qualifiers)
	var title string
	switch u := s.rng.Float64(); {
	case u < 0.5:
		title = pick(s, seedAdjectives) + " " + qualifier + " " + noun
	case u < 0.75:
		title = pick(s, seedModelNames) + " " + qualifier + " " + noun
	case u < 0.9:
		title = pick(s, seedAdjectives) + " " + noun
	default:
		title = pick(s, seedModelNames) + " " + noun + " " + strconv.Itoa(s.between(2, 9))
	}
	in := ProductInput{Title: &title, Vendor: &seedVendors[vendor].name, ProductType: &typ.name}
	desc := s.description(title, qualifier, typ.tracksFood)
	in.DescriptionHTML = &desc
	tags := make([]string, 0, 5)
	if s.chance(0.7) {
		tags = append(tags, pick(s, seedSeasons))
	}
	for range s.between(0, 3) {
		tags = append(tags, seedTagPool[s.skewed(len(seedTagPool))])
	}
	if s.chance(0.4) {
		tags = append(tags, strings.ToLower(qualifier))
	}
	in.Tags = &tags
	status := "ACTIVE"
	switch u := s.rng.Float64(); {
	case u < 0.10:
		status = "DRAFT"
	case u < 0.15:
		status = "ARCHIVED"
	}
	in.Status = &status
	if s.chance(0.15) {
		seoTitle := title + " | " + seedVendors[vendor].name
		in.SEO = &SEO{Title: &seoTitle}
	}
	if s.chance(0.03) {
		suffix := "alternate"
		in.TemplateSuffix = &suffix
	}
	opts, combos := s.options(typ, n)
	in.Options = opts
	return NewProduct{Product: in, Variants: s.variants(typ, vendor, s.productBase+i, opts, combos)}
}

func (s *seeder) description(title, qualifier string, food bool) string {
	if s.chance(0.1) {
		return "" // real catalogues have products nobody described
	}
	var b strings.Builder
	b.WriteString("<p>The ")
	b.WriteString(title)
	b.WriteString(" is ")
	b.WriteString(pick(s, []string{"built for every day", "made to last", "our customers' favourite", "back by popular demand", "designed in-house"}))
	b.WriteString(".</p>")
	if s.chance(0.6) {
		b.WriteString("<p>")
		if food {
			b.WriteString("Sourced from " + qualifier + " growers and ")
		} else {
			b.WriteString("Made with " + strings.ToLower(qualifier) + " and ")
		}
		b.WriteString(pick(s, []string{"packed by hand.", "easy to love.", "shipped in recycled packaging.", "backed by our guarantee."}))
		b.WriteString("</p>")
	}
	if s.chance(0.3) {
		b.WriteString("<ul><li>Free returns</li><li>Ships in 2 business days</li></ul>")
	}
	return b.String()
}

// options plans a product's options for n variants: Shopify's default
// Title option for most single-variant products, else Size, Color and Material (whichever of them the
// type has), as few as fit n combinations, sometimes one more; n is cut to
// the combinations the type's options allow. It returns
// the options with the values the first n combinations use, and those
// combinations as value indexes per option.
func (s *seeder) options(typ *seedType, n int) ([]OptionInput, [][]int) {
	if n == 1 && s.chance(0.7) {
		return []OptionInput{{Name: defaultOptionName, Values: []string{defaultOptionValue}}}, [][]int{{0}}
	}
	var names []string
	var pools [][]string
	add := func(name string, pool []string) {
		if len(pool) > 0 {
			names, pools = append(names, name), append(pools, pool)
		}
	}
	add("Size", typ.sizes)
	if !typ.noColor {
		add("Color", seedColors)
	}
	add("Material", typ.materials)
	k, room := 1, len(pools[0])
	for room < n && k < len(pools) {
		room *= len(pools[k])
		k++
	}
	n = min(n, room) // a type with few options cannot have many variants
	if k < len(pools) && n > 1 && s.chance(0.3) {
		k++
	}
	// Grow the option with the least of its pool used until n fit.
	counts := make([]int, k)
	for j := range counts {
		counts[j] = 1
	}
	for prod := 1; prod < n; {
		best := -1
		for j := range k {
			if counts[j] < len(pools[j]) && (best < 0 || counts[j]*len(pools[best]) < counts[best]*len(pools[j])) {
				best = j
			}
		}
		prod = prod / counts[best] * (counts[best] + 1)
		counts[best]++
	}
	// Sizes are a contiguous run of the scale; colors and materials any.
	values := make([][]string, k)
	for j := range k {
		pool := pools[j]
		if names[j] == "Size" {
			start := s.rng.IntN(len(pool) - counts[j] + 1)
			values[j] = pool[start : start+counts[j]]
			continue
		}
		perm := s.rng.Perm(len(pool))[:counts[j]]
		values[j] = make([]string, counts[j])
		for x, p := range perm {
			values[j][x] = pool[p]
		}
	}
	// The first n combinations, the first option outermost (Shopify's order).
	combos := make([][]int, n)
	flat := make([]int, n*k)
	used := make([]int, k) // values of option j in use: 0..used[j]-1
	for c := range n {
		combo := flat[c*k : (c+1)*k : (c+1)*k]
		rest := c
		for j := k - 1; j >= 0; j-- {
			combo[j] = rest % counts[j]
			rest /= counts[j]
			used[j] = max(used[j], combo[j]+1)
		}
		combos[c] = combo
	}
	opts := make([]OptionInput, k)
	for j := range k {
		opts[j] = OptionInput{Name: names[j], Values: values[j][:used[j]:used[j]]}
	}
	return opts, combos
}

// variants generates a product's variants: prices (with size steps and
// compare-at prices on some products), SKUs and barcodes (with duplicates and
// blanks at the configured rates), inventory policy and stock per location.
// Everything a product's variants hold is allocated once per product.
func (s *seeder) variants(typ *seedType, vendor, number int, opts []OptionInput, combos [][]int) []VariantInput {
	n := len(combos)
	base := s.price(typ)
	step := 0
	if len(opts) > 0 && opts[0].Name == "Size" && s.chance(0.3) {
		step = pick(s, []int{100, 200, 500})
	}
	compareAt := s.chance(0.2)
	markup := 115 + s.rng.IntN(46) // compare-at is 15 % to 60 % above price
	withCost := s.chance(0.6)
	margin := 30 + s.rng.IntN(26)
	policy := "DENY"
	if !typ.tracksFood && s.chance(0.07) {
		policy = "CONTINUE"
	}
	taxable := s.chance(0.95)
	tracked := typ.tracksFood || s.chance(0.96)

	// Money strings per distinct price, shared by the variants that have it.
	type money struct{ price, compareAt, cost *string }
	prices := map[int]money{}
	moneyFor := func(cents int) money {
		if m, ok := prices[cents]; ok {
			return m
		}
		m := money{price: ptrTo(formatCents(cents))}
		if compareAt {
			m.compareAt = ptrTo(formatCents(endIn99(cents * markup / 100)))
		}
		if withCost {
			m.cost = ptrTo(formatCents(cents * margin / 100))
		}
		prices[cents] = m
		return m
	}

	out := make([]VariantInput, n)
	selected := make([]SelectedOption, n*len(opts))
	codes := make([]string, 2*n) // SKU and barcode, pointed to by the inputs
	var quantities []LocationQuantity
	if len(s.locations) > 0 {
		quantities = make([]LocationQuantity, 0, n*len(s.locations))
	}
	skuStem := seedVendors[vendor].code + "-" + typ.code + "-" + strconv.Itoa(number) + "-"
	for v, combo := range combos {
		in := &out[v]
		sel := selected[v*len(opts) : (v+1)*len(opts) : (v+1)*len(opts)]
		for j, x := range combo {
			sel[j] = SelectedOption{Name: opts[j].Name, Value: opts[j].Values[x]}
		}
		in.OptionValues = sel
		cents := base
		if step > 0 {
			cents += combo[0] * step
		}
		m := moneyFor(cents)
		in.Price, in.CompareAtPrice, in.Cost = m.price, m.compareAt, m.cost
		in.InventoryPolicy, in.Taxable, in.Tracked = &policy, &taxable, &tracked

		in.SKU = s.sku(&codes[2*v], skuStem, v)
		in.Barcode = s.barcode(&codes[2*v+1], vendor)

		first := len(quantities)
		for li, loc := range s.locations {
			p := 0.75
			if li == 0 {
				p = 0.97
			}
			if typ.shipsFlat {
				p += (1 - p) / 2
			}
			if s.chance(p) {
				quantities = append(quantities, LocationQuantity{LocationID: loc, Name: QtyAvailable, Quantity: s.quantity()})
			}
		}
		in.Quantities = quantities[first:len(quantities):len(quantities)]
	}
	return out
}

// sku fills *slot with a variant's SKU and returns the pointer to use: the
// stem plus the variant's number, or a copy of a recent SKU, or blank (nil
// mostly, "" sometimes: real stores have both).
func (s *seeder) sku(slot *string, stem string, v int) *string {
	switch u := s.rng.Float64(); {
	case u < s.cfg.BlankSKURate:
		if s.chance(0.3) {
			return slot // ""
		}
		return nil
	case u < s.cfg.BlankSKURate+s.cfg.DuplicateSKURate:
		if dup, ok := s.skuPool.pick(s); ok {
			*slot = dup
			return slot
		}
	}
	*slot = stem + pad2(v+1)
	s.skuPool.add(*slot)
	return slot
}

// barcode fills *slot with a variant's EAN-13 from its vendor's company
// number, or a recent barcode again, or blank.
func (s *seeder) barcode(slot *string, vendor int) *string {
	switch u := s.rng.Float64(); {
	case u < s.cfg.BlankBarcodeRate:
		if s.chance(0.3) {
			return slot
		}
		return nil
	case u < s.cfg.BlankBarcodeRate+s.cfg.DuplicateBarcodeRate:
		if dup, ok := s.barcodePool.pick(s); ok {
			*slot = dup
			return slot
		}
	}
	item := s.vendorNextItem[vendor]
	s.vendorNextItem[vendor]++
	// A company with more items than five digits hold moves on to its next
	// company number, as a GS1 member buys another prefix.
	*slot = eanFor(s.vendorPrefix[vendor], (s.vendorCompany[vendor]+item/100_000)%10_000, item%100_000)
	s.barcodePool.add(*slot)
	return slot
}

// price draws a product's base price in cents within its type's range,
// cheaper far likelier, ending in .99, .00 or .50.
func (s *seeder) price(typ *seedType) int {
	u := s.rng.Float64()
	cents := typ.minCents + int(float64(typ.maxCents-typ.minCents)*u*u)
	switch u := s.rng.Float64(); {
	case u < 0.6:
		return endIn99(cents)
	case u < 0.85:
		return cents / 100 * 100
	default:
		return cents/100*100 + 50
	}
}

// quantity draws a stock level: 12 % out of stock, 1 % oversold, the rest
// log-uniform between 1 and 300.
func (s *seeder) quantity() int {
	switch u := s.rng.Float64(); {
	case u < 0.12:
		return 0
	case u < 0.13:
		return -s.between(1, 5)
	}
	return int(math.Exp(s.rng.Float64() * math.Log(300)))
}

func endIn99(cents int) int { return max(cents/100, 1)*100 - 1 }

func formatCents(c int) string {
	return strconv.Itoa(c/100) + "." + pad2(c%100)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func ptrTo[T any](v T) *T { return &v }
