package fakeshop

import (
	"fmt"
	"slices"
	"strings"
)

func init() {
	register("Mutation", map[string]FieldFunc{
		// productSet's variants have their own limit (2,048 per product,
		// VARIANTS_OVER_LIMIT) instead of the 250-item array rule.
		"productSet":    mutation(productSet, "input.variants"),
		"productCreate": mutation(withShop(productCreate)),
		"productUpdate": mutation(productUpdate),
		"productDelete": mutation(withShop(productDelete)),
	})
}

// productInput reads the product fields productSet, productCreate and
// productUpdate share. Fields fakeshop does not model (category, gift cards,
// metafields, media, selling plans) are accepted and ignored.
func productInput(in inputArgs) ProductInput {
	return ProductInput{
		Title:           in.str("title"),
		Handle:          in.str("handle"),
		DescriptionHTML: in.str("descriptionHtml"),
		Vendor:          in.str("vendor"),
		ProductType:     in.str("productType"),
		Tags:            in.strs("tags"),
		Status:          in.str("status"),
		SEO:             in.seo("seo"),
		TemplateSuffix:  in.str("templateSuffix"),
	}
}

// variantFields reads what ProductVariantSetInput and ProductVariantsBulkInput
// share, their inventoryItem included. A null compareAtPrice clears it.
func variantFields(v inputArgs) (VariantInput, error) {
	var out VariantInput
	var err error
	if out.Price, err = v.money("price"); err != nil {
		return out, err
	}
	if out.CompareAtPrice, err = v.money("compareAtPrice"); err != nil {
		return out, err
	}
	if v.has("compareAtPrice") && v["compareAtPrice"] == nil {
		none := ""
		out.CompareAtPrice = &none
	}
	out.Barcode = v.str("barcode")
	out.InventoryPolicy = v.str("inventoryPolicy")
	out.Taxable = v.boolean("taxable")
	if item := v.obj("inventoryItem"); item != nil {
		out.SKU = item.str("sku")
		out.Tracked = item.boolean("tracked")
		out.RequiresShipping = item.boolean("requiresShipping")
		if out.Cost, err = item.decimalText("cost"); err != nil {
			return out, err
		}
	}
	return out, nil
}

// optionValueRefs reads a variant's [VariantOptionValueInput!].
func optionValueRefs(v inputArgs) ([]OptionValueRef, error) {
	var out []OptionValueRef
	for _, ov := range v.objs("optionValues") {
		optionID, _, err := ov.id("optionId", "ProductOption")
		if err != nil {
			return nil, err
		}
		valueID, _, err := ov.id("id", "ProductOptionValue")
		if err != nil {
			return nil, err
		}
		out = append(out, OptionValueRef{OptionID: optionID, OptionName: ov.strOr("optionName", ""), ValueID: valueID, ValueName: ov.strOr("name", "")})
	}
	return out, nil
}

