package fakeshop

import "strconv"

// maxPayloadVariants is how many variants a product payload carries in full;
// Shopify's topic description says the first 100, with variant_gids still
// listing every variant.
const maxPayloadVariants = 100

// product is the REST product of products/create and products/update.
func (f payloadFormat) product(shop *Shop, p *Product) map[string]any {
	variants := []map[string]any{}
	gids := []map[string]any{}
	options := []map[string]any{}
	shop.read(func(st *store) {
		for i, v := range st.variantsOf(p) {
			gids = append(gids, map[string]any{"admin_graphql_api_id": gidOf("ProductVariant", v.ID), "updated_at": gidTime(v.UpdatedAt)})
			if i < maxPayloadVariants {
				variants = append(variants, f.variant(p, v, st.available(v)))
			}
		}
	})
	for _, o := range p.Options {
		values := make([]string, len(o.Values))
		for i, v := range o.Values {
			values[i] = v.Name
		}
		options = append(options, map[string]any{"id": o.ID, "product_id": p.ID, "name": o.Name, "position": o.Position, "values": values})
	}
	return map[string]any{
		"id":                                    p.ID,
		"admin_graphql_api_id":                  gidOf("Product", p.ID),
		"title":                                 p.Title,
		"handle":                                p.Handle,
		"body_html":                             p.DescriptionHTML,
		"vendor":                                p.Vendor,
		"product_type":                          p.ProductType,
		"status":                                lower(p.Status),
		"tags":                                  restTags(p.Tags),
		"template_suffix":                       nullStr(p.TemplateSuffix),
		"published_scope":                       "web",
		"published_at":                          f.timePtr(p.PublishedAt),
		"created_at":                            f.time(p.CreatedAt),
		"updated_at":                            f.time(p.UpdatedAt),
		"variants":                              variants,
		"variant_gids":                          gids,
		"options":                               options,
		"images":                                []any{},
		"image":                                 nil,
		"media":                                 []any{},
		"category":                              nil,
		"has_variants_that_requires_components": false,
	}
}

// variant is one entry of a product payload's variants. Shopify's payload
// has old_inventory_quantity too; fakeshop keeps no history, so it repeats
// the current quantity.
func (f payloadFormat) variant(p *Product, v *Variant, available int) map[string]any {
	m := map[string]any{
		"id":                     v.ID,
		"admin_graphql_api_id":   gidOf("ProductVariant", v.ID),
		"product_id":             v.ProductID,
		"title":                  v.Title,
		"sku":                    nullStr(v.SKU),
		"barcode":                nullStr(v.Barcode),
		"price":                  v.Price,
		"compare_at_price":       nullStr(v.CompareAtPrice),
		"position":               v.Position,
		"inventory_policy":       lower(v.InventoryPolicy),
		"taxable":                v.Taxable,
		"inventory_item_id":      v.InventoryItemID,
		"inventory_quantity":     available,
		"old_inventory_quantity": available,
		"image_id":               nil,
		"created_at":             f.time(v.CreatedAt),
		"updated_at":             f.time(v.UpdatedAt),
	}
	// option1..3 follow the product's option order.
	for i := range 3 {
		var value any
		if i < len(p.Options) {
			for _, so := range v.SelectedOptions {
				if so.Name == p.Options[i].Name {
					value = so.Value
				}
			}
		}
		m["option"+strconv.Itoa(i+1)] = value
	}
	return m
}

// inventoryItem is the REST inventory item of inventory_items/create and
// /update. Its sku is the variant's, which Shopify keeps in step.
func (f payloadFormat) inventoryItem(shop *Shop, it *InventoryItem) map[string]any {
	var sku any
	shop.read(func(st *store) {
		if v := st.variants.get(it.VariantID); v != nil {
			sku = nullStr(v.SKU)
		}
	})
	m := f.inventoryItemDeleted(it)
	for k, v := range map[string]any{
		"sku":               sku,
		"created_at":        f.time(it.CreatedAt),
		"updated_at":        f.time(it.UpdatedAt),
		"requires_shipping": it.RequiresShipping,
		"cost":              nullStr(it.Cost),
		"tracked":           it.Tracked,
		"weight_value":      decimal("0.0"),
		"weight_unit":       "lb",
	} {
		m[k] = v
	}
	return m
}

// inventoryItemDeleted is inventory_items/delete: the id, the origin and
// harmonized-system fields, and the GID.
func (f payloadFormat) inventoryItemDeleted(it *InventoryItem) map[string]any {
	return map[string]any{
		"id":                              it.ID,
		"admin_graphql_api_id":            gidOf("InventoryItem", it.ID),
		"country_code_of_origin":          nil,
		"province_code_of_origin":         nil,
		"harmonized_system_code":          nil,
		"country_harmonized_system_codes": []any{},
	}
}
