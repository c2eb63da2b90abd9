package fakeshop

import (
	"slices"
	"strings"
)

func init() {
	register("QueryRoot", map[string]FieldFunc{
		"product": byID("Product", func(st *store, id int64) *Product { return st.products.get(id) }),
		"productByIdentifier": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			ident, _ := args["identifier"].(map[string]any)
			if raw, ok := ident["id"]; ok && raw != nil {
				return byID("Product", func(st *store, id int64) *Product { return st.products.get(id) })(rc, nil, map[string]any{"id": raw})
			}
			if h, ok := ident["handle"].(string); ok {
				return rc.Shop.ProductByHandle(h), nil
			}
			return nil, gqlError("identifier must have id or handle (customId is not supported by fakeshop)", "BAD_REQUEST")
		},
		"products": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Product
			var spec filterSpec
			rc.Shop.read(func(st *store) { items, spec = st.products.all(), productFilter(st) })
			items, err := filterItems(items, args, spec)
			if err != nil {
				return nil, err
			}
			return newConn(items, productSort(args["sortKey"])), nil
		},
		"productsCount": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Product
			var spec filterSpec
			rc.Shop.read(func(st *store) { items, spec = st.products.all(), productFilter(st) })
			items, err := filterItems(items, args, spec)
			if err != nil {
				return nil, err
			}
			return countObj(len(items), args), nil
		},
		"productVariant": byID("ProductVariant", func(st *store, id int64) *Variant { return st.variants.get(id) }),
		"productVariants": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			items, err := variantsMatching(rc.Shop, args)
			if err != nil {
				return nil, err
			}
			return newConn(items, variantSort(args["sortKey"])), nil
		},
		"productVariantsCount": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			items, err := variantsMatching(rc.Shop, args)
			if err != nil {
				return nil, err
			}
			return countObj(len(items), args), nil
		},
	})

	register("Product", map[string]FieldFunc{
		"id":               field(func(p *Product) any { return gidOf("Product", p.ID) }),
		"legacyResourceId": field(func(p *Product) any { return legacyID(p.ID) }),
		"title":            field(func(p *Product) any { return p.Title }),
		"handle":           field(func(p *Product) any { return p.Handle }),
		"descriptionHtml":  field(func(p *Product) any { return p.DescriptionHTML }),
		"vendor":           field(func(p *Product) any { return p.Vendor }),
		"productType":      field(func(p *Product) any { return p.ProductType }),
		"tags":             field(func(p *Product) any { return p.Tags }),
		"status":           field(func(p *Product) any { return p.Status }),
		"seo":              field(func(p *Product) any { return seoObj(p.SEO) }),
		"templateSuffix":   field(func(p *Product) any { return p.TemplateSuffix }),
		"createdAt":        field(func(p *Product) any { return p.CreatedAt }),
		"updatedAt":        field(func(p *Product) any { return p.UpdatedAt }),
		"publishedAt":      field(func(p *Product) any { return p.PublishedAt }),
		"options": fieldCtx(func(rc *ResolveContext, p *Product, args map[string]any) (any, error) {
			var variants []*Variant
			rc.Shop.read(func(st *store) { variants = st.variantsOf(p) })
			opts := p.Options
			if n, ok := toInt(args["first"]); ok && n < len(opts) {
				opts = opts[:max(n, 0)]
			}
			out := make([]*Obj, len(opts))
			for i, o := range opts {
				out[i] = optionObj(o, variants)
			}
			return out, nil
		}),
		"variants": fieldCtx(func(rc *ResolveContext, p *Product, args map[string]any) (any, error) {
			var items []*Variant
			rc.Shop.read(func(st *store) { items = st.variantsOf(p) })
			sortKey := args["sortKey"]
			if sortKey == nil {
				sortKey = "POSITION"
			}
			return newConn(items, variantSort(sortKey)), nil
		}),
		"variantsCount": fieldCtx(func(rc *ResolveContext, p *Product, args map[string]any) (any, error) {
			return countObj(len(p.VariantIDs), args), nil
		}),
		"collections": fieldCtx(func(rc *ResolveContext, p *Product, args map[string]any) (any, error) {
			var items []*Collection
			rc.Shop.read(func(st *store) {
				for _, c := range st.collections.all() {
					if st.inCollection(c, p) {
						items = append(items, c)
					}
				}
			})
			items, err := filterItems(items, args, collectionFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, collectionSort(args["sortKey"])), nil
		}),
		"inCollection": fieldCtx(func(rc *ResolveContext, p *Product, args map[string]any) (any, error) {
			id, ok, err := idOfType(args["id"], "Collection")
			if err != nil || !ok {
				return false, err
			}
			in := false
			rc.Shop.read(func(st *store) {
				if c := st.collections.get(id); c != nil {
					in = st.inCollection(c, p)
				}
			})
			return in, nil
		}),
		"totalInventory": fieldCtx(func(rc *ResolveContext, p *Product, _ map[string]any) (any, error) {
			n := 0
			rc.Shop.read(func(st *store) {
				for _, v := range st.variantsOf(p) {
					n += st.available(v)
				}
			})
			return n, nil
		}),
		"tracksInventory": fieldCtx(func(rc *ResolveContext, p *Product, _ map[string]any) (any, error) {
			tracks := false
			rc.Shop.read(func(st *store) {
				for _, v := range st.variantsOf(p) {
					if it := st.items.get(v.InventoryItemID); it != nil && it.Tracked {
						tracks = true
					}
				}
			})
			return tracks, nil
		}),
		"hasOnlyDefaultVariant": field(func(p *Product) any {
			return len(p.VariantIDs) == 1 && len(p.Options) == 1 && p.Options[0].Name == defaultOptionName &&
				len(p.Options[0].Values) == 1 && p.Options[0].Values[0].Name == defaultOptionValue
		}),
	})

	register("ProductVariant", map[string]FieldFunc{
		"id":               field(func(v *Variant) any { return gidOf("ProductVariant", v.ID) }),
		"legacyResourceId": field(func(v *Variant) any { return legacyID(v.ID) }),
		"title":            field(func(v *Variant) any { return v.Title }),
		"sku":              field(func(v *Variant) any { return v.SKU }),
		"barcode":          field(func(v *Variant) any { return v.Barcode }),
		"price":            field(func(v *Variant) any { return v.Price }),
		"compareAtPrice":   field(func(v *Variant) any { return v.CompareAtPrice }),
		"position":         field(func(v *Variant) any { return v.Position }),
		"inventoryPolicy":  field(func(v *Variant) any { return v.InventoryPolicy }),
		"taxable":          field(func(v *Variant) any { return v.Taxable }),
		"createdAt":        field(func(v *Variant) any { return v.CreatedAt }),
		"updatedAt":        field(func(v *Variant) any { return v.UpdatedAt }),
		"displayName": fieldCtx(func(rc *ResolveContext, v *Variant, _ map[string]any) (any, error) {
			p := rc.Shop.Product(v.ProductID)
			if p == nil {
				return v.Title, nil
			}
			return p.Title + " - " + v.Title, nil
		}),
		"selectedOptions": fieldCtx(func(rc *ResolveContext, v *Variant, _ map[string]any) (any, error) {
			p := rc.Shop.Product(v.ProductID)
			out := make([]*Obj, len(v.SelectedOptions))
			for i, so := range v.SelectedOptions {
				var valueID int64
				if p != nil {
					valueID = optionValueID(p, so)
				}
				ov := NewObj("ProductOptionValue", "id", gidOf("ProductOptionValue", valueID), "name", so.Value, "hasVariants", true)
				out[i] = NewObj("SelectedOption", "name", so.Name, "value", so.Value, "optionValue", ov)
			}
			return out, nil
		}),
		"inventoryQuantity": fieldCtx(func(rc *ResolveContext, v *Variant, _ map[string]any) (any, error) {
			n := 0
			rc.Shop.read(func(st *store) { n = st.available(v) })
			return n, nil
		}),
		"availableForSale": fieldCtx(func(rc *ResolveContext, v *Variant, _ map[string]any) (any, error) {
			n := 0
			rc.Shop.read(func(st *store) { n = st.available(v) })
			return n > 0 || v.InventoryPolicy == "CONTINUE", nil
		}),
		"inventoryItem": fieldCtx(func(rc *ResolveContext, v *Variant, _ map[string]any) (any, error) {
			return rc.Shop.InventoryItem(v.InventoryItemID), nil
		}),
		"product": fieldCtx(func(rc *ResolveContext, v *Variant, _ map[string]any) (any, error) {
			return rc.Shop.Product(v.ProductID), nil
		}),
	})

	nodeLookups["Product"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.products.get(g.ID)) }
	nodeLookups["ProductVariant"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.variants.get(g.ID)) }
}

