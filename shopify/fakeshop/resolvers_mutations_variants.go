package fakeshop

import (
	"fmt"
	"slices"
)

func init() {
	register("Mutation", map[string]FieldFunc{
		// The bulk variant mutations take up to 2,048 variants per call
		// (the per-product limit) rather than 250.
		"productVariantsBulkCreate": mutation(productVariantsBulkCreate, "variants"),
		"productVariantsBulkUpdate": mutation(productVariantsBulkUpdate, "variants"),
		"productVariantsBulkDelete": mutation(productVariantsBulkDelete),
	})
}

// checkBulkVariants applies the bulk variant mutations' own input limits:
// at most 2,048 variants (the per-product limit, in place of the 250-item
// rule), answered like an oversized array, and at most 50,000 inventory
// quantities over all of them (INVENTORY_QUANTITIES_LIMIT_EXCEEDED, in
// Shopify's words).
func checkBulkVariants(args inputArgs) (*UserError, error) {
	variants := args.objs("variants")
	if len(variants) > maxProductVariants {
		return nil, gqlError(fmt.Sprintf("The input array size of %d is greater than the maximum allowed of %d.", len(variants), maxProductVariants), "MAX_INPUT_SIZE_EXCEEDED")
	}
	rows := 0
	for _, v := range variants {
		rows += len(v.list("inventoryQuantities"))
	}
	if rows > maxProductSetQtyRows {
		return &UserError{Field: fieldPath("variants"), Code: "INVENTORY_QUANTITIES_LIMIT_EXCEEDED",
			Message: fmt.Sprintf("Input contains %d inventory quantities, which exceeds the limit of %d", rows, maxProductSetQtyRows)}, nil
	}
	return nil, nil
}

// bulkVariant is one ProductVariantsBulkInput read against the product it
// is for: its fields, and its option values resolved to selected options.
type bulkVariant struct {
	id       int64
	fields   VariantInput
	selected []SelectedOption // nil: no optionValues given
}

// readBulkVariant reads variants[i]. Option values name an option of the
// product (by id or name); a value may be new, unless named by id. With
// open, any option name is accepted (a default-only product whose default
// variant the new ones replace).
func readBulkVariant(p *Product, v inputArgs, i int, open bool, unknownCode string) (bulkVariant, *UserError, error) {
	out := bulkVariant{}
	id, _, err := v.id("id", "ProductVariant")
	if err != nil {
		return out, nil, err
	}
	if v["id"] != nil && id == 0 {
		id = -1
	}
	out.id = id
	if out.fields, err = variantFields(v); err != nil {
		return out, nil, err
	}
	if out.fields.Price != nil && isNegative(*out.fields.Price) {
		return out, &UserError{Field: fieldPath("variants", i, "price"), Code: "NEGATIVE_PRICE_VALUE", Message: "Price can't be negative"}, nil
	}
	refs, err := optionValueRefs(v)
	if err != nil {
		return out, nil, err
	}
	for j, r := range refs {
		oi := slices.IndexFunc(p.Options, func(o ProductOption) bool {
			return (r.OptionID != 0 && o.ID == r.OptionID) || (r.OptionID == 0 && o.Name == r.OptionName)
		})
		name, value := r.OptionName, r.ValueName
		switch {
		case oi < 0 && (!open || r.OptionID != 0 || name == ""):
			return out, &UserError{Field: fieldPath("variants", i, "optionValues", j), Code: unknownCode, Message: "Option does not exist"}, nil
		case oi >= 0:
			name = p.Options[oi].Name
			if r.ValueID != 0 {
				vi := slices.IndexFunc(p.Options[oi].Values, func(ov OptionValue) bool { return ov.ID == r.ValueID })
				if vi < 0 {
					return out, &UserError{Field: fieldPath("variants", i, "optionValues", j), Code: "OPTION_VALUE_DOES_NOT_EXIST", Message: "Option value does not exist"}, nil
				}
				value = p.Options[oi].Values[vi].Name
			}
		}
		if value == "" {
			return out, &UserError{Field: fieldPath("variants", i, "optionValues", j, "name"), Code: "INVALID_INPUT", Message: "Option value name can't be blank"}, nil
		}
		out.selected = append(out.selected, SelectedOption{Name: name, Value: value})
	}
	return out, nil, nil
}

