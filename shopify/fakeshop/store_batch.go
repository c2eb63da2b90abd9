package fakeshop

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// NewProduct is one product of a CreateProducts batch: what CreateProduct
// takes, as one value.
type NewProduct struct {
	Product  ProductInput
	Variants []VariantInput
}

// CreateProducts stores many products the way CreateProduct stores each,
// with the same validation, defaults and records, but under one write lock:
// it is the write path for loading large catalogues (Seed), where a lock,
// a change list and a copied product per call cost more than the records.
//
// When anyone can observe the shop's change events (an OnChange hook of its
// own, or a webhook subscription, which the server's webhook dispatcher
// delivers to), every product goes through CreateProduct and announces
// exactly what it would. Otherwise no events are built, and the records are
// laid out for speed: a product's variants, inventory items and levels share
// backing arrays, and levels share their (immutable, never modified in place)
// quantity maps. A hook or subscription added while CreateProducts runs may
// miss events of the products stored meanwhile.
//
// The stored records may keep the inputs' slices and pointers (CreateProduct
// keeps the pointers too), so the caller must not change them afterwards.
// The batch is not atomic: on a UserError, the products before the failing
// one stay stored and the error's Field starts with the failing index.
func (s *Shop) CreateProducts(batch []NewProduct) ([]*Product, error) {
	out := make([]*Product, 0, len(batch))
	if s.observed() {
		for i, np := range batch {
			p, err := s.CreateProduct(np.Product, np.Variants)
			if err != nil {
				return out, prefixField(err, i)
			}
			out = append(out, p)
		}
		return out, nil
	}
	err := s.write(func(t *tx) error {
		for i, np := range batch {
			p, err := t.loadProduct(np.Product, np.Variants)
			if err != nil {
				return prefixField(err, i)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// observed reports whether a change event could reach anyone: a hook other
// than the ones AddShop attached, or a webhook subscription for those to
// deliver to.
func (s *Shop) observed() bool {
	s.hooksMu.RLock()
	own := len(s.hooks) > s.serverHooks
	s.hooksMu.RUnlock()
	subscribed := false
	s.read(func(st *store) { subscribed = st.webhooks.len() > 0 })
	return own || subscribed
}

func prefixField(err error, i int) error {
	if ue, ok := err.(*UserError); ok {
		return &UserError{Field: append([]string{strconv.Itoa(i)}, ue.Field...), Code: ue.Code, Message: ue.Message}
	}
	return err
}

// loadProduct is CreateProduct's body without change events, allocating per
// product rather than per record. It must store what CreateProduct stores;
// TestCreateProductsStoresWhatCreateProductDoes holds it to that.
func (t *tx) loadProduct(in ProductInput, variants []VariantInput) (*Product, error) {
	if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
		return nil, &UserError{Field: []string{"title"}, Code: "BLANK", Message: "Title can't be blank"}
	}
	if err := t.checkStock(variants); err != nil {
		return nil, err
	}
	p := &Product{ID: nextID(), Status: "ACTIVE", Tags: []string{}, CreatedAt: t.now, UpdatedAt: t.now}
	applyProductInput(p, in)
	handle, err := t.claimHandle("product", deref(in.Handle), p.Title, p.ID)
	if err != nil {
		return nil, err
	}
	p.Handle = handle
	opts := in.Options
	if len(opts) == 0 && len(variants) == 0 {
		opts = []OptionInput{{Name: defaultOptionName, Values: []string{defaultOptionValue}}}
	}
	if len(opts) == 0 {
		opts = optionsFromVariants(variants)
	}
	for i, o := range opts {
		opt := ProductOption{ID: nextID(), Name: o.Name, Position: i + 1}
		for _, v := range o.Values {
			opt.Values = append(opt.Values, OptionValue{ID: nextID(), Name: v})
		}
		p.Options = append(p.Options, opt)
	}
	if len(variants) == 0 {
		variants = []VariantInput{{OptionValues: []SelectedOption{{Name: p.Options[0].Name, Value: p.Options[0].Values[0].Name}}}}
	}

	nLevels := 0
	for _, in := range variants {
		nLevels += len(in.Quantities)
	}
	vs := make([]Variant, len(variants))
	items := make([]InventoryItem, len(variants))
	levels := make([]InventoryLevel, 0, nLevels)
	levelIDs := make([]int64, 0, nLevels)
	p.VariantIDs = make([]int64, len(variants))
	for i, in := range variants {
		v := &vs[i]
		*v = Variant{ID: nextID(), ProductID: p.ID, Price: "0.00", InventoryPolicy: "DENY", Taxable: true, CreatedAt: t.now, UpdatedAt: t.now}
		item := &items[i]
		*item = InventoryItem{ID: nextID(), VariantID: v.ID, Tracked: true, RequiresShipping: true, CreatedAt: t.now, UpdatedAt: t.now}
		v.InventoryItemID = item.ID
		v.SelectedOptions = in.OptionValues[:len(in.OptionValues):len(in.OptionValues)]
		v.Title = variantTitle(v.SelectedOptions)
		v.Position = i + 1
		applyVariantInput(v, item, in)
		p.VariantIDs[i] = v.ID
		t.variants.appendNew(v.ID, v)
		t.items.appendNew(item.ID, item)
		first := len(levels)
	quantities:
		for _, q := range in.Quantities {
			// A new level has only available, so on_hand and available are
			// the same number whichever was named; the same location twice
			// means the later quantity wins, as with CreateProduct.
			for j := first; j < len(levels); j++ {
				if levels[j].LocationID == q.LocationID {
					levels[j].Quantities = availableOnly(q.Quantity)
					continue quantities
				}
			}
			levels = append(levels, InventoryLevel{ID: nextID(), ItemID: item.ID, LocationID: q.LocationID, Quantities: availableOnly(q.Quantity), CreatedAt: t.now, UpdatedAt: t.now})
		}
		for j := first; j < len(levels); j++ {
			l := &levels[j]
			levelIDs = append(levelIDs, l.ID)
			t.levels.appendNew(l.ID, l)
			t.levelByKey[levelKey{item.ID, l.LocationID}] = l.ID
			t.levelsByLocaton[l.LocationID] = append(t.levelsByLocaton[l.LocationID], l.ID)
		}
		if len(levels) > first {
			// Full slice expression: a later append must copy, not write
			// into the next item's ids.
			t.levelsByItem[item.ID] = levelIDs[first:len(levelIDs):len(levelIDs)]
		}
	}
	p.Options = mergeOptionValues(p.Options, variants)
	t.products.appendNew(p.ID, p)
	return p, nil
}

// appendNew stores a record under a newly issued id, which is above every id
// in the table (ids only grow): put without the lookup that put needs to
// tell an insert from an update.
func (t *table[T]) appendNew(id int64, rec *T) {
	if n := len(t.ids); n > 0 && t.ids[n-1] >= id {
		t.put(id, rec)
		return
	}
	t.ids = append(t.ids, id)
	t.byID[id] = rec
}

// Shared quantity maps for new levels holding only "available": records
// are immutable and setQuantity clones before changing, so levels may share
// one map per quantity instead of allocating one each.
const sharedQtyMin, sharedQtyMax = -100, 10_000

var (
	sharedQtyOnce sync.Once
	sharedQty     []map[string]int
)

func availableOnly(qty int) map[string]int {
	if qty < sharedQtyMin || qty > sharedQtyMax {
		return map[string]int{QtyAvailable: qty}
	}
	sharedQtyOnce.Do(func() {
		sharedQty = make([]map[string]int, sharedQtyMax-sharedQtyMin+1)
		for i := range sharedQty {
			sharedQty[i] = map[string]int{QtyAvailable: sharedQtyMin + i}
		}
	})
	return sharedQty[qty-sharedQtyMin]
}

// reserve makes room for a catalogue of about this size before it is loaded,
// so the indexes are allocated once instead of growing (and rehashing) all
// the way up. It only ever grows them; estimates may be rough.
func (s *Shop) reserve(products, variants, levels int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.products.reserve(products)
	st.variants.reserve(variants)
	st.items.reserve(variants)
	st.levels.reserve(levels)
	st.levelByKey = grown(st.levelByKey, levels)
	st.levelsByItem = grown(st.levelsByItem, variants)
	st.handles = grown(st.handles, products)
}

func (t *table[T]) reserve(n int) {
	t.byID = grown(t.byID, n)
	t.ids = slices.Grow(t.ids, n)
}

// grown returns m with room for n more entries: a copy made with that
// capacity, unless m already holds as many (then growing it as it fills
// costs no more than the copy would).
func grown[K comparable, V any](m map[K]V, n int) map[K]V {
	if n <= len(m) {
		return m
	}
	out := make(map[K]V, len(m)+n)
	maps.Copy(out, m)
	return out
}