// optionObj renders a ProductOption with its values.
func optionObj(o ProductOption, variants []*Variant) *Obj {
	values := make([]string, len(o.Values))
	optionValues := make([]*Obj, len(o.Values))
	for i, v := range o.Values {
		values[i] = v.Name
		has := slices.ContainsFunc(variants, func(vr *Variant) bool {
			return slices.Contains(vr.SelectedOptions, SelectedOption{Name: o.Name, Value: v.Name})
		})
		optionValues[i] = NewObj("ProductOptionValue", "id", gidOf("ProductOptionValue", v.ID), "name", v.Name, "hasVariants", has)
	}
	return NewObj("ProductOption", "id", gidOf("ProductOption", o.ID), "name", o.Name, "position", o.Position, "values", values, "optionValues", optionValues)
}

func optionValueID(p *Product, so SelectedOption) int64 {
	for _, o := range p.Options {
		if o.Name != so.Name {
			continue
		}
		for _, v := range o.Values {
			if v.Name == so.Value {
				return v.ID
			}
		}
	}
	return p.ID
}

// productFilter is the searchable fields of products (needs the store for
// variant SKUs and barcodes; call under the read lock).
func productFilter(st *store) filterSpec {
	variantValues := func(get func(v *Variant) *string) func(o any) []any {
		return func(o any) []any {
			var out []any
			for _, v := range st.variantsOf(o.(*Product)) {
				out = append(out, optional(get(v))...)
			}
			return out
		}
	}
	title := filterField{kindText, func(o any) []any { return one(o.(*Product).Title) }}
	return filterSpec{
		"":             title,
		"title":        title,
		"id":           {kindInt, func(o any) []any { return one(o.(*Product).ID) }},
		"handle":       {kindExact, func(o any) []any { return one(o.(*Product).Handle) }},
		"status":       {kindExact, func(o any) []any { return one(o.(*Product).Status) }},
		"vendor":       {kindExact, func(o any) []any { return one(o.(*Product).Vendor) }},
		"product_type": {kindExact, func(o any) []any { return one(o.(*Product).ProductType) }},
		"tag":          {kindExact, func(o any) []any { return stringsToAny(o.(*Product).Tags) }},
		"sku":          {kindExact, variantValues(func(v *Variant) *string { return v.SKU })},
		"barcode":      {kindExact, variantValues(func(v *Variant) *string { return v.Barcode })},
		"created_at":   {kindTime, func(o any) []any { return one(o.(*Product).CreatedAt) }},
		"updated_at":   {kindTime, func(o any) []any { return one(o.(*Product).UpdatedAt) }},
	}
}

