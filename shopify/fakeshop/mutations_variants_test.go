package fakeshop

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

const bulkCreateMutation = `mutation Create($productId: ID!, $variants: [ProductVariantsBulkInput!]!, $strategy: ProductVariantsBulkCreateStrategy) {
  productVariantsBulkCreate(productId: $productId, variants: $variants, strategy: $strategy) {
    product { id variantsCount { count } }
    productVariants { id title sku price inventoryQuantity }
    userErrors { code field message }
  }
}`

const bulkUpdateMutation = `mutation Update($productId: ID!, $variants: [ProductVariantsBulkInput!]!, $partial: Boolean) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: $partial) {
    product { id }
    productVariants { id sku price barcode }
    userErrors { code field message }
  }
}`

func TestProductVariantsBulkCreate(t *testing.T) {
	m := newMutShop(t)
	p := m.payload(t, "productCreate", productCreateMutation, map[string]any{"product": map[string]any{"title": "Tee",
		"productOptions": []any{map[string]any{"name": "Size", "values": []any{map[string]any{"name": "S"}, map[string]any{"name": "M"}}}}}})
	productID := dig(p, "product", "id").(string)
	m.topics()
	wh := gidOf("Location", m.warehouse.ID)

	// The standalone custom variant (S) stays with the DEFAULT strategy.
	res := m.payload(t, "productVariantsBulkCreate", bulkCreateMutation, map[string]any{"productId": productID, "variants": []any{
		sizeVariant("M", map[string]any{"price": "12", "inventoryItem": map[string]any{"sku": "TEE-M"},
			"inventoryQuantities": []any{map[string]any{"locationId": wh, "availableQuantity": 4}}}),
		sizeVariant("L", map[string]any{"price": "13.5"}),
	}})
	require.Empty(t, userErrs(res))
	require.Equal(t, float64(3), dig(res, "product", "variantsCount", "count"))
	require.Equal(t, []any{"M", "TEE-M", "12.00", float64(4)}, []any{dig(res, "productVariants", 0, "title"), dig(res, "productVariants", 0, "sku"), dig(res, "productVariants", 0, "price"), dig(res, "productVariants", 0, "inventoryQuantity")})
	require.Equal(t, []string{TopicInventoryItemsCreate, TopicInventoryLevelsConnect, TopicInventoryLevelsUpdate, TopicInventoryItemsCreate, TopicProductsUpdate}, m.topics())
	vs := variantNodes(readProduct(t, m, productID))
	require.Equal(t, []any{"S", "M", "L"}, []any{vs[0]["title"], vs[1]["title"], vs[2]["title"]})
	require.Equal(t, "TEE-M", dig(vs[1], "inventoryItem", "sku"), "sku goes through inventoryItem.sku")
	require.Equal(t, []any{"S", "M", "L"}, dig(readProduct(t, m, productID), "options", 0, "values"))

	for _, tc := range []struct {
		name     string
		product  string
		variants []any
		code     string
		field    []string
	}{
		{"unknown product", gidOf("Product", 1), []any{sizeVariant("XL", nil)}, "PRODUCT_DOES_NOT_EXIST", []string{"productId"}},
		{"existing combination", productID, []any{sizeVariant("M", nil)}, "VARIANT_ALREADY_EXISTS", []string{"variants", "0"}},
		{"unknown option", productID, []any{map[string]any{"optionValues": []any{map[string]any{"optionName": "Color", "name": "Red"}}}}, "OPTION_VALUES_FOR_NUMBER_OF_UNKNOWN_OPTIONS", []string{"variants", "0", "optionValues", "0"}},
		{"no option values", productID, []any{map[string]any{"price": "1"}}, "NEED_TO_ADD_OPTION_VALUES", []string{"variants", "0", "optionValues"}},
		{"negative price", productID, []any{sizeVariant("XL", map[string]any{"price": "-1"})}, "NEGATIVE_PRICE_VALUE", []string{"variants", "0", "price"}},
		{"unknown location", productID, []any{sizeVariant("XL", map[string]any{"inventoryQuantities": []any{map[string]any{"locationId": gidOf("Location", 1), "availableQuantity": 1}}})},
			"TRACKED_VARIANT_LOCATION_NOT_FOUND", []string{"variants", "0", "inventoryQuantities", "0", "locationId"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := m.payload(t, "productVariantsBulkCreate", bulkCreateMutation, map[string]any{"productId": tc.product, "variants": tc.variants})
			requireUserError(t, res, tc.code, tc.field...)
			require.Nil(t, res["productVariants"])
		})
	}
	require.Empty(t, m.topics())
}

