package fakeshop

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

const productSetMutation = `mutation Set($input: ProductSetInput!, $identifier: ProductSetIdentifiers, $sync: Boolean) {
  productSet(input: $input, identifier: $identifier, synchronous: $sync) {
    product { id handle title }
    productSetOperation { id status product { id } userErrors { code field message } }
    userErrors { code field message }
  }
}`

const productReadQuery = `query($id: ID!) { product(id: $id) {
  id title handle vendor tags status
  options { name values optionValues { name hasVariants } }
  variants(first: 50) { nodes { id title sku barcode price compareAtPrice position inventoryQuantity
    selectedOptions { name value } inventoryItem { id sku tracked } } }
} }`

func readProduct(t *testing.T, m *mutShop, id any) map[string]any {
	t.Helper()
	p, _ := m.do(t, productReadQuery, map[string]any{"id": id})["product"].(map[string]any)
	return p
}

func variantNodes(p map[string]any) []map[string]any {
	var out []map[string]any
	for _, n := range dig(p, "variants", "nodes").([]any) {
		out = append(out, n.(map[string]any))
	}
	return out
}

func sizeOptions(values ...string) []any {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = map[string]any{"name": v}
	}
	return []any{map[string]any{"name": "Size", "values": vs}}
}

func sizeVariant(size string, extra map[string]any) map[string]any {
	v := map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": size}}}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func TestProductSetCreatesThenReplacesVariants(t *testing.T) {
	m := newMutShop(t)
	wh, st := gidOf("Location", m.warehouse.ID), gidOf("Location", m.store.ID)
	input := map[string]any{
		"title": "Trail Shoe", "vendor": "Acme", "tags": []any{"run", "trail"},
		"productOptions": sizeOptions("S", "M"),
		"variants": []any{
			sizeVariant("S", map[string]any{"sku": "SHOE-S", "barcode": "111", "price": "50", "compareAtPrice": "60.5",
				"inventoryQuantities": []any{map[string]any{"locationId": wh, "name": "available", "quantity": 5}}}),
			sizeVariant("M", map[string]any{"inventoryItem": map[string]any{"sku": "SHOE-M"}, "price": "55.00",
				"inventoryQuantities": []any{map[string]any{"locationId": st, "name": "on_hand", "quantity": 3}}}),
		},
	}
	p := m.payload(t, "productSet", productSetMutation, map[string]any{"input": input})
	require.Empty(t, userErrs(p))
	require.Nil(t, p["productSetOperation"], "synchronous by default")
	productID := dig(p, "product", "id")
	require.Equal(t, "trail-shoe", dig(p, "product", "handle"))
	require.Equal(t, []int{5, 3}, m.connected(), "each connect carries the available quantity the mutation left (S: available 5, M: on_hand 3)")
	require.Equal(t, []string{TopicInventoryItemsCreate, TopicInventoryLevelsConnect, TopicInventoryLevelsUpdate,
		TopicInventoryItemsCreate, TopicInventoryLevelsConnect, TopicInventoryLevelsUpdate, TopicProductsCreate}, m.topics())

	read := readProduct(t, m, productID)
	require.Equal(t, "Acme", read["vendor"])
	require.Equal(t, []any{"run", "trail"}, read["tags"])
	vs := variantNodes(read)
	require.Len(t, vs, 2)
	require.Equal(t, "S", vs[0]["title"])
	require.Equal(t, "SHOE-S", vs[0]["sku"])
	require.Equal(t, "111", vs[0]["barcode"])
	require.Equal(t, "50.00", vs[0]["price"])
	require.Equal(t, "60.50", vs[0]["compareAtPrice"])
	require.Equal(t, float64(5), vs[0]["inventoryQuantity"])
	require.Equal(t, "SHOE-M", dig(vs[1], "inventoryItem", "sku"))
	require.Equal(t, float64(3), vs[1]["inventoryQuantity"])
	require.Equal(t, float64(2), vs[1]["position"])

	// Upsert by handle with only M (plus a new L): S is deleted, M keeps its
	// id and gets its stock changed where it is stocked.
	mID, sID := vs[1]["id"], vs[0]["id"]
	upsert := map[string]any{
		"handle": "trail-shoe", "title": "Trail Shoe 2",
		"productOptions": sizeOptions("M", "L"),
		"variants": []any{
			sizeVariant("L", map[string]any{"sku": "SHOE-L", "price": "56"}),
			sizeVariant("M", map[string]any{"id": mID, "price": "49.99", "position": 1,
				"inventoryQuantities": []any{map[string]any{"locationId": st, "name": "available", "quantity": 8}}}),
		},
	}
	p = m.payload(t, "productSet", productSetMutation, map[string]any{"input": upsert, "identifier": map[string]any{"handle": "trail-shoe"}})
	require.Empty(t, userErrs(p))
	require.Equal(t, productID, dig(p, "product", "id"), "upserted in place")
	require.Equal(t, []string{TopicInventoryItemsDelete, TopicInventoryLevelsUpdate, TopicInventoryItemsCreate, TopicProductsUpdate}, m.topics())
	read = readProduct(t, m, productID)
	require.Equal(t, "Trail Shoe 2", read["title"])
	vs = variantNodes(read)
	require.Len(t, vs, 2)
	require.Equal(t, []any{mID, "M", "49.99", float64(1), float64(8)}, []any{vs[0]["id"], vs[0]["title"], vs[0]["price"], vs[0]["position"], vs[0]["inventoryQuantity"]})
	require.Equal(t, []any{"L", "SHOE-L", float64(2), float64(0)}, []any{vs[1]["title"], vs[1]["sku"], vs[1]["position"], vs[1]["inventoryQuantity"]})
	require.Equal(t, []any{map[string]any{"name": "Size", "values": []any{"M", "L"},
		"optionValues": []any{map[string]any{"name": "M", "hasVariants": true}, map[string]any{"name": "L", "hasVariants": true}}}}, read["options"])
	require.Nil(t, m.do(t, `query($id: ID!) { productVariant(id: $id) { id } }`, map[string]any{"id": sID})["productVariant"], "omitted variant deleted")

	// An existing variant's stock can only be set where it is stocked.
	upsert["variants"] = []any{sizeVariant("M", map[string]any{"id": mID,
		"inventoryQuantities": []any{map[string]any{"locationId": wh, "name": "available", "quantity": 1}}})}
	upsert["productOptions"] = sizeOptions("M")
	p = m.payload(t, "productSet", productSetMutation, map[string]any{"input": upsert, "identifier": map[string]any{"handle": "trail-shoe"}})
	requireUserError(t, p, "INVALID_INPUT", "input", "variants", "0", "inventoryQuantities", "0", "locationId")
	require.Empty(t, m.topics())
	require.Len(t, variantNodes(readProduct(t, m, productID)), 2, "a failed productSet changes nothing")

	// A handle that no product has: the upsert creates it.
	p = m.payload(t, "productSet", productSetMutation, map[string]any{"input": map[string]any{"handle": "new-hat", "title": "Hat"}, "identifier": map[string]any{"handle": "new-hat"}})
	require.Empty(t, userErrs(p))
	require.NotEqual(t, productID, dig(p, "product", "id"))
	require.Equal(t, "new-hat", dig(p, "product", "handle"))
	require.Equal(t, []any{"Default Title"}, dig(readProduct(t, m, dig(p, "product", "id")), "options", 0, "values"))
}

