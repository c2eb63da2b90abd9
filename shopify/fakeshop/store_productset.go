package fakeshop

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strings"
)

// ProductSet is productSet's input in Go form. A nil list field leaves that
// part of the product alone; a non-nil one replaces it, as Shopify's
// productSet does with list fields: variants it omits are deleted, and
// manual collections it omits lose the product.
type ProductSet struct {
	// ID names the product to update. Zero creates a product, unless
	// UpsertHandle names an existing one, which is then updated.
	ID           int64
	UpsertHandle string
	// Product holds the scalar fields; its Options are not used.
	Product     ProductInput
	Options     *[]OptionSet
	Variants    *[]VariantSet
	Collections *[]int64
}

// OptionSet is one product option of a productSet, matched to an existing
// option by ID, else by name; an unmatched one is added.
type OptionSet struct {
	ID       int64
	Name     string // empty keeps a matched option's name
	Position int    // 0: list order
	Values   []OptionValueSet
}

// OptionValueSet is one option value, matched like OptionSet.
type OptionValueSet struct {
	ID   int64
	Name string
}

// VariantSet is one variant of a productSet: an existing one by ID, or a new
// one. Fields.Quantities stock a new variant (activating the locations);
// for an existing variant they may only name locations it is stocked at.
type VariantSet struct {
	ID           int64
	OptionValues []OptionValueRef
	Fields       VariantInput // OptionValues unused
}

// OptionValueRef names a variant's value of one option, each by id or name.
type OptionValueRef struct {
	OptionID   int64
	OptionName string
	ValueID    int64
	ValueName  string
}

// productSet limits (productSet's description and error codes).
const (
	maxProductOptions    = 3
	maxProductVariants   = 2048
	maxProductSetQtyRows = 50_000
)

// SetProduct creates or updates a whole product, all or nothing, as
// productSet does: it validates everything first (userErrors carry
// ProductSetUserErrorCode values, fields relative to the input), then
// stores the product, its options, variants, inventory items, stock and
// collection membership, announcing each change. A product that ID names
// but does not exist is NOT_FOUND with no field: the caller knows which
// argument named it.
func (s *Shop) SetProduct(in ProductSet) (*Product, error) {
	var out *Product
	err := s.write(func(t *tx) error {
		old := t.products.get(in.ID)
		switch {
		case in.ID != 0 && old == nil:
			return &UserError{Code: "NOT_FOUND", Message: "Product does not exist"}
		case in.ID == 0 && in.UpsertHandle != "":
			if id, ok := t.handles["product/"+in.UpsertHandle]; ok {
				old = t.products.get(id)
			}
		}
		plan, err := t.planProductSet(old, in)
		if err != nil {
			return err
		}
		out = t.applyProductSet(plan)
		return nil
	})
	return out, err
}

// productSetPlan is a validated productSet: everything applyProductSet
// needs, decided before the first record changes (a tx cannot roll back).
type productSetPlan struct {
	old         *Product
	p           Product
	variants    []plannedVariant // nil: keep the variants
	drop        []*Variant
	collections *[]int64
}

type plannedVariant struct {
	old      *Variant
	fields   VariantInput
	selected []SelectedOption
}

func setError(code, msg string, field ...any) *UserError {
	return &UserError{Field: fieldPath(field...), Code: code, Message: msg}
}

