package fakeshop

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ProductInput is what can be set on a product. A nil field is left alone on
// update (and takes Shopify's default on create).
type ProductInput struct {
	Title           *string
	Handle          *string
	DescriptionHTML *string
	Vendor          *string
	ProductType     *string
	Tags            *[]string
	Status          *string
	SEO             *SEO
	TemplateSuffix  *string
	// Options are set on create only: name and values, in position order.
	Options []OptionInput
}

// OptionInput is a product option with its values.
type OptionInput struct {
	Name   string
	Values []string
}

// VariantInput is what can be set on a variant and its inventory item.
type VariantInput struct {
	// OptionValues names the variant's value for each product option.
	OptionValues     []SelectedOption
	Price            *string
	CompareAtPrice   *string
	SKU              *string
	Barcode          *string
	InventoryPolicy  *string
	Taxable          *bool
	Position         *int
	Tracked          *bool
	RequiresShipping *bool
	Cost             *string
	// Quantities stock a new variant at locations (create only).
	Quantities []LocationQuantity
}

// LocationQuantity is a quantity of one name ("available" or "on_hand") at one
// location.
type LocationQuantity struct {
	LocationID int64
	Name       string
	Quantity   int
}

const defaultOptionName, defaultOptionValue = "Title", "Default Title"

// CreateProduct stores a product with its variants (each with its inventory
// item, stocked where Quantities say). Without variants the product gets
// Shopify's single default variant ("Default Title").
func (s *Shop) CreateProduct(in ProductInput, variants []VariantInput) (*Product, error) {
	var out *Product
	err := s.write(func(t *tx) error {
		p := &Product{ID: nextID(), Status: "ACTIVE", Tags: []string{}, CreatedAt: t.now, UpdatedAt: t.now}
		if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
			return &UserError{Field: []string{"title"}, Code: "BLANK", Message: "Title can't be blank"}
		}
		applyProductInput(p, in)
		if err := t.checkStock(variants); err != nil {
			return err
		}
		handle, err := t.claimHandle("product", deref(in.Handle), p.Title, p.ID)
		if err != nil {
			return err
		}
		p.Handle = handle
		if len(in.Options) == 0 && len(variants) == 0 {
			in.Options = []OptionInput{{Name: defaultOptionName, Values: []string{defaultOptionValue}}}
		}
		if len(in.Options) == 0 {
			in.Options = optionsFromVariants(variants)
		}
		for i, o := range in.Options {
			opt := ProductOption{ID: nextID(), Name: o.Name, Position: i + 1}
			for _, v := range o.Values {
				opt.Values = append(opt.Values, OptionValue{ID: nextID(), Name: v})
			}
			p.Options = append(p.Options, opt)
		}
		if len(variants) == 0 {
			variants = []VariantInput{{OptionValues: []SelectedOption{{Name: p.Options[0].Name, Value: p.Options[0].Values[0].Name}}}}
		}
		p, _ = t.addVariants(p, variants)
		t.emit(TopicProductsCreate, p)
		out = p
		return nil
	})
	return out, err
}

// optionsFromVariants derives options from the variants' option values, in
// first-seen order, when the caller gave none.
func optionsFromVariants(variants []VariantInput) []OptionInput {
	var opts []OptionInput
	for _, v := range variants {
		for _, so := range v.OptionValues {
			i := slices.IndexFunc(opts, func(o OptionInput) bool { return o.Name == so.Name })
			if i < 0 {
				opts = append(opts, OptionInput{Name: so.Name})
				i = len(opts) - 1
			}
			if !slices.Contains(opts[i].Values, so.Value) {
				opts[i].Values = append(opts[i].Values, so.Value)
			}
		}
	}
	return opts
}

func applyProductInput(p *Product, in ProductInput) {
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.DescriptionHTML != nil {
		p.DescriptionHTML = *in.DescriptionHTML
	}
	if in.Vendor != nil {
		p.Vendor = *in.Vendor
	}
	if in.ProductType != nil {
		p.ProductType = *in.ProductType
	}
	if in.Tags != nil {
		p.Tags = normalizeTags(*in.Tags)
	}
	if in.Status != nil {
		p.Status = *in.Status
	}
	if in.SEO != nil {
		p.SEO = *in.SEO
	}
	if in.TemplateSuffix != nil {
		p.TemplateSuffix = in.TemplateSuffix
	}
}