func productSet(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductSetPayload", "ProductSetUserError"
	in := args.obj("input")
	set := ProductSet{Product: productInput(in)}
	idField, notFoundCode := fieldPath("identifier", "id"), "NOT_FOUND"
	if ident := args.obj("identifier"); ident != nil {
		if in["id"] != nil {
			return failed(payload, errType, setError("ID_NOT_ALLOWED", "The id field is not allowed if identifier is provided.", "input", "id")), nil
		}
		id, given, err := ident.id("id", "Product")
		switch {
		case err != nil:
			return nil, err
		case ident["customId"] != nil:
			return nil, gqlError("fakeshop does not support customId identifiers", "BAD_REQUEST")
		case given:
			if id == 0 {
				return failed(payload, errType, setError("NOT_FOUND", "Resource matching the identifier was not found.", idField)), nil
			}
			set.ID = id
		case ident.str("handle") != nil:
			// The identifier's field must be repeated in the input (the
			// MISSING_FIELD_REQUIRED and INPUT_MISMATCH codes' descriptions).
			h := *ident.str("handle")
			switch {
			case in.str("handle") == nil:
				return failed(payload, errType, setError("MISSING_FIELD_REQUIRED", "The input field corresponding to the identifier is required.", "input", "handle")), nil
			case *in.str("handle") != h:
				return failed(payload, errType, setError("INPUT_MISMATCH", "The identifier value does not match the value of the corresponding field in the input.", "input", "handle")), nil
			}
			set.UpsertHandle = h
		default:
			return failed(payload, errType, setError("INVALID_INPUT", "The identifier needs an id or a handle.", "identifier")), nil
		}
	} else if in["id"] != nil {
		id, _, err := in.id("id", "Product")
		if err != nil {
			return nil, err
		}
		if id == 0 {
			return failed(payload, errType, setError("PRODUCT_DOES_NOT_EXIST", "Product does not exist", "input", "id")), nil
		}
		set.ID, idField, notFoundCode = id, fieldPath("input", "id"), "PRODUCT_DOES_NOT_EXIST"
	}
	if in["productOptions"] != nil {
		opts, err := optionSets(in)
		if err != nil {
			return nil, err
		}
		set.Options = &opts
	}
	if in["variants"] != nil {
		vs, err := variantSets(in)
		if err != nil {
			return nil, err
		}
		set.Variants = &vs
	}
	if in["collections"] != nil {
		ids, err := in.ids("collections", "Collection")
		if err != nil {
			return nil, err
		}
		set.Collections = &ids
	}
	p, err := rc.Shop.SetProduct(set)
	var errs []*UserError
	if err != nil {
		ue, gerr := asUserError(err, map[string]string{"NOT_FOUND": notFoundCode}, "input")
		if gerr != nil {
			return nil, gerr
		}
		if ue.Code == notFoundCode && len(ue.Field) == 1 {
			ue.Field, ue.Message = idField, "Product does not exist"
		}
		errs = append(errs, ue)
	}
	if sync := args.boolean("synchronous"); sync != nil && !*sync {
		// Asynchronous mode: Shopify answers a ProductSetOperation to poll.
		// fakeshop runs it before answering, so the operation is COMPLETE,
		// with the job's userErrors on it, not on the payload.
		op := NewObj("ProductSetOperation", "id", gidOf("ProductSetOperation", nextID()), "status", "COMPLETE",
			"product", p, "userErrors", userErrorList(errType, errs...))
		return payloadObj(payload, "productSetOperation", op), nil
	}
	if errs != nil {
		return failed(payload, errType, errs...), nil
	}
	return payloadObj(payload, "product", p), nil
}

func optionSets(in inputArgs) ([]OptionSet, error) {
	var out []OptionSet
	for _, o := range in.objs("productOptions") {
		id, _, err := o.id("id", "ProductOption")
		if err != nil {
			return nil, err
		}
		opt := OptionSet{ID: id, Name: o.strOr("name", "")}
		if pos := o.integer("position"); pos != nil {
			opt.Position = *pos
		}
		for _, v := range o.objs("values") {
			vid, _, err := v.id("id", "ProductOptionValue")
			if err != nil {
				return nil, err
			}
			opt.Values = append(opt.Values, OptionValueSet{ID: vid, Name: v.strOr("name", "")})
		}
		out = append(out, opt)
	}
	return out, nil
}

func variantSets(in inputArgs) ([]VariantSet, error) {
	var out []VariantSet
	for _, v := range in.objs("variants") {
		id, _, err := v.id("id", "ProductVariant")
		if err != nil {
			return nil, err
		}
		if v["id"] != nil && id == 0 {
			id = -1 // an id of another type: no variant of the product
		}
		refs, err := optionValueRefs(v)
		if err != nil {
			return nil, err
		}
		fields, err := variantFields(v)
		if err != nil {
			return nil, err
		}
		if sku := v.str("sku"); sku != nil {
			fields.SKU = sku
		}
		fields.Position = v.integer("position")
		for _, q := range v.objs("inventoryQuantities") {
			loc, _, err := q.id("locationId", "Location")
			if err != nil {
				return nil, err
			}
			fields.Quantities = append(fields.Quantities, LocationQuantity{LocationID: loc, Name: q.strOr("name", ""), Quantity: *q.integer("quantity")})
		}
		out = append(out, VariantSet{ID: id, OptionValues: refs, Fields: fields})
	}
	return out, nil
}

func productCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductCreatePayload", "UserError"
	in := args.obj("product")
	pin := productInput(in)
	for i, o := range in.objs("productOptions") {
		opt := OptionInput{Name: o.strOr("name", "")}
		for _, v := range o.objs("values") {
			opt.Values = append(opt.Values, v.strOr("name", ""))
		}
		switch {
		case i >= maxProductOptions:
			return failed(payload, errType, &UserError{Field: fieldPath("product", "productOptions"), Message: fmt.Sprintf("A product can have at most %d options.", maxProductOptions)}), nil
		case strings.TrimSpace(opt.Name) == "":
			return failed(payload, errType, &UserError{Field: fieldPath("product", "productOptions", i, "name"), Message: "Option name can't be blank."}), nil
		case len(opt.Values) == 0:
			return failed(payload, errType, &UserError{Field: fieldPath("product", "productOptions", i, "values"), Message: "Each option must have at least one option value specified."}), nil
		case slices.ContainsFunc(pin.Options, func(x OptionInput) bool { return strings.EqualFold(x.Name, opt.Name) }):
			return failed(payload, errType, &UserError{Field: fieldPath("product", "productOptions", i, "name"), Message: fmt.Sprintf("Duplicated option name '%s'.", opt.Name)}), nil
		}
		pin.Options = append(pin.Options, opt)
	}
	join, ue, err := collectionsToChange(rc.Shop, in, "collectionsToJoin")
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	// productCreate makes only the initial variant: the first value of
	// every option (or the default "Default Title" variant).
	var variants []VariantInput
	if len(pin.Options) > 0 {
		first := VariantInput{}
		for _, o := range pin.Options {
			first.OptionValues = append(first.OptionValues, SelectedOption{Name: o.Name, Value: o.Values[0]})
		}
		variants = []VariantInput{first}
	}
	p, err := rc.Shop.CreateProduct(pin, variants)
	if err != nil {
		return failure(err, payload, errType, nil, "product")
	}
	for _, c := range join {
		if _, err := rc.Shop.AddProductsToCollection(c, []int64{p.ID}); err != nil {
			return failure(err, payload, errType, nil, "product", "collectionsToJoin")
		}
	}
	return payloadObj(payload, "product", rc.Shop.Product(p.ID)), nil
}

// collectionsToChange reads collectionsToJoin/collectionsToLeave: manual
// collections that exist.
func collectionsToChange(shop *Shop, in inputArgs, key string) ([]int64, *UserError, error) {
	ids, err := in.ids(key, "Collection")
	if err != nil {
		return nil, nil, err
	}
	for i, id := range ids {
		c := shop.Collection(id)
		if c == nil {
			return nil, &UserError{Field: fieldPath("product", key, i), Message: "Collection does not exist"}, nil
		}
		if c.RuleSet != nil {
			return nil, &UserError{Field: fieldPath("product", key, i), Message: "Can't add products to a smart collection"}, nil
		}
	}
	return ids, nil, nil
}

// failedOr answers a userError if there is one, else the GraphQL error.
func failedOr(payload, errType string, ue *UserError, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return failed(payload, errType, ue), nil
}

func productUpdate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductUpdatePayload", "UserError"
	in := args.obj("product")
	id, _, err := in.id("id", "Product")
	if err != nil {
		return nil, err
	}
	if rc.Shop.Product(id) == nil {
		return failed(payload, errType, &UserError{Field: fieldPath("product", "id"), Message: "Product does not exist"}), nil
	}
	join, ue, err := collectionsToChange(rc.Shop, in, "collectionsToJoin")
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	leave, ue, err := collectionsToChange(rc.Shop, in, "collectionsToLeave")
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	if _, err := rc.Shop.UpdateProduct(id, productInput(in)); err != nil {
		ue, gerr := asUserError(err, nil, "product")
		if gerr != nil {
			return nil, gerr
		}
		if ue.Code == "NOT_FOUND" {
			ue.Message = "Product does not exist"
		}
		return failed(payload, errType, ue), nil
	}
	for _, c := range join {
		if _, err := rc.Shop.AddProductsToCollection(c, []int64{id}); err != nil {
			return failure(err, payload, errType, nil, "product", "collectionsToJoin")
		}
	}
	for _, c := range leave {
		if _, err := rc.Shop.RemoveProductsFromCollection(c, []int64{id}); err != nil {
			return failure(err, payload, errType, nil, "product", "collectionsToLeave")
		}
	}
	return payloadObj(payload, "product", rc.Shop.Product(id)), nil
}

func productDelete(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "ProductDeletePayload", "UserError"
	id, _, err := args.obj("input").id("id", "Product")
	if err != nil {
		return nil, err
	}
	if err := rc.Shop.DeleteProduct(id); err != nil {
		ue, gerr := asUserError(err, nil, "input")
		if gerr != nil {
			return nil, gerr
		}
		ue.Message = "Product does not exist"
		return failed(payload, errType, ue), nil
	}
	deleted := gidOf("Product", id)
	if sync := args.boolean("synchronous"); sync != nil && !*sync {
		op := NewObj("ProductDeleteOperation", "id", gidOf("ProductDeleteOperation", nextID()), "status", "COMPLETE",
			"deletedProductId", deleted, "product", nil, "userErrors", []*Obj{})
		return payloadObj(payload, "productDeleteOperation", op), nil
	}
	return payloadObj(payload, "deletedProductId", deleted), nil
}