func (t *tx) planProductSet(old *Product, in ProductSet) (*productSetPlan, error) {
	plan := &productSetPlan{old: old, collections: in.Collections}
	if old != nil {
		plan.p = *old
	} else {
		plan.p = Product{ID: nextID(), Status: "ACTIVE", Tags: []string{}, CreatedAt: t.now}
	}
	if (old == nil || in.Product.Title != nil) && blank(in.Product.Title) {
		return nil, setError("INVALID_PRODUCT", "Title can't be blank", "title")
	}
	switch {
	case in.Options != nil && in.Variants == nil:
		return nil, setError("VARIANTS_INPUT_MISSING", "Must specify variants when updating options.", "variants")
	case in.Variants != nil && (in.Options == nil || len(*in.Options) == 0):
		return nil, setError("PRODUCT_OPTIONS_INPUT_MISSING", "Must specify product options when updating variants.", "productOptions")
	case in.Variants != nil && len(*in.Variants) == 0:
		return nil, setError("INVALID_INPUT", "A product must have at least one variant.", "variants")
	}
	applyProductInput(&plan.p, in.Product)
	var oldVariants []*Variant
	if old != nil {
		oldVariants = t.variantsOf(old)
	}
	if in.Options != nil {
		opts, err := planOptions(plan.p.Options, *in.Options)
		if err != nil {
			return nil, err
		}
		plan.p.Options = opts
		if plan.variants, plan.drop, err = t.planVariants(opts, oldVariants, *in.Variants); err != nil {
			return nil, err
		}
	} else if old == nil {
		plan.p.Options = []ProductOption{{ID: nextID(), Name: defaultOptionName, Position: 1, Values: []OptionValue{{ID: nextID(), Name: defaultOptionValue}}}}
		plan.variants = []plannedVariant{{selected: []SelectedOption{{Name: defaultOptionName, Value: defaultOptionValue}}}}
	}
	if in.Collections != nil {
		for i, id := range *in.Collections {
			c := t.collections.get(id)
			if c == nil {
				return nil, setError("INVALID_INPUT", "Collection does not exist", "collections", i)
			}
			if c.RuleSet != nil {
				return nil, setError("INVALID_INPUT", "Can't add products to a smart collection", "collections", i)
			}
		}
	}
	// The handle last: claiming it is the one check that changes state.
	switch {
	case old == nil:
		explicit := deref(in.Product.Handle)
		if explicit == "" {
			explicit = in.UpsertHandle
		}
		h, err := t.claimHandle("product", explicit, plan.p.Title, plan.p.ID)
		if err != nil {
			return nil, setError("HANDLE_NOT_UNIQUE", fmt.Sprintf("Handle '%s' already in use. Please provide a new handle.", explicit), "handle")
		}
		plan.p.Handle = h
	case in.Product.Handle != nil && *in.Product.Handle != old.Handle:
		h, err := t.claimHandle("product", *in.Product.Handle, "", old.ID)
		if err != nil {
			return nil, setError("HANDLE_NOT_UNIQUE", fmt.Sprintf("Handle '%s' already in use. Please provide a new handle.", *in.Product.Handle), "handle")
		}
		t.releaseHandle("product", old.Handle)
		plan.p.Handle = h
	}
	return plan, nil
}