// normalizeTags trims, drops empties and duplicates, and sorts, as Shopify
// stores tags.
func normalizeTags(tags []string) []string {
	out := []string{}
	for _, tag := range tags {
		tag = strings.TrimSpace(tag)
		if tag != "" && !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	}
	slices.Sort(out)
	return out
}

// checkStock validates the locations variants would be stocked at.
func (t *tx) checkStock(variants []VariantInput) error {
	for i, v := range variants {
		for j, q := range v.Quantities {
			if t.locations.get(q.LocationID) == nil {
				return &UserError{Field: []string{"variants", strconv.Itoa(i), "inventoryQuantities", strconv.Itoa(j), "locationId"}, Code: "INVALID_LOCATION", Message: fmt.Sprintf("location %d does not exist", q.LocationID)}
			}
			if q.Name != QtyAvailable && q.Name != QtyOnHand {
				return &UserError{Field: []string{"variants", strconv.Itoa(i), "inventoryQuantities", strconv.Itoa(j), "name"}, Code: "INVALID_NAME", Message: "quantity name must be available or on_hand"}
			}
		}
	}
	return nil
}

// addVariants stores new variants (with items and stock) at the end of p and
// stores the updated p, which it returns; the caller has validated the input
// and announces the product change.
func (t *tx) addVariants(p *Product, variants []VariantInput) (*Product, []*Variant) {
	np := *p
	np.VariantIDs = slices.Clone(p.VariantIDs)
	var out []*Variant
	for _, in := range variants {
		v := &Variant{ID: nextID(), ProductID: p.ID, Price: "0.00", InventoryPolicy: "DENY", Taxable: true, CreatedAt: t.now, UpdatedAt: t.now}
		item := &InventoryItem{ID: nextID(), VariantID: v.ID, Tracked: true, RequiresShipping: true, CreatedAt: t.now, UpdatedAt: t.now}
		v.InventoryItemID = item.ID
		v.SelectedOptions = slices.Clone(in.OptionValues)
		v.Title = variantTitle(v.SelectedOptions)
		v.Position = len(np.VariantIDs) + 1
		applyVariantInput(v, item, in)
		np.VariantIDs = append(np.VariantIDs, v.ID)
		t.variants.put(v.ID, v)
		t.items.put(item.ID, item)
		t.emit(TopicInventoryItemsCreate, item)
		for _, q := range in.Quantities {
			t.stock(item.ID, q)
		}
		out = append(out, v)
	}
	np.UpdatedAt = t.now
	np.Options = mergeOptionValues(np.Options, variants)
	t.products.put(np.ID, &np)
	return &np, out
}

// mergeOptionValues adds option values that new variants introduce.
func mergeOptionValues(opts []ProductOption, variants []VariantInput) []ProductOption {
	out := slices.Clone(opts)
	for _, v := range variants {
		for _, so := range v.OptionValues {
			i := slices.IndexFunc(out, func(o ProductOption) bool { return o.Name == so.Name })
			if i < 0 {
				continue
			}
			if !slices.ContainsFunc(out[i].Values, func(ov OptionValue) bool { return ov.Name == so.Value }) {
				o := out[i]
				o.Values = append(slices.Clone(o.Values), OptionValue{ID: nextID(), Name: so.Value})
				out[i] = o
			}
		}
	}
	return out
}

// stock activates item at a location if needed and sets one quantity. The
// connect webhook of a level created here carries the quantity the mutation
// left (its payload is the level as of the mutation, like every webhook's),
// not the zero it held for an instant inside it: a zero there would move a
// receiver's stock backwards within the same second.
func (t *tx) stock(itemID int64, q LocationQuantity) {
	l := t.level(itemID, q.LocationID)
	connected := l == nil
	if connected {
		l = &InventoryLevel{ID: nextID(), ItemID: itemID, LocationID: q.LocationID, Quantities: map[string]int{}, CreatedAt: t.now, UpdatedAt: t.now}
	}
	nl := setQuantity(l, q.Name, q.Quantity, t.now)
	t.putLevel(nl)
	if connected {
		t.emit(TopicInventoryLevelsConnect, nl)
	}
	t.emit(TopicInventoryLevelsUpdate, nl)
}