func productSort(key any) func(Identified) any {
	switch key {
	case "TITLE":
		return lowerTitle(func(it Identified) string { return it.(*Product).Title })
	case "UPDATED_AT":
		return func(it Identified) any { return formatTime(it.(*Product).UpdatedAt) }
	case "CREATED_AT":
		return func(it Identified) any { return formatTime(it.(*Product).CreatedAt) }
	case "VENDOR":
		return func(it Identified) any { return strings.ToLower(it.(*Product).Vendor) }
	case "PRODUCT_TYPE":
		return func(it Identified) any { return strings.ToLower(it.(*Product).ProductType) }
	}
	return nil // ID, and the keys fakeshop does not model (RELEVANCE, ...)
}

var variantFilterSpec = filterSpec{
	"":           {kindText, func(o any) []any { return one(o.(*Variant).Title) }},
	"title":      {kindText, func(o any) []any { return one(o.(*Variant).Title) }},
	"id":         {kindInt, func(o any) []any { return one(o.(*Variant).ID) }},
	"product_id": {kindInt, func(o any) []any { return one(o.(*Variant).ProductID) }},
	"sku":        {kindExact, func(o any) []any { return optional(o.(*Variant).SKU) }},
	"barcode":    {kindExact, func(o any) []any { return optional(o.(*Variant).Barcode) }},
	"created_at": {kindTime, func(o any) []any { return one(o.(*Variant).CreatedAt) }},
	"updated_at": {kindTime, func(o any) []any { return one(o.(*Variant).UpdatedAt) }},
}

func variantsMatching(shop *Shop, args map[string]any) ([]*Variant, error) {
	var items []*Variant
	shop.read(func(st *store) { items = st.variants.all() })
	return filterItems(items, args, variantFilterSpec)
}

func variantSort(key any) func(Identified) any {
	switch key {
	case "POSITION":
		return func(it Identified) any { return int64(it.(*Variant).Position) }
	case "SKU":
		return func(it Identified) any { return deref(it.(*Variant).SKU) }
	case "TITLE", "FULL_TITLE", "NAME":
		return lowerTitle(func(it Identified) string { return it.(*Variant).Title })
	}
	return nil
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