// planOptions replaces a product's options with the given ones, keeping the
// ids of options and values that match existing ones.
func planOptions(current []ProductOption, in []OptionSet) ([]ProductOption, error) {
	if len(in) > maxProductOptions {
		return nil, setError("OPTIONS_OVER_LIMIT", fmt.Sprintf("A product can have at most %d options.", maxProductOptions), "productOptions")
	}
	type positioned struct {
		opt      ProductOption
		key      int
		explicit bool
	}
	var out []positioned
	for i, o := range in {
		var match *ProductOption
		for k := range current {
			if (o.ID != 0 && current[k].ID == o.ID) || (o.ID == 0 && current[k].Name == o.Name) {
				match = &current[k]
			}
		}
		if o.ID != 0 && match == nil {
			return nil, setError("OPTION_DOES_NOT_EXIST", "Option does not exist.", "productOptions", i, "id")
		}
		opt := ProductOption{ID: nextID(), Name: o.Name}
		if match != nil {
			opt.ID = match.ID
			if opt.Name == "" {
				opt.Name = match.Name
			}
		}
		if strings.TrimSpace(opt.Name) == "" {
			return nil, setError("INVALID_INPUT", "Option name can't be blank.", "productOptions", i, "name")
		}
		if slices.ContainsFunc(out, func(p positioned) bool { return strings.EqualFold(p.opt.Name, opt.Name) }) {
			return nil, setError("DUPLICATED_OPTION_NAME", fmt.Sprintf("Duplicated option name '%s'.", opt.Name), "productOptions", i, "name")
		}
		if len(o.Values) == 0 {
			return nil, setError("OPTION_VALUES_MISSING", "Each option must have at least one option value specified.", "productOptions", i, "values")
		}
		for j, v := range o.Values {
			val := OptionValue{ID: nextID(), Name: v.Name}
			var vmatch *OptionValue
			if match != nil {
				for k := range match.Values {
					if (v.ID != 0 && match.Values[k].ID == v.ID) || (v.ID == 0 && match.Values[k].Name == v.Name) {
						vmatch = &match.Values[k]
					}
				}
			}
			if v.ID != 0 && vmatch == nil {
				return nil, setError("OPTION_VALUE_DOES_NOT_EXIST", "Option value does not exist.", "productOptions", i, "values", j, "id")
			}
			if vmatch != nil {
				val.ID = vmatch.ID
				if val.Name == "" {
					val.Name = vmatch.Name
				}
			}
			if strings.TrimSpace(val.Name) == "" {
				return nil, setError("INVALID_INPUT", "Option value name can't be blank.", "productOptions", i, "values", j, "name")
			}
			if slices.ContainsFunc(opt.Values, func(x OptionValue) bool { return strings.EqualFold(x.Name, val.Name) }) {
				return nil, setError("DUPLICATED_OPTION_VALUE", fmt.Sprintf("Duplicated option value '%s'.", val.Name), "productOptions", i, "values", j, "name")
			}
			opt.Values = append(opt.Values, val)
		}
		key := i + 1
		if o.Position > 0 {
			key = o.Position
		}
		out = append(out, positioned{opt, key, o.Position > 0})
	}
	slices.SortStableFunc(out, func(a, b positioned) int { return byPosition(a.key, a.explicit, b.key, b.explicit) })
	opts := make([]ProductOption, len(out))
	for i, p := range out {
		opts[i] = p.opt
		opts[i].Position = i + 1
	}
	return opts, nil
}

// planVariants resolves the variants of a productSet against the new
// options and the product's current variants, in their final order.
func (t *tx) planVariants(opts []ProductOption, current []*Variant, in []VariantSet) ([]plannedVariant, []*Variant, error) {
	if len(in) > maxProductVariants {
		return nil, nil, setError("VARIANTS_OVER_LIMIT", fmt.Sprintf("A product can have at most %d variants.", maxProductVariants), "variants")
	}
	rows := 0
	for _, v := range in {
		rows += len(v.Fields.Quantities)
	}
	if rows > maxProductSetQtyRows {
		return nil, nil, setError("INVENTORY_QUANTITIES_LIMIT_EXCEEDED", fmt.Sprintf("Input contains %d inventory quantities, which exceeds the limit of %d", rows, maxProductSetQtyRows), "variants")
	}
	type positioned struct {
		pv       plannedVariant
		key      int
		explicit bool
	}
	var out []positioned
	kept := map[int64]bool{}
	titles := map[string]bool{}
	for i, v := range in {
		pv := plannedVariant{fields: v.Fields}
		if v.ID != 0 {
			idx := slices.IndexFunc(current, func(c *Variant) bool { return c.ID == v.ID })
			if idx < 0 {
				return nil, nil, setError("PRODUCT_VARIANT_DOES_NOT_EXIST", "Product variant does not exist.", "variants", i, "id")
			}
			if kept[v.ID] {
				return nil, nil, setError("INVALID_VARIANT", "The same variant is listed twice.", "variants", i, "id")
			}
			kept[v.ID] = true
			pv.old = current[idx]
		}
		selected, err := resolveOptionValues(opts, v.OptionValues, i)
		if err != nil {
			return nil, nil, err
		}
		pv.selected = selected
		title := variantTitle(selected)
		if titles[title] {
			return nil, nil, setError("INVALID_VARIANT", fmt.Sprintf("The variant '%s' already exists.", title), "variants", i, "optionValues")
		}
		titles[title] = true
		if v.Fields.Price != nil && isNegative(*v.Fields.Price) {
			return nil, nil, setError("INVALID_VARIANT", "Price must be greater than or equal to 0", "variants", i, "price")
		}
		if err := t.checkSetQuantities(pv, i); err != nil {
			return nil, nil, err
		}
		key, explicit := i+1, v.Fields.Position != nil && *v.Fields.Position > 0
		if explicit {
			key = *v.Fields.Position
		}
		out = append(out, positioned{pv, key, explicit})
	}
	slices.SortStableFunc(out, func(a, b positioned) int { return byPosition(a.key, a.explicit, b.key, b.explicit) })
	planned := make([]plannedVariant, len(out))
	for i, p := range out {
		planned[i] = p.pv
	}
	var drop []*Variant
	for _, c := range current {
		if !kept[c.ID] {
			drop = append(drop, c)
		}
	}
	return planned, drop, nil
}