func variantTitle(opts []SelectedOption) string {
	if len(opts) == 0 {
		return defaultOptionValue
	}
	vals := make([]string, len(opts))
	for i, o := range opts {
		vals[i] = o.Value
	}
	return strings.Join(vals, " / ")
}

func applyVariantInput(v *Variant, item *InventoryItem, in VariantInput) {
	if in.Price != nil {
		v.Price = *in.Price
	}
	if in.CompareAtPrice != nil {
		v.CompareAtPrice = nilIfEmpty(in.CompareAtPrice)
	}
	if in.SKU != nil {
		v.SKU = in.SKU
	}
	if in.Barcode != nil {
		v.Barcode = in.Barcode
	}
	if in.InventoryPolicy != nil {
		v.InventoryPolicy = *in.InventoryPolicy
	}
	if in.Taxable != nil {
		v.Taxable = *in.Taxable
	}
	if in.Position != nil {
		v.Position = *in.Position
	}
	if in.Tracked != nil {
		item.Tracked = *in.Tracked
	}
	if in.RequiresShipping != nil {
		item.RequiresShipping = *in.RequiresShipping
	}
	if in.Cost != nil {
		item.Cost = in.Cost
	}
}

// UpdateProduct changes a product's own fields (not its variants).
func (s *Shop) UpdateProduct(id int64, in ProductInput) (*Product, error) {
	var out *Product
	err := s.write(func(t *tx) error {
		old := t.products.get(id)
		if old == nil {
			return notFound([]string{"id"}, "Product", id)
		}
		p := *old
		if in.Handle != nil && *in.Handle != old.Handle {
			h, err := t.claimHandle("product", *in.Handle, "", id)
			if err != nil {
				return err
			}
			t.releaseHandle("product", old.Handle)
			p.Handle = h
		}
		if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
			return &UserError{Field: []string{"title"}, Code: "BLANK", Message: "Title can't be blank"}
		}
		applyProductInput(&p, in)
		p.UpdatedAt = t.now
		t.products.put(id, &p)
		t.emit(TopicProductsUpdate, &p)
		out = &p
		return nil
	})
	return out, err
}

// DeleteProduct removes a product with its variants, inventory items and
// levels.
func (s *Shop) DeleteProduct(id int64) error {
	return s.write(func(t *tx) error {
		p := t.products.get(id)
		if p == nil {
			return notFound([]string{"id"}, "Product", id)
		}
		for _, v := range t.variantsOf(p) {
			t.dropVariant(v)
		}
		t.products.remove(id)
		t.releaseHandle("product", p.Handle)
		for _, c := range t.collections.all() {
			if slices.Contains(c.ProductIDs, id) {
				nc := *c
				nc.ProductIDs = slices.DeleteFunc(slices.Clone(c.ProductIDs), func(x int64) bool { return x == id })
				t.collections.put(nc.ID, &nc)
			}
		}
		t.emit(TopicProductsDelete, p)
		return nil
	})
}

// dropVariant removes a variant, its item and its levels.
func (t *tx) dropVariant(v *Variant) {
	item := t.items.get(v.InventoryItemID)
	for _, l := range t.levelsOfItem(v.InventoryItemID) {
		t.removeLevel(l)
	}
	t.variants.remove(v.ID)
	if item != nil {
		t.items.remove(item.ID)
		t.emit(TopicInventoryItemsDelete, item)
	}
}

// Strategies for a product's standalone variant when variants are added
// (productVariantsBulkCreate's ProductVariantsBulkCreateStrategy).
const (
	StandaloneDefault  = "DEFAULT"
	StandaloneRemove   = "REMOVE_STANDALONE_VARIANT"
	StandalonePreserve = "PRESERVE_STANDALONE_VARIANT"
)

// CreateVariants appends variants to a product, keeping its variants.
func (s *Shop) CreateVariants(productID int64, variants []VariantInput) ([]*Variant, error) {
	return s.CreateVariantsWithStrategy(productID, variants, StandalonePreserve)
}