// inOptionOrder orders selected options as the product's options, filling
// options the variant does not name from base (nil: none); ok is false when
// an option has no value.
func inOptionOrder(p *Product, selected, base []SelectedOption) ([]SelectedOption, bool) {
	out := make([]SelectedOption, 0, len(p.Options))
	for _, o := range p.Options {
		i := slices.IndexFunc(selected, func(s SelectedOption) bool { return s.Name == o.Name })
		if i < 0 {
			i = slices.IndexFunc(base, func(s SelectedOption) bool { return s.Name == o.Name })
			if i < 0 {
				return nil, false
			}
			out = append(out, base[i])
			continue
		}
		out = append(out, selected[i])
	}
	return out, true
}

func productVariantsBulkCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductVariantsBulkCreatePayload", "ProductVariantsBulkCreateUserError"
	if ue, err := checkBulkVariants(args); err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	productID, _, err := args.id("productId", "Product")
	if err != nil {
		return nil, err
	}
	p := rc.Shop.Product(productID)
	if p == nil {
		return failed(payload, errType, &UserError{Field: fieldPath("productId"), Code: "PRODUCT_DOES_NOT_EXIST", Message: "Product does not exist"}), nil
	}
	strategy := args.strOr("strategy", StandaloneDefault)
	current := rc.Shop.Variants(p)
	// A product with only its default variant gets the new variants' options
	// when that variant is replaced (every strategy but PRESERVE does).
	open := len(current) == 1 && current[0].Title == defaultOptionValue && strategy != StandalonePreserve
	var inputs []VariantInput
	seen := map[string]bool{}
	for i, v := range args.objs("variants") {
		bv, ue, err := readBulkVariant(p, v, i, open, "OPTION_VALUES_FOR_NUMBER_OF_UNKNOWN_OPTIONS")
		if err != nil || ue != nil {
			return failedOr(payload, errType, ue, err)
		}
		if len(bv.selected) == 0 {
			return failed(payload, errType, &UserError{Field: fieldPath("variants", i, "optionValues"), Code: "NEED_TO_ADD_OPTION_VALUES", Message: "You need to add option values for the variant"}), nil
		}
		if v["quantityAdjustments"] != nil {
			return failed(payload, errType, &UserError{Field: fieldPath("variants", i, "quantityAdjustments"), Code: "INVALID_INPUT", Message: "quantityAdjustments only apply to existing variants"}), nil
		}
		if !open {
			ordered, ok := inOptionOrder(p, bv.selected, nil)
			if !ok {
				return failed(payload, errType, &UserError{Field: fieldPath("variants", i, "optionValues"), Code: "NEED_TO_ADD_OPTION_VALUES", Message: "The variant needs a value for every option of the product"}), nil
			}
			bv.selected = ordered
		}
		title := variantTitle(bv.selected)
		if seen[title] {
			return failed(payload, errType, &UserError{Field: fieldPath("variants", i), Code: "VARIANT_ALREADY_EXISTS", Message: fmt.Sprintf("The variant '%s' already exists.", title)}), nil
		}
		seen[title] = true
		bv.fields.OptionValues = bv.selected
		for _, q := range v.objs("inventoryQuantities") {
			loc, _, err := q.id("locationId", "Location")
			if err != nil {
				return nil, err
			}
			bv.fields.Quantities = append(bv.fields.Quantities, LocationQuantity{LocationID: loc, Name: QtyAvailable, Quantity: *q.integer("availableQuantity")})
		}
		inputs = append(inputs, bv.fields)
	}
	created, err := rc.Shop.CreateVariantsWithStrategy(productID, inputs, strategy)
	if err != nil {
		return failure(err, payload, errType, map[string]string{"INVALID_LOCATION": "TRACKED_VARIANT_LOCATION_NOT_FOUND"})
	}
	return payloadObj(payload, "product", rc.Shop.Product(productID), "productVariants", created), nil
}