// resolveOptionValues turns a variant's option value references into its
// selected options, in option order: one value of every option.
func resolveOptionValues(opts []ProductOption, refs []OptionValueRef, i int) ([]SelectedOption, error) {
	chosen := make([]string, len(opts))
	for j, r := range refs {
		oi := slices.IndexFunc(opts, func(o ProductOption) bool {
			return (r.OptionID != 0 && o.ID == r.OptionID) || (r.OptionID == 0 && o.Name == r.OptionName)
		})
		if oi < 0 {
			return nil, setError("OPTION_DOES_NOT_EXIST", "Option does not exist.", "variants", i, "optionValues", j)
		}
		vi := slices.IndexFunc(opts[oi].Values, func(v OptionValue) bool {
			return (r.ValueID != 0 && v.ID == r.ValueID) || (r.ValueID == 0 && v.Name == r.ValueName)
		})
		if vi < 0 {
			return nil, setError("OPTION_VALUE_DOES_NOT_EXIST", "Option value does not exist.", "variants", i, "optionValues", j)
		}
		if chosen[oi] != "" {
			return nil, setError("INVALID_VARIANT", fmt.Sprintf("The variant has two values for option '%s'.", opts[oi].Name), "variants", i, "optionValues", j)
		}
		chosen[oi] = opts[oi].Values[vi].Name
	}
	selected := make([]SelectedOption, len(opts))
	for oi, o := range opts {
		if chosen[oi] == "" {
			return nil, setError("INVALID_VARIANT", fmt.Sprintf("The variant needs a value for option '%s'.", o.Name), "variants", i, "optionValues")
		}
		selected[oi] = SelectedOption{Name: o.Name, Value: chosen[oi]}
	}
	return selected, nil
}

// checkSetQuantities checks a variant's inventoryQuantities: known
// locations, a settable name, one entry per location and name, and for an
// existing variant only locations it is stocked at ("If you're updating an
// existing variant, then you can only update the quantities at locations
// where the variant is already stocked"). Shopify's answer to an unstocked
// location is unverified; fakeshop reports it rather than ignore it.
func (t *tx) checkSetQuantities(pv plannedVariant, i int) error {
	type key struct {
		loc  int64
		name string
	}
	seen := map[key]bool{}
	for j, q := range pv.fields.Quantities {
		if t.locations.get(q.LocationID) == nil {
			return setError("INVALID_INPUT", "Location does not exist.", "variants", i, "inventoryQuantities", j, "locationId")
		}
		if q.Name != QtyAvailable && q.Name != QtyOnHand {
			return setError("INVALID_INPUT", "The quantity name must be either 'available' or 'on_hand'.", "variants", i, "inventoryQuantities", j, "name")
		}
		if seen[key{q.LocationID, q.Name}] {
			return setError("INVALID_INPUT", "Each location and quantity name may be given once.", "variants", i, "inventoryQuantities", j)
		}
		seen[key{q.LocationID, q.Name}] = true
		if pv.old != nil && t.level(pv.old.InventoryItemID, q.LocationID) == nil {
			return setError("INVALID_INPUT", "The variant is not stocked at this location; activate it there first.", "variants", i, "inventoryQuantities", j, "locationId")
		}
	}
	return nil
}