// CreateVariantsWithStrategy appends variants to a product. strategy says
// what happens to a product's only variant: DEFAULT deletes it when it is
// the default "Default Title" variant, REMOVE_STANDALONE_VARIANT deletes it
// whatever it is, PRESERVE_STANDALONE_VARIANT keeps it. When the deleted
// variant was the default one, the new variants' options replace the
// default "Title" option.
func (s *Shop) CreateVariantsWithStrategy(productID int64, variants []VariantInput, strategy string) ([]*Variant, error) {
	var out []*Variant
	err := s.write(func(t *tx) error {
		p := t.products.get(productID)
		if p == nil {
			return &UserError{Field: []string{"productId"}, Code: "PRODUCT_DOES_NOT_EXIST", Message: "Product does not exist"}
		}
		var standalone *Variant
		if existing := t.variantsOf(p); len(existing) == 1 {
			if v := existing[0]; strategy == StandaloneRemove || (strategy == StandaloneDefault && v.Title == defaultOptionValue) {
				standalone = v
			}
		}
		for i, in := range variants {
			title := variantTitle(in.OptionValues)
			for _, v := range t.variantsOf(p) {
				if v.Title == title && v != standalone {
					return &UserError{Field: []string{"variants", strconv.Itoa(i)}, Code: "VARIANT_ALREADY_EXISTS", Message: fmt.Sprintf("The variant '%s' already exists.", title)}
				}
			}
		}
		if err := t.checkStock(variants); err != nil {
			return err
		}
		replaceDefault := standalone != nil && standalone.Title == defaultOptionValue
		if replaceDefault {
			np := *p
			np.Options = nil
			for i, o := range optionsFromVariants(variants) {
				opt := ProductOption{ID: nextID(), Name: o.Name, Position: i + 1}
				for _, v := range o.Values {
					opt.Values = append(opt.Values, OptionValue{ID: nextID(), Name: v})
				}
				np.Options = append(np.Options, opt)
			}
			p = &np
		}
		p, out = t.addVariants(p, variants)
		if standalone != nil {
			p = t.removeStandalone(p, standalone)
		}
		t.emit(TopicProductsUpdate, p)
		return nil
	})
	return out, err
}

// removeStandalone deletes a product's former only variant after others were
// added, renumbering positions, and stores the product.
func (t *tx) removeStandalone(p *Product, standalone *Variant) *Product {
	t.dropVariant(standalone)
	np := *p
	np.VariantIDs = slices.DeleteFunc(slices.Clone(p.VariantIDs), func(id int64) bool { return id == standalone.ID })
	t.renumberVariants(np.VariantIDs)
	t.products.put(np.ID, &np)
	return &np
}

// renumberVariants makes positions follow the order of ids.
func (t *tx) renumberVariants(ids []int64) {
	for i, id := range ids {
		if v := t.variants.get(id); v.Position != i+1 {
			nv := *v
			nv.Position = i + 1
			t.variants.put(id, &nv)
		}
	}
}

// UpdateVariant changes a variant and its inventory item. Quantities are
// ignored: stock changes go through the inventory methods, as in Shopify.
func (s *Shop) UpdateVariant(id int64, in VariantInput) (*Variant, error) {
	var out *Variant
	err := s.write(func(t *tx) error {
		old := t.variants.get(id)
		if old == nil {
			return &UserError{Field: []string{"id"}, Code: "PRODUCT_VARIANT_DOES_NOT_EXIST", Message: "Product variant does not exist"}
		}
		out = t.updateVariant(old, in)
		p := *t.products.get(out.ProductID)
		p.UpdatedAt = t.now
		if len(in.OptionValues) > 0 {
			p.Options = mergeOptionValues(p.Options, []VariantInput{in})
		}
		t.products.put(p.ID, &p)
		t.emit(TopicProductsUpdate, &p)
		return nil
	})
	return out, err
}

// VariantUpdate is one variant of an UpdateVariants batch.
type VariantUpdate struct {
	ID    int64
	Input VariantInput
}