func TestProductVariantsBulkCreateReplacesTheDefaultVariant(t *testing.T) {
	m := newMutShop(t)
	p := m.payload(t, "productCreate", productCreateMutation, map[string]any{"product": map[string]any{"title": "Mug"}})
	productID := dig(p, "product", "id").(string)
	defaultID := variantNodes(readProduct(t, m, productID))[0]["id"]
	m.topics()

	colour := func(c string) map[string]any {
		return map[string]any{"optionValues": []any{map[string]any{"optionName": "Color", "name": c}}}
	}
	res := m.payload(t, "productVariantsBulkCreate", bulkCreateMutation, map[string]any{"productId": productID, "variants": []any{colour("Red"), colour("Blue")}})
	require.Empty(t, userErrs(res))
	read := readProduct(t, m, productID)
	vs := variantNodes(read)
	require.Len(t, vs, 2)
	require.Equal(t, []any{"Red", float64(1), "Blue", float64(2)}, []any{vs[0]["title"], vs[0]["position"], vs[1]["title"], vs[1]["position"]})
	require.NotEqual(t, defaultID, vs[0]["id"])
	require.Equal(t, []any{map[string]any{"name": "Color", "values": []any{"Red", "Blue"},
		"optionValues": []any{map[string]any{"name": "Red", "hasVariants": true}, map[string]any{"name": "Blue", "hasVariants": true}}}}, read["options"])
	require.Equal(t, []string{TopicInventoryItemsCreate, TopicInventoryItemsCreate, TopicInventoryItemsDelete, TopicProductsUpdate}, m.topics())

	// PRESERVE_STANDALONE_VARIANT keeps a default variant (and its option).
	p = m.payload(t, "productCreate", productCreateMutation, map[string]any{"product": map[string]any{"title": "Cup"}})
	res = m.payload(t, "productVariantsBulkCreate", bulkCreateMutation, map[string]any{"productId": dig(p, "product", "id"), "strategy": "PRESERVE_STANDALONE_VARIANT",
		"variants": []any{map[string]any{"optionValues": []any{map[string]any{"optionName": "Title", "name": "Large"}}}}})
	require.Empty(t, userErrs(res))
	require.Equal(t, float64(2), dig(res, "product", "variantsCount", "count"))
}

func TestProductVariantsBulkUpdate(t *testing.T) {
	m := newMutShop(t)
	p, vs := m.simpleProduct(t, "Hat", "S", "M")
	productID := gidOf("Product", p.ID)
	s, mid := gidOf("ProductVariant", vs[0].ID), gidOf("ProductVariant", vs[1].ID)

	res := m.payload(t, "productVariantsBulkUpdate", bulkUpdateMutation, map[string]any{"productId": productID, "variants": []any{
		map[string]any{"id": s, "price": "11.5", "barcode": "999", "inventoryItem": map[string]any{"sku": "HAT-S2"}},
		map[string]any{"id": mid, "compareAtPrice": "20"},
	}})
	require.Empty(t, userErrs(res))
	require.Equal(t, map[string]any{"id": s, "sku": "HAT-S2", "price": "11.50", "barcode": "999"}, dig(res, "productVariants", 0))
	require.Equal(t, []string{TopicInventoryItemsUpdate, TopicProductsUpdate}, m.topics(), "one products/update for the batch")
	read := variantNodes(readProduct(t, m, productID))
	require.Equal(t, "HAT-S2", dig(read[0], "inventoryItem", "sku"))
	require.Equal(t, "20.00", read[1]["compareAtPrice"])

	// Option values move a variant to another combination, not onto one taken.
	res = m.payload(t, "productVariantsBulkUpdate", bulkUpdateMutation, map[string]any{"productId": productID, "variants": []any{
		map[string]any{"id": s, "optionValues": []any{map[string]any{"optionName": "Size", "name": "M"}}}}})
	requireUserError(t, res, "VARIANT_ALREADY_EXISTS", "variants", "0", "optionValues")
	res = m.payload(t, "productVariantsBulkUpdate", bulkUpdateMutation, map[string]any{"productId": productID, "variants": []any{
		map[string]any{"id": s, "optionValues": []any{map[string]any{"optionName": "Size", "name": "XS"}}}}})
	require.Empty(t, userErrs(res))
	require.Equal(t, "XS", variantNodes(readProduct(t, m, productID))[0]["title"])
	m.topics()

	_, otherVs := m.simpleProduct(t, "Cap", "X")
	for _, tc := range []struct {
		name    string
		variant map[string]any
		code    string
		field   []string
	}{
		{"no id", map[string]any{"price": "1"}, "PRODUCT_VARIANT_ID_MISSING", []string{"variants", "0", "id"}},
		{"unknown variant", map[string]any{"id": gidOf("ProductVariant", 1), "price": "1"}, "PRODUCT_VARIANT_DOES_NOT_EXIST", []string{"variants", "0", "id"}},
		{"another product's variant", map[string]any{"id": gidOf("ProductVariant", otherVs[0].ID), "price": "1"}, "MUST_BE_FOR_THIS_PRODUCT", []string{"variants", "0", "id"}},
		{"stock on update", map[string]any{"id": s, "inventoryQuantities": []any{map[string]any{"locationId": gidOf("Location", m.warehouse.ID), "availableQuantity": 1}}},
			"NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE", []string{"variants", "0", "inventoryQuantities"}},
		{"unknown option", map[string]any{"id": s, "optionValues": []any{map[string]any{"optionName": "Color", "name": "Red"}}}, "OPTION_DOES_NOT_EXIST", []string{"variants", "0", "optionValues", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := m.payload(t, "productVariantsBulkUpdate", bulkUpdateMutation, map[string]any{"productId": productID, "variants": []any{tc.variant}})
			requireUserError(t, res, tc.code, tc.field...)
		})
	}
	require.Empty(t, m.topics())

	// All or nothing by default; allowPartialUpdates applies the valid ones.
	batch := []any{map[string]any{"id": s, "price": "30"}, map[string]any{"id": gidOf("ProductVariant", 1), "price": "31"}}
	res = m.payload(t, "productVariantsBulkUpdate", bulkUpdateMutation, map[string]any{"productId": productID, "variants": batch})
	requireUserError(t, res, "PRODUCT_VARIANT_DOES_NOT_EXIST", "variants", "1", "id")
	require.Equal(t, "11.50", m.shop.Variant(vs[0].ID).Price)
	res = m.payload(t, "productVariantsBulkUpdate", bulkUpdateMutation, map[string]any{"productId": productID, "variants": batch, "partial": true})
	requireUserError(t, res, "PRODUCT_VARIANT_DOES_NOT_EXIST", "variants", "1", "id")
	require.Equal(t, []any{map[string]any{"id": s, "sku": "HAT-S2", "price": "30.00", "barcode": "999"}}, res["productVariants"])
	require.Equal(t, "30.00", m.shop.Variant(vs[0].ID).Price)
	require.Equal(t, []string{TopicProductsUpdate}, m.topics())
}