// byPosition orders list entries by their position: the one given, or
// their place in the list; an entry that asked for a position comes before
// one that merely sits there.
func byPosition(a int, aExplicit bool, b int, bExplicit bool) int {
	if a != b {
		return a - b
	}
	switch {
	case aExplicit && !bExplicit:
		return -1
	case bExplicit && !aExplicit:
		return 1
	}
	return 0
}

func isNegative(money string) bool {
	r, ok := new(big.Rat).SetString(money)
	return ok && r.Sign() < 0
}

// applyProductSet stores a validated plan and returns the stored product.
func (t *tx) applyProductSet(plan *productSetPlan) *Product {
	p := plan.p
	p.UpdatedAt = t.now
	if plan.variants != nil {
		for _, v := range plan.drop {
			t.dropVariant(v)
		}
		p.VariantIDs = make([]int64, len(plan.variants))
		for i, pv := range plan.variants {
			p.VariantIDs[i] = t.setVariant(p.ID, pv, i+1)
		}
	}
	t.products.put(p.ID, &p)
	if plan.old == nil {
		t.emit(TopicProductsCreate, &p)
	} else {
		t.emit(TopicProductsUpdate, &p)
	}
	if plan.collections != nil {
		for _, c := range t.collections.all() {
			if c.RuleSet != nil {
				continue
			}
			want, has := slices.Contains(*plan.collections, c.ID), slices.Contains(c.ProductIDs, p.ID)
			if want == has {
				continue
			}
			nc := *c
			if want {
				nc.ProductIDs = append(slices.Clone(c.ProductIDs), p.ID)
			} else {
				nc.ProductIDs = slices.DeleteFunc(slices.Clone(c.ProductIDs), func(id int64) bool { return id == p.ID })
			}
			nc.UpdatedAt = t.now
			t.collections.put(nc.ID, &nc)
			t.emit(TopicCollectionsUpdate, &nc)
		}
	}
	return &p
}

// setVariant stores one planned variant at position and returns its id.
func (t *tx) setVariant(productID int64, pv plannedVariant, position int) int64 {
	fields := pv.fields
	fields.Position = &position
	if pv.old == nil {
		v := &Variant{ID: nextID(), ProductID: productID, Price: "0.00", InventoryPolicy: "DENY", Taxable: true, CreatedAt: t.now, UpdatedAt: t.now}
		item := &InventoryItem{ID: nextID(), VariantID: v.ID, Tracked: true, RequiresShipping: true, CreatedAt: t.now, UpdatedAt: t.now}
		v.InventoryItemID = item.ID
		v.SelectedOptions = pv.selected
		v.Title = variantTitle(pv.selected)
		applyVariantInput(v, item, fields)
		t.variants.put(v.ID, v)
		t.items.put(item.ID, item)
		t.emit(TopicInventoryItemsCreate, item)
		for _, q := range fields.Quantities {
			t.stock(item.ID, q)
		}
		return v.ID
	}
	v := *pv.old
	oldItem := t.items.get(v.InventoryItemID)
	item := *oldItem
	v.SelectedOptions = pv.selected
	v.Title = variantTitle(pv.selected)
	applyVariantInput(&v, &item, fields)
	if !reflect.DeepEqual(v, *pv.old) {
		v.UpdatedAt = t.now
		t.variants.put(v.ID, &v)
	}
	if item != *oldItem || !ptrEqual(v.SKU, pv.old.SKU) {
		item.UpdatedAt = t.now
		t.items.put(item.ID, &item)
		t.emit(TopicInventoryItemsUpdate, &item)
	}
	for _, q := range fields.Quantities {
		l := t.level(item.ID, q.LocationID)
		if l.Quantity(q.Name) == q.Quantity {
			continue
		}
		nl := setQuantity(l, q.Name, q.Quantity, t.now)
		t.putLevel(nl)
		t.emit(TopicInventoryLevelsUpdate, nl)
	}
	return v.ID
}