// UpdateVariants changes variants of one product together, all or nothing,
// with one products/update for the batch (productVariantsBulkUpdate).
func (s *Shop) UpdateVariants(productID int64, updates []VariantUpdate) ([]*Variant, error) {
	var out []*Variant
	err := s.write(func(t *tx) error {
		p := t.products.get(productID)
		if p == nil {
			return &UserError{Field: []string{"productId"}, Code: "PRODUCT_DOES_NOT_EXIST", Message: "Product does not exist"}
		}
		for i, u := range updates {
			if !slices.Contains(p.VariantIDs, u.ID) {
				return &UserError{Field: []string{"variants", strconv.Itoa(i), "id"}, Code: "PRODUCT_VARIANT_DOES_NOT_EXIST", Message: "Product variant does not exist"}
			}
		}
		np := *p
		for _, u := range updates {
			out = append(out, t.updateVariant(t.variants.get(u.ID), u.Input))
			if len(u.Input.OptionValues) > 0 {
				np.Options = mergeOptionValues(np.Options, []VariantInput{u.Input})
			}
		}
		np.UpdatedAt = t.now
		t.products.put(np.ID, &np)
		t.emit(TopicProductsUpdate, &np)
		return nil
	})
	return out, err
}

// updateVariant stores a changed copy of a variant (and of its inventory
// item when that changes); the caller stores and announces the product.
func (t *tx) updateVariant(old *Variant, in VariantInput) *Variant {
	v := *old
	oldItem := t.items.get(old.InventoryItemID)
	item := *oldItem
	if len(in.OptionValues) > 0 {
		v.SelectedOptions = slices.Clone(in.OptionValues)
		v.Title = variantTitle(v.SelectedOptions)
	}
	applyVariantInput(&v, &item, in)
	v.UpdatedAt = t.now
	t.variants.put(v.ID, &v)
	if item != *oldItem || !ptrEqual(v.SKU, old.SKU) {
		item.UpdatedAt = t.now
		t.items.put(item.ID, &item)
		t.emit(TopicInventoryItemsUpdate, &item)
	}
	return &v
}

// DeleteVariants removes variants of one product; a product keeps at least one.
func (s *Shop) DeleteVariants(productID int64, ids []int64) error {
	return s.write(func(t *tx) error {
		p := t.products.get(productID)
		if p == nil {
			return &UserError{Field: []string{"productId"}, Code: "PRODUCT_DOES_NOT_EXIST", Message: "Product does not exist"}
		}
		for _, id := range ids {
			if !slices.Contains(p.VariantIDs, id) {
				return &UserError{Field: []string{"variantsIds"}, Code: "AT_LEAST_ONE_VARIANT_DOES_NOT_BELONG_TO_THE_PRODUCT", Message: "At least one variant does not belong to the product"}
			}
		}
		np := *p
		np.VariantIDs = slices.DeleteFunc(slices.Clone(p.VariantIDs), func(id int64) bool { return slices.Contains(ids, id) })
		if len(np.VariantIDs) == 0 {
			return &UserError{Field: []string{"variantsIds"}, Code: "CANNOT_DELETE_LAST_VARIANT", Message: "Cannot delete the last variant of a product"}
		}
		for _, id := range ids {
			t.dropVariant(t.variants.get(id))
		}
		t.renumberVariants(np.VariantIDs)
		np.UpdatedAt = t.now
		t.products.put(np.ID, &np)
		t.emit(TopicProductsUpdate, &np)
		return nil
	})
}

// Product returns a product by numeric id, or nil.
func (s *Shop) Product(id int64) *Product {
	var p *Product
	s.read(func(st *store) { p = st.products.get(id) })
	return p
}

// ProductByHandle returns a product by handle, or nil.
func (s *Shop) ProductByHandle(handle string) *Product {
	var p *Product
	s.read(func(st *store) {
		if id, ok := st.handles["product/"+handle]; ok {
			p = st.products.get(id)
		}
	})
	return p
}

// Products returns every product in id order.
func (s *Shop) Products() []*Product {
	var out []*Product
	s.read(func(st *store) { out = st.products.all() })
	return out
}

// Variant returns a variant by numeric id, or nil.
func (s *Shop) Variant(id int64) *Variant {
	var v *Variant
	s.read(func(st *store) { v = st.variants.get(id) })
	return v
}

// Variants returns a product's variants in position order.
func (s *Shop) Variants(p *Product) []*Variant {
	var out []*Variant
	s.read(func(st *store) { out = st.variantsOf(p) })
	return out
}

// InventoryItem returns an inventory item by numeric id, or nil.
func (s *Shop) InventoryItem(id int64) *InventoryItem {
	var it *InventoryItem
	s.read(func(st *store) { it = st.items.get(id) })
	return it
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nilIfEmpty(p *string) *string {
	if p == nil || *p == "" {
		return nil
	}
	return p
}

func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