func TestProductSetUserErrors(t *testing.T) {
	m := newMutShop(t)
	existing, vs := m.simpleProduct(t, "Hat", "S", "M")
	other, otherVs := m.simpleProduct(t, "Cap", "X")
	pid := gidOf("Product", existing.ID)
	withVariants := func(extra map[string]any) map[string]any {
		in := map[string]any{"productOptions": sizeOptions("S", "M"), "variants": []any{sizeVariant("S", nil)}}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	for _, tc := range []struct {
		name  string
		vars  map[string]any
		code  string
		field []string
	}{
		{"explicit handle taken", map[string]any{"input": map[string]any{"title": "Hat", "handle": other.Handle}}, "HANDLE_NOT_UNIQUE", []string{"input", "handle"}},
		{"unknown identifier id", map[string]any{"input": map[string]any{"title": "x"}, "identifier": map[string]any{"id": gidOf("Product", 1)}}, "NOT_FOUND", []string{"identifier", "id"}},
		{"deprecated input.id unknown", map[string]any{"input": map[string]any{"id": gidOf("Product", 1)}}, "PRODUCT_DOES_NOT_EXIST", []string{"input", "id"}},
		{"id beside an identifier", map[string]any{"input": map[string]any{"id": pid}, "identifier": map[string]any{"id": pid}}, "ID_NOT_ALLOWED", []string{"input", "id"}},
		{"handle identifier without input.handle", map[string]any{"input": map[string]any{"title": "x"}, "identifier": map[string]any{"handle": "hat"}}, "MISSING_FIELD_REQUIRED", []string{"input", "handle"}},
		{"handle identifier unlike input.handle", map[string]any{"input": map[string]any{"handle": "cap"}, "identifier": map[string]any{"handle": "hat"}}, "INPUT_MISMATCH", []string{"input", "handle"}},
		{"variants without options", map[string]any{"input": map[string]any{"variants": []any{sizeVariant("S", nil)}}, "identifier": map[string]any{"id": pid}}, "PRODUCT_OPTIONS_INPUT_MISSING", []string{"input", "productOptions"}},
		{"options without variants", map[string]any{"input": map[string]any{"productOptions": sizeOptions("S")}, "identifier": map[string]any{"id": pid}}, "VARIANTS_INPUT_MISSING", []string{"input", "variants"}},
		{"value not among the options", map[string]any{"input": withVariants(map[string]any{"variants": []any{sizeVariant("XL", nil)}}), "identifier": map[string]any{"id": pid}}, "OPTION_VALUE_DOES_NOT_EXIST", []string{"input", "variants", "0", "optionValues", "0"}},
		{"another product's variant", map[string]any{"input": withVariants(map[string]any{"variants": []any{sizeVariant("S", map[string]any{"id": gidOf("ProductVariant", otherVs[0].ID)})}}), "identifier": map[string]any{"id": pid}}, "PRODUCT_VARIANT_DOES_NOT_EXIST", []string{"input", "variants", "0", "id"}},
		{"the same combination twice", map[string]any{"input": withVariants(map[string]any{"variants": []any{sizeVariant("S", nil), sizeVariant("S", nil)}}), "identifier": map[string]any{"id": pid}}, "INVALID_VARIANT", []string{"input", "variants", "1", "optionValues"}},
		{"four options", map[string]any{"input": withVariants(map[string]any{"productOptions": []any{
			map[string]any{"name": "A", "values": []any{map[string]any{"name": "1"}}}, map[string]any{"name": "B", "values": []any{map[string]any{"name": "1"}}},
			map[string]any{"name": "C", "values": []any{map[string]any{"name": "1"}}}, map[string]any{"name": "D", "values": []any{map[string]any{"name": "1"}}}}}), "identifier": map[string]any{"id": pid}},
			"OPTIONS_OVER_LIMIT", []string{"input", "productOptions"}},
		{"no title on create", map[string]any{"input": map[string]any{"vendor": "x"}}, "INVALID_PRODUCT", []string{"input", "title"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := m.payload(t, "productSet", productSetMutation, tc.vars)
			requireUserError(t, p, tc.code, tc.field...)
			require.Nil(t, p["product"])
		})
	}
	require.Empty(t, m.topics())
	require.Len(t, m.shop.Variants(m.shop.Product(existing.ID)), len(vs))
	require.Len(t, m.shop.Products(), 2)
}

func TestProductSetAsynchronousAndCollections(t *testing.T) {
	m := newMutShop(t)
	manual, err := m.shop.CreateCollection(CollectionInput{Title: ptr("Manual")})
	require.NoError(t, err)
	old, err := m.shop.CreateCollection(CollectionInput{Title: ptr("Old")})
	require.NoError(t, err)
	p, _ := m.simpleProduct(t, "Hat", "S")
	_, err = m.shop.AddProductsToCollection(old.ID, []int64{p.ID})
	require.NoError(t, err)
	m.topics()

	// collections is a list field: the product leaves the ones omitted.
	res := m.payload(t, "productSet", productSetMutation, map[string]any{"sync": false, "identifier": map[string]any{"id": gidOf("Product", p.ID)},
		"input": map[string]any{"collections": []any{gidOf("Collection", manual.ID)}}})
	require.Empty(t, userErrs(res))
	require.Nil(t, res["product"])
	op := res["productSetOperation"].(map[string]any)
	require.Equal(t, "COMPLETE", op["status"])
	require.Equal(t, gidOf("Product", p.ID), dig(op, "product", "id"))
	require.Contains(t, op["id"], "gid://shopify/ProductSetOperation/")
	require.Equal(t, []string{TopicProductsUpdate, TopicCollectionsUpdate, TopicCollectionsUpdate}, m.topics())
	require.Equal(t, []int64{p.ID}, m.shop.Collection(manual.ID).ProductIDs)
	require.Empty(t, m.shop.Collection(old.ID).ProductIDs)

	// Asynchronous failures are the operation's userErrors.
	res = m.payload(t, "productSet", productSetMutation, map[string]any{"sync": false, "input": map[string]any{"title": "Hat", "handle": p.Handle}})
	require.Empty(t, userErrs(res))
	require.Equal(t, "HANDLE_NOT_UNIQUE", dig(res, "productSetOperation", "userErrors", 0, "code"))
	require.Nil(t, dig(res, "productSetOperation", "product"))
}

func TestProductSetTakesMoreThan250Variants(t *testing.T) {
	m := newMutShop(t)
	var values, variants []any
	for i := range 300 {
		values = append(values, map[string]any{"name": fmt.Sprint("V", i)})
		variants = append(variants, map[string]any{"optionValues": []any{map[string]any{"optionName": "Number", "name": fmt.Sprint("V", i)}}})
	}
	// 300 values in one option would break the 250 rule too; the limit
	// exempts only the variants list, so split the values over two options.
	opts := []any{map[string]any{"name": "Number", "values": values[:250]}}
	res := m.raw(t, productSetMutation, map[string]any{"input": map[string]any{"title": "Many", "productOptions": opts, "variants": variants[:250]}})
	require.Empty(t, res.Errors)
	res = m.raw(t, `mutation($input: ProductSetInput!) { productSet(input: $input) { userErrors { code field } } }`,
		map[string]any{"input": map[string]any{"title": "Many", "productOptions": opts, "variants": variants}})
	require.Empty(t, res.Errors, "the variants list is not capped at 250")
	require.Equal(t, "OPTION_VALUE_DOES_NOT_EXIST", dig(res.Data, "productSet", "userErrors", 0, "code"), "variant 250 names a value the option lacks")
	require.Equal(t, []any{"input", "variants", "250", "optionValues", "0"}, dig(res.Data, "productSet", "userErrors", 0, "field"))
}

const productCreateMutation = `mutation Create($product: ProductCreateInput) {
  productCreate(product: $product) { product { id handle status } shop { id } userErrors { field message } }
}`

func TestProductCreateMakesOnlyTheInitialVariant(t *testing.T) {
	m := newMutShop(t)
	coll, err := m.shop.CreateCollection(CollectionInput{Title: ptr("Featured")})
	require.NoError(t, err)
	m.topics()
	p := m.payload(t, "productCreate", productCreateMutation, map[string]any{"product": map[string]any{
		"title": "Tee", "status": "DRAFT", "collectionsToJoin": []any{gidOf("Collection", coll.ID)},
		"productOptions": []any{
			map[string]any{"name": "Color", "values": []any{map[string]any{"name": "Red"}, map[string]any{"name": "Blue"}}},
			map[string]any{"name": "Size", "values": []any{map[string]any{"name": "S"}}},
		}}})
	require.Empty(t, userErrs(p))
	require.Equal(t, "DRAFT", dig(p, "product", "status"))
	require.Equal(t, m.shop.GID(), dig(p, "shop", "id"))
	read := readProduct(t, m, dig(p, "product", "id"))
	vs := variantNodes(read)
	require.Len(t, vs, 1)
	require.Equal(t, "Red / S", vs[0]["title"])
	require.Equal(t, []any{map[string]any{"name": "Red", "hasVariants": true}, map[string]any{"name": "Blue", "hasVariants": false}}, dig(read, "options", 0, "optionValues"))
	require.Equal(t, []string{TopicInventoryItemsCreate, TopicProductsCreate, TopicCollectionsUpdate}, m.topics())
	require.Len(t, m.shop.Collection(coll.ID).ProductIDs, 1)

	p = m.payload(t, "productCreate", productCreateMutation, map[string]any{"product": map[string]any{"title": " "}})
	requireUserError(t, p, nil, "product", "title")
	p = m.payload(t, "productCreate", productCreateMutation, map[string]any{"product": map[string]any{"title": "Tee 2", "handle": "tee"}})
	requireUserError(t, p, nil, "product", "handle")
	require.Empty(t, m.topics())
}

const productUpdateMutation = `mutation Update($product: ProductUpdateInput) {
  productUpdate(product: $product) { product { id title handle variantsCount { count } } userErrors { field message } }
}`

func TestProductUpdateLeavesVariantsAlone(t *testing.T) {
	m := newMutShop(t)
	p, vs := m.simpleProduct(t, "Hat", "S", "M")
	other, _ := m.simpleProduct(t, "Cap", "X")
	res := m.payload(t, "productUpdate", productUpdateMutation, map[string]any{"product": map[string]any{"id": gidOf("Product", p.ID), "title": "Sun Hat", "tags": []any{"b", "a"}}})
	require.Empty(t, userErrs(res))
	require.Equal(t, "Sun Hat", dig(res, "product", "title"))
	require.Equal(t, float64(2), dig(res, "product", "variantsCount", "count"))
	require.Equal(t, []string{TopicProductsUpdate}, m.topics())
	read := readProduct(t, m, gidOf("Product", p.ID))
	require.Equal(t, []any{"a", "b"}, read["tags"])
	require.Equal(t, gidOf("ProductVariant", vs[0].ID), variantNodes(read)[0]["id"])

	res = m.payload(t, "productUpdate", productUpdateMutation, map[string]any{"product": map[string]any{"id": gidOf("Product", 1), "title": "x"}})
	requireUserError(t, res, nil, "product", "id")
	res = m.payload(t, "productUpdate", productUpdateMutation, map[string]any{"product": map[string]any{"id": gidOf("Product", p.ID), "handle": other.Handle}})
	requireUserError(t, res, nil, "product", "handle")
	require.Empty(t, m.topics())
}

func TestProductDelete(t *testing.T) {
	m := newMutShop(t)
	p, _ := m.simpleProduct(t, "Hat", "S")
	q := `mutation($id: ID!, $sync: Boolean) { productDelete(input: {id: $id}, synchronous: $sync) {
		deletedProductId productDeleteOperation { status deletedProductId } shop { id } userErrors { field message } } }`
	res := m.payload(t, "productDelete", q, map[string]any{"id": gidOf("Product", p.ID)})
	require.Empty(t, userErrs(res))
	require.Equal(t, gidOf("Product", p.ID), res["deletedProductId"])
	require.Nil(t, readProduct(t, m, gidOf("Product", p.ID)))
	require.Equal(t, []string{TopicInventoryItemsDelete, TopicProductsDelete}, m.topics())

	res = m.payload(t, "productDelete", q, map[string]any{"id": gidOf("Product", p.ID)})
	requireUserError(t, res, nil, "input", "id")
	require.Equal(t, m.shop.GID(), dig(res, "shop", "id"))

	p2, _ := m.simpleProduct(t, "Cap", "S")
	res = m.payload(t, "productDelete", q, map[string]any{"id": gidOf("Product", p2.ID), "sync": false})
	require.Nil(t, res["deletedProductId"])
	require.Equal(t, map[string]any{"status": "COMPLETE", "deletedProductId": gidOf("Product", p2.ID)}, res["productDeleteOperation"])
	require.Nil(t, m.shop.Product(p2.ID))
}

func TestIdempotentDirectiveOnlyWhereDocumented(t *testing.T) {
	m := newMutShop(t)
	p, _ := m.simpleProduct(t, "Hat", "HAT")
	res := m.raw(t, fmt.Sprintf(`mutation { productDelete(input: {id: %q}) @idempotent(key: "x") { deletedProductId } }`, gidOf("Product", p.ID)), nil)
	require.Len(t, res.Errors, 1, string(res.Raw))
	require.Contains(t, res.Errors[0]["message"], "@idempotent directive is not supported on productDelete")
	require.NotNil(t, m.shop.Product(p.ID), "nothing applied")
}