func TestProductVariantsBulkDelete(t *testing.T) {
	m := newMutShop(t)
	p, vs := m.simpleProduct(t, "Hat", "S", "M")
	productID := gidOf("Product", p.ID)
	q := `mutation($productId: ID!, $ids: [ID!]!) { productVariantsBulkDelete(productId: $productId, variantsIds: $ids) {
		product { variantsCount { count } } userErrors { code field message } } }`
	res := m.payload(t, "productVariantsBulkDelete", q, map[string]any{"productId": productID, "ids": []any{gidOf("ProductVariant", vs[0].ID)}})
	require.Empty(t, userErrs(res))
	require.Equal(t, float64(1), dig(res, "product", "variantsCount", "count"))
	require.Equal(t, []string{TopicInventoryItemsDelete, TopicProductsUpdate}, m.topics())
	read := variantNodes(readProduct(t, m, productID))
	require.Equal(t, []any{"M", float64(1)}, []any{read[0]["title"], read[0]["position"]})

	res = m.payload(t, "productVariantsBulkDelete", q, map[string]any{"productId": productID, "ids": []any{gidOf("ProductVariant", vs[1].ID)}})
	requireUserError(t, res, "CANNOT_DELETE_LAST_VARIANT", "variantsIds")
	res = m.payload(t, "productVariantsBulkDelete", q, map[string]any{"productId": productID, "ids": []any{gidOf("ProductVariant", vs[0].ID)}})
	requireUserError(t, res, "AT_LEAST_ONE_VARIANT_DOES_NOT_BELONG_TO_THE_PRODUCT", "variantsIds")
	res = m.payload(t, "productVariantsBulkDelete", q, map[string]any{"productId": gidOf("Product", 1), "ids": []any{gidOf("ProductVariant", vs[1].ID)}})
	requireUserError(t, res, "PRODUCT_DOES_NOT_EXIST", "productId")
	require.Empty(t, m.topics())
}

func TestProductVariantsBulkLimits(t *testing.T) {
	m := newMutShop(t)
	p, _ := m.simpleProduct(t, "Hat", "S")
	wh := gidOf("Location", m.warehouse.ID)
	many := func(n int, quantities int) []any {
		out := make([]any, n)
		for i := range out {
			qs := make([]any, quantities)
			for j := range qs {
				qs[j] = map[string]any{"locationId": wh, "availableQuantity": 1}
			}
			out[i] = sizeVariant(fmt.Sprint("V", i), map[string]any{"inventoryQuantities": qs})
		}
		return out
	}
	// More than 250 variants are fine (the limit is 2,048 per product)...
	res := m.payload(t, "productVariantsBulkCreate", bulkCreateMutation, map[string]any{"productId": gidOf("Product", p.ID), "variants": many(300, 0)})
	require.Empty(t, userErrs(res))
	require.Equal(t, float64(301), dig(res, "product", "variantsCount", "count"))
	// ...more than 2,048 are not.
	r := m.raw(t, bulkCreateMutation, map[string]any{"productId": gidOf("Product", p.ID), "variants": many(2049, 0)})
	require.Len(t, r.Errors, 1)
	require.Equal(t, "The input array size of 2049 is greater than the maximum allowed of 2048.", r.Errors[0]["message"])
	// Nor more than 50,000 inventory quantities in one call.
	res = m.payload(t, "productVariantsBulkCreate", bulkCreateMutation, map[string]any{"productId": gidOf("Product", p.ID), "variants": many(201, 250)})
	requireUserError(t, res, "INVENTORY_QUANTITIES_LIMIT_EXCEEDED", "variants")
	require.Equal(t, "Input contains 50250 inventory quantities, which exceeds the limit of 50000", userErrs(res)[0]["message"])
}