func productVariantsBulkUpdate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductVariantsBulkUpdatePayload", "ProductVariantsBulkUpdateUserError"
	if ue, err := checkBulkVariants(args); err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	productID, _, err := args.id("productId", "Product")
	if err != nil {
		return nil, err
	}
	p := rc.Shop.Product(productID)
	if p == nil {
		return failed(payload, errType, &UserError{Field: fieldPath("productId"), Code: "PRODUCT_DOES_NOT_EXIST", Message: "Product does not exist"}), nil
	}
	// Titles after the update, to catch two variants ending up alike.
	titles := map[int64]string{}
	for _, v := range rc.Shop.Variants(p) {
		titles[v.ID] = v.Title
	}
	var updates []VariantUpdate
	var errs []*UserError
	for i, v := range args.objs("variants") {
		u, ue, err := readBulkUpdate(rc.Shop, p, v, i, titles)
		if err != nil {
			return nil, err
		}
		if ue != nil {
			errs = append(errs, ue)
			continue
		}
		updates = append(updates, u)
	}
	partial := args.boolean("allowPartialUpdates")
	if len(errs) > 0 && (partial == nil || !*partial) {
		return failed(payload, errType, errs...), nil
	}
	var updated []*Variant
	if len(updates) > 0 {
		if updated, err = rc.Shop.UpdateVariants(productID, updates); err != nil {
			return failure(err, payload, errType, nil)
		}
	}
	return payloadObj(payload, "product", rc.Shop.Product(productID), "productVariants", updated, "userErrors", userErrorList(errType, errs...)), nil
}

// readBulkUpdate reads and checks variants[i] of productVariantsBulkUpdate;
// titles tracks every variant's title as the batch would leave it.
func readBulkUpdate(shop *Shop, p *Product, v inputArgs, i int, titles map[int64]string) (VariantUpdate, *UserError, error) {
	bv, ue, err := readBulkVariant(p, v, i, false, "OPTION_DOES_NOT_EXIST")
	if err != nil || ue != nil {
		return VariantUpdate{}, ue, err
	}
	cur := shop.Variant(bv.id)
	switch {
	case v["id"] == nil:
		return VariantUpdate{}, &UserError{Field: fieldPath("variants", i, "id"), Code: "PRODUCT_VARIANT_ID_MISSING", Message: "Product variant is missing ID attribute"}, nil
	case cur == nil:
		return VariantUpdate{}, &UserError{Field: fieldPath("variants", i, "id"), Code: "PRODUCT_VARIANT_DOES_NOT_EXIST", Message: "Product variant does not exist"}, nil
	case cur.ProductID != p.ID:
		return VariantUpdate{}, &UserError{Field: fieldPath("variants", i, "id"), Code: "MUST_BE_FOR_THIS_PRODUCT", Message: "Product variant does not belong to the product"}, nil
	case v["inventoryQuantities"] != nil:
		return VariantUpdate{}, &UserError{Field: fieldPath("variants", i, "inventoryQuantities"), Code: "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE", Message: "Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities."}, nil
	case v["quantityAdjustments"] != nil:
		// Shopify applies these to existing variants' stock; fakeshop does
		// not, and says so rather than drop them.
		return VariantUpdate{}, &UserError{Field: fieldPath("variants", i, "quantityAdjustments"), Code: "INVALID_INPUT", Message: "fakeshop does not apply quantityAdjustments; use inventoryAdjustQuantities"}, nil
	}
	if bv.selected != nil {
		ordered, _ := inOptionOrder(p, bv.selected, cur.SelectedOptions)
		title := variantTitle(ordered)
		for id, t := range titles {
			if id != cur.ID && t == title {
				return VariantUpdate{}, &UserError{Field: fieldPath("variants", i, "optionValues"), Code: "VARIANT_ALREADY_EXISTS", Message: fmt.Sprintf("The variant '%s' already exists.", title)}, nil
			}
		}
		titles[cur.ID] = title
		bv.fields.OptionValues = ordered
	}
	return VariantUpdate{ID: cur.ID, Input: bv.fields}, nil, nil
}

func productVariantsBulkDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductVariantsBulkDeletePayload", "ProductVariantsBulkDeleteUserError"
	productID, _, err := args.id("productId", "Product")
	if err != nil {
		return nil, err
	}
	ids, err := args.ids("variantsIds", "ProductVariant")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeleteVariants(productID, ids); err != nil {
		return failure(err, payload, errType, nil)
	}
	return payloadObj(payload, "product", rc.Shop.Product(productID)), nil
}
