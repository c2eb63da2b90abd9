package fakeshop

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// catalog is a small seeded shop the read tests share.
type catalog struct {
	srv        *Server
	shop       *Shop
	clock      *testClock
	warehouse  *Location
	store      *Location
	shirt      *Product
	mug        *Product
	collection *Collection
	smart      *Collection
	page       *Page
	blog       *Blog
	article    *Article
	order      *Order
}

func seedCatalog(t *testing.T) *catalog {
	t.Helper()
	c := &catalog{clock: newTestClock()}
	c.srv = startServer(t, Options{Clock: c.clock.Now})
	c.shop = c.srv.AddShop(ShopConfig{Name: "catalog", Currency: "EUR"})
	var err error
	c.warehouse, err = c.shop.CreateLocation(LocationInput{Name: "Warehouse", Address: Address{Address1: "1 Dock Rd", City: "Hamburg", CountryCode: "DE", Country: "Germany", Zip: "20457"}})
	require.NoError(t, err)
	c.store, err = c.shop.CreateLocation(LocationInput{Name: "Store"})
	require.NoError(t, err)
	c.shirt, err = c.shop.CreateProduct(ProductInput{Title: ptr("Red Shirt"), Vendor: ptr("Acme"), ProductType: ptr("Shirts"), Tags: &[]string{"summer", "cotton"},
		DescriptionHTML: ptr("<p>Soft</p>"), SEO: &SEO{Title: ptr("Shirt!")}, Options: []OptionInput{{Name: "Size", Values: []string{"S", "M"}}}},
		[]VariantInput{
			{OptionValues: []SelectedOption{{"Size", "S"}}, Price: ptr("19.99"), CompareAtPrice: ptr("24.99"), SKU: ptr("SHIRT-S"), Barcode: ptr("400001"),
				Quantities: []LocationQuantity{{c.warehouse.ID, "available", 7}, {c.store.ID, "available", 2}}},
			{OptionValues: []SelectedOption{{"Size", "M"}}, Price: ptr("19.99"), SKU: ptr("SHIRT-M"), Barcode: ptr("400002"),
				Quantities: []LocationQuantity{{c.warehouse.ID, "on_hand", 5}}},
		})
	require.NoError(t, err)
	c.clock.Advance(10)
	c.mug, err = c.shop.CreateProduct(ProductInput{Title: ptr("Blue Mug"), Vendor: ptr("Potter"), Status: ptr("DRAFT")},
		[]VariantInput{{Price: ptr("8.50"), SKU: ptr("MUG-1")}})
	require.NoError(t, err)
	c.collection, err = c.shop.CreateCollection(CollectionInput{Title: ptr("Featured"), ProductIDs: []int64{c.mug.ID, c.shirt.ID}})
	require.NoError(t, err)
	c.smart, err = c.shop.CreateCollection(CollectionInput{Title: ptr("Summer"), RuleSet: &CollectionRuleSet{Rules: []CollectionRule{{"TAG", "EQUALS", "summer"}}}})
	require.NoError(t, err)
	c.page, err = c.shop.CreatePage(PageInput{Title: ptr("About us"), Body: ptr("<h1>Hello</h1> world")})
	require.NoError(t, err)
	c.blog, err = c.shop.CreateBlog(BlogInput{Title: ptr("News")})
	require.NoError(t, err)
	c.article, err = c.shop.CreateArticle(ArticleInput{BlogID: c.blog.ID, Title: ptr("Launch"), Author: ptr("Ann"), Body: ptr("<p>We launched</p>"), Tags: &[]string{"launch"}})
	require.NoError(t, err)
	shirtS := c.shop.Variants(c.shirt)[0]
	c.order, err = c.shop.CreateOrder(OrderInput{Email: ptr("buyer@example.com"), Tags: []string{"synced"},
		Customer:        &Customer{Email: ptr("buyer@example.com"), FirstName: ptr("Bo"), LastName: ptr("Buyer")},
		ShippingAddress: &Address{FirstName: "Bo", LastName: "Buyer", Address1: "2 Main St", City: "Berlin", CountryCode: "DE"},
		LineItems:       []LineItemInput{{VariantID: shirtS.ID, Quantity: 2}, {Title: ptr("Gift wrap"), Quantity: 1, Price: ptr("3.00")}}})
	require.NoError(t, err)
	return c
}

func (c *catalog) query(t *testing.T, q string, vars map[string]any) map[string]any {
	t.Helper()
	return query(t, c.srv, c.shop, q, vars)
}

func TestReadShop(t *testing.T) {
	c := seedCatalog(t)
	data := c.query(t, `{ shop { id name myshopifyDomain currencyCode plan { publicDisplayName shopifyPlus } primaryDomain { host } createdAt } }`, nil)
	require.Equal(t, map[string]any{"id": c.shop.GID(), "name": "catalog", "myshopifyDomain": "catalog.myshopify.com", "currencyCode": "EUR",
		"plan": map[string]any{"publicDisplayName": "Basic", "shopifyPlus": false}, "primaryDomain": map[string]any{"host": "catalog.myshopify.com"},
		"createdAt": "2026-01-15T10:00:00Z"}, data["shop"])
}

func TestReadProductsAndVariants(t *testing.T) {
	c := seedCatalog(t)
	data := c.query(t, `query($id: ID!) { product(id: $id) {
		id legacyResourceId title handle descriptionHtml vendor productType tags status seo { title description } templateSuffix
		createdAt updatedAt totalInventory tracksInventory hasOnlyDefaultVariant variantsCount { count precision }
		options { name position values optionValues { name hasVariants } }
		collections(first: 5) { nodes { title } }
		variants(first: 10) { edges { node { id title displayName sku barcode price compareAtPrice position inventoryQuantity inventoryPolicy
			selectedOptions { name value } inventoryItem { sku tracked } product { handle } } } }
	} }`, map[string]any{"id": gidOf("Product", c.shirt.ID)})
	p := data["product"].(map[string]any)
	require.Equal(t, gidOf("Product", c.shirt.ID), p["id"])
	require.Equal(t, strconv.FormatInt(c.shirt.ID, 10), p["legacyResourceId"], "UnsignedInt64 is a string")
	require.Equal(t, "red-shirt", p["handle"])
	require.Equal(t, []any{"cotton", "summer"}, p["tags"])
	require.Equal(t, "ACTIVE", p["status"])
	require.Equal(t, map[string]any{"title": "Shirt!", "description": nil}, p["seo"])
	require.Equal(t, "2026-01-15T10:00:00Z", p["createdAt"])
	require.Equal(t, 14.0, p["totalInventory"], "7+2 available for S, 5 on hand (all available) for M")
	require.Equal(t, false, p["hasOnlyDefaultVariant"])
	require.Equal(t, map[string]any{"count": 2.0, "precision": "EXACT"}, p["variantsCount"])
	require.Equal(t, []any{map[string]any{"name": "Size", "position": 1.0, "values": []any{"S", "M"},
		"optionValues": []any{map[string]any{"name": "S", "hasVariants": true}, map[string]any{"name": "M", "hasVariants": true}}}}, p["options"])
	require.ElementsMatch(t, []any{map[string]any{"title": "Featured"}, map[string]any{"title": "Summer"}}, dig(p, "collections", "nodes"))
	v0 := dig(p, "variants", "edges", 0, "node").(map[string]any)
	require.Equal(t, "S", v0["title"])
	require.Equal(t, "Red Shirt - S", v0["displayName"])
	require.Equal(t, "SHIRT-S", v0["sku"])
	require.Equal(t, "19.99", v0["price"], "Money is a string")
	require.Equal(t, "24.99", v0["compareAtPrice"])
	require.Equal(t, 9.0, v0["inventoryQuantity"])
	require.Equal(t, "DENY", v0["inventoryPolicy"])
	require.Equal(t, []any{map[string]any{"name": "Size", "value": "S"}}, v0["selectedOptions"])
	require.Equal(t, map[string]any{"sku": "SHIRT-S", "tracked": true}, v0["inventoryItem"])
	require.Equal(t, "red-shirt", dig(v0, "product", "handle"))
	require.Nil(t, dig(p, "variants", "edges", 1, "node", "compareAtPrice"))

	data = c.query(t, `{ products(first: 10) { nodes { title status } } productsCount { count }
		productVariants(first: 10) { nodes { sku } } productVariantsCount { count } }`, nil)
	require.Equal(t, []any{map[string]any{"title": "Red Shirt", "status": "ACTIVE"}, map[string]any{"title": "Blue Mug", "status": "DRAFT"}}, dig(data, "products", "nodes"))
	require.Equal(t, 2.0, dig(data, "productsCount", "count"))
	require.Equal(t, []any{map[string]any{"sku": "SHIRT-S"}, map[string]any{"sku": "SHIRT-M"}, map[string]any{"sku": "MUG-1"}}, dig(data, "productVariants", "nodes"))
	require.Equal(t, 3.0, dig(data, "productVariantsCount", "count"))

	v := c.shop.Variants(c.mug)[0]
	data = c.query(t, `query($id: ID!, $wrong: ID!) { productVariant(id: $id) { sku product { title } } wrongType: product(id: $wrong) { id }
		byHandle: productByIdentifier(identifier: {handle: "blue-mug"}) { title } }`,
		map[string]any{"id": gidOf("ProductVariant", v.ID), "wrong": gidOf("ProductVariant", v.ID)})
	require.Equal(t, map[string]any{"sku": "MUG-1", "product": map[string]any{"title": "Blue Mug"}}, data["productVariant"])
	require.Nil(t, data["wrongType"], "a valid GID of another type finds nothing")
	require.Equal(t, map[string]any{"title": "Blue Mug"}, data["byHandle"])
}

func TestReadInventory(t *testing.T) {
	c := seedCatalog(t)
	shirtS := c.shop.Variants(c.shirt)[0]
	level := c.shop.InventoryLevel(shirtS.InventoryItemID, c.warehouse.ID)
	require.NotNil(t, level)
	require.Equal(t, fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=%d", level.ID, shirtS.InventoryItemID), level.GID())

	data := c.query(t, `query($item: ID!, $level: ID!, $loc: ID!) {
		inventoryItem(id: $item) { id sku tracked requiresShipping variant { sku }
			inventoryLevels(first: 5) { nodes { id location { name } quantities(names: ["available", "on_hand", "committed", "incoming"]) { name quantity } } }
			inventoryLevel(locationId: $loc) { id } }
		inventoryLevel(id: $level) { id item { sku } location { name } quantities(names: ["available"]) { quantity } }
		inventoryItems(first: 10) { nodes { sku } }
	}`, map[string]any{"item": gidOf("InventoryItem", shirtS.InventoryItemID), "level": level.GID(), "loc": gidOf("Location", c.warehouse.ID)})
	item := data["inventoryItem"].(map[string]any)
	require.Equal(t, "SHIRT-S", item["sku"])
	require.Equal(t, map[string]any{"sku": "SHIRT-S"}, item["variant"])
	levels := dig(item, "inventoryLevels", "nodes").([]any)
	require.Len(t, levels, 2)
	require.Equal(t, level.GID(), dig(levels, 0, "id"))
	require.Equal(t, "Warehouse", dig(levels, 0, "location", "name"))
	require.Equal(t, []any{
		map[string]any{"name": "available", "quantity": 7.0}, map[string]any{"name": "on_hand", "quantity": 7.0},
		map[string]any{"name": "committed", "quantity": 0.0}, map[string]any{"name": "incoming", "quantity": 0.0},
	}, dig(levels, 0, "quantities"))
	require.Equal(t, level.GID(), dig(item, "inventoryLevel", "id"))
	require.Equal(t, map[string]any{"id": level.GID(), "item": map[string]any{"sku": "SHIRT-S"}, "location": map[string]any{"name": "Warehouse"},
		"quantities": []any{map[string]any{"quantity": 7.0}}}, data["inventoryLevel"])
	require.Len(t, dig(data, "inventoryItems", "nodes"), 3)

	// The level GID's inventory_item_id must match: Shopify's GIDs are
	// parameterized, and a mismatched parameter finds nothing.
	data = c.query(t, `query($id: ID!) { inventoryLevel(id: $id) { id } }`,
		map[string]any{"id": fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=1", level.ID)})
	require.Nil(t, data["inventoryLevel"])

	data = c.query(t, `query($id: ID!) { location(id: $id) { name isActive address { city countryCode formatted }
		inventoryLevels(first: 10) { nodes { item { sku } quantities(names: ["available"]) { quantity } } } } }`,
		map[string]any{"id": gidOf("Location", c.warehouse.ID)})
	loc := data["location"].(map[string]any)
	require.Equal(t, "Hamburg", dig(loc, "address", "city"))
	require.Equal(t, []any{"1 Dock Rd", "Hamburg 20457", "Germany"}, dig(loc, "address", "formatted"))
	require.Equal(t, []any{
		map[string]any{"item": map[string]any{"sku": "SHIRT-S"}, "quantities": []any{map[string]any{"quantity": 7.0}}},
		map[string]any{"item": map[string]any{"sku": "SHIRT-M"}, "quantities": []any{map[string]any{"quantity": 5.0}}},
	}, dig(loc, "inventoryLevels", "nodes"))

	data = c.query(t, `{ locations(first: 10) { nodes { name } } }`, nil)
	require.Equal(t, []any{map[string]any{"name": "Store"}, map[string]any{"name": "Warehouse"}}, dig(data, "locations", "nodes"), "sorted by NAME by default")
}

func TestReadCollections(t *testing.T) {
	c := seedCatalog(t)
	data := c.query(t, `query($id: ID!, $smart: ID!) {
		collection(id: $id) { title handle sortOrder ruleSet { appliedDisjunctively } productsCount { count } products(first: 10) { nodes { title } } }
		smart: collection(id: $smart) { sortOrder ruleSet { appliedDisjunctively rules { column relation condition } } products(first: 10) { nodes { title } } }
		collections(first: 10) { nodes { title } }
	}`, map[string]any{"id": gidOf("Collection", c.collection.ID), "smart": gidOf("Collection", c.smart.ID)})
	require.Equal(t, map[string]any{"title": "Featured", "handle": "featured", "sortOrder": "MANUAL", "ruleSet": nil,
		"productsCount": map[string]any{"count": 2.0},
		"products":      map[string]any{"nodes": []any{map[string]any{"title": "Blue Mug"}, map[string]any{"title": "Red Shirt"}}}}, data["collection"],
		"a manual collection keeps its own order")
	require.Equal(t, map[string]any{"sortOrder": "BEST_SELLING", "ruleSet": map[string]any{"appliedDisjunctively": false,
		"rules": []any{map[string]any{"column": "TAG", "relation": "EQUALS", "condition": "summer"}}},
		"products": map[string]any{"nodes": []any{map[string]any{"title": "Red Shirt"}}}}, data["smart"])
	require.Equal(t, []any{map[string]any{"title": "Featured"}, map[string]any{"title": "Summer"}}, dig(data, "collections", "nodes"))
}

func TestReadContent(t *testing.T) {
	c := seedCatalog(t)
	data := c.query(t, `query($page: ID!, $blog: ID!, $article: ID!) {
		page(id: $page) { title handle body bodySummary isPublished publishedAt }
		pages(first: 5) { nodes { handle } }
		blog(id: $blog) { title handle commentPolicy tags articles(first: 5) { nodes { title } } articlesCount { count } }
		blogs(first: 5) { nodes { handle } }
		article(id: $article) { title handle body tags isPublished author { name } blog { title } }
		articles(first: 5) { nodes { handle } }
	}`, map[string]any{"page": gidOf("Page", c.page.ID), "blog": gidOf("Blog", c.blog.ID), "article": gidOf("Article", c.article.ID)})
	require.Equal(t, map[string]any{"title": "About us", "handle": "about-us", "body": "<h1>Hello</h1> world", "bodySummary": "Hello world",
		"isPublished": true, "publishedAt": "2026-01-15T10:00:00Z"}, data["page"])
	require.Equal(t, []any{map[string]any{"handle": "about-us"}}, dig(data, "pages", "nodes"))
	require.Equal(t, map[string]any{"title": "News", "handle": "news", "commentPolicy": "MODERATED", "tags": []any{"launch"},
		"articles": map[string]any{"nodes": []any{map[string]any{"title": "Launch"}}}, "articlesCount": map[string]any{"count": 1.0}}, data["blog"])
	require.Equal(t, map[string]any{"title": "Launch", "handle": "launch", "body": "<p>We launched</p>", "tags": []any{"launch"}, "isPublished": true,
		"author": map[string]any{"name": "Ann"}, "blog": map[string]any{"title": "News"}}, data["article"])
	require.Equal(t, []any{map[string]any{"handle": "news"}}, dig(data, "blogs", "nodes"))
	require.Equal(t, []any{map[string]any{"handle": "launch"}}, dig(data, "articles", "nodes"))
}

func TestReadOrders(t *testing.T) {
	c := seedCatalog(t)
	data := c.query(t, `query($id: ID!) {
		order(id: $id) { name email tags currencyCode cancelledAt closed displayFinancialStatus
			customer { displayName email } shippingAddress { name city countryCodeV2 }
			totalPriceSet { shopMoney { amount currencyCode } }
			lineItems(first: 10) { nodes { title name sku quantity variant { sku } product { title } originalUnitPriceSet { shopMoney { amount } } } } }
		orders(first: 5) { nodes { name } }
	}`, map[string]any{"id": gidOf("Order", c.order.ID)})
	o := data["order"].(map[string]any)
	require.Equal(t, "#1001", o["name"])
	require.Equal(t, "EUR", o["currencyCode"])
	require.Nil(t, o["cancelledAt"])
	require.Equal(t, map[string]any{"displayName": "Bo Buyer", "email": "buyer@example.com"}, o["customer"])
	require.Equal(t, map[string]any{"name": "Bo Buyer", "city": "Berlin", "countryCodeV2": "DE"}, o["shippingAddress"])
	require.Equal(t, map[string]any{"amount": "42.98", "currencyCode": "EUR"}, dig(o, "totalPriceSet", "shopMoney"), "2 x 19.99 + 3.00")
	require.Equal(t, []any{
		map[string]any{"title": "Red Shirt", "name": "Red Shirt - S", "sku": "SHIRT-S", "quantity": 2.0, "variant": map[string]any{"sku": "SHIRT-S"},
			"product": map[string]any{"title": "Red Shirt"}, "originalUnitPriceSet": map[string]any{"shopMoney": map[string]any{"amount": "19.99"}}},
		map[string]any{"title": "Gift wrap", "name": "Gift wrap", "sku": nil, "quantity": 1.0, "variant": nil, "product": nil,
			"originalUnitPriceSet": map[string]any{"shopMoney": map[string]any{"amount": "3.00"}}},
	}, dig(o, "lineItems", "nodes"))
	require.Equal(t, []any{map[string]any{"name": "#1001"}}, dig(data, "orders", "nodes"))

	_, err := c.shop.CancelOrder(c.order.ID, "CUSTOMER", false)
	require.NoError(t, err)
	data = c.query(t, `query($id: ID!) { order(id: $id) { cancelledAt cancelReason closed } }`, map[string]any{"id": gidOf("Order", c.order.ID)})
	require.Equal(t, map[string]any{"cancelledAt": "2026-01-15T10:00:00Z", "cancelReason": "CUSTOMER", "closed": true}, data["order"])
}

func TestNodeAndNodes(t *testing.T) {
	c := seedCatalog(t)
	shirtS := c.shop.Variants(c.shirt)[0]
	level := c.shop.InventoryLevel(shirtS.InventoryItemID, c.warehouse.ID)
	ids := []any{
		gidOf("Product", c.shirt.ID), gidOf("ProductVariant", shirtS.ID), gidOf("InventoryItem", shirtS.InventoryItemID), level.GID(),
		gidOf("Location", c.warehouse.ID), gidOf("Collection", c.collection.ID), gidOf("Page", c.page.ID), gidOf("Blog", c.blog.ID),
		gidOf("Article", c.article.ID), gidOf("Order", c.order.ID), c.shop.GID(), gidOf("Product", 1),
	}
	data := c.query(t, `query($ids: [ID!]!, $one: ID!) {
		nodes(ids: $ids) { __typename id ... on Product { title } ... on ProductVariant { sku } ... on Order { name } }
		node(id: $one) { id ... on Location { name } }
	}`, map[string]any{"ids": ids, "one": gidOf("Location", c.store.ID)})
	nodes := data["nodes"].([]any)
	require.Len(t, nodes, len(ids))
	wantTypes := []string{"Product", "ProductVariant", "InventoryItem", "InventoryLevel", "Location", "Collection", "Page", "Blog", "Article", "Order", "Shop"}
	for i, typ := range wantTypes {
		require.Equal(t, typ, dig(nodes, i, "__typename"), i)
		require.Equal(t, ids[i], dig(nodes, i, "id"), i)
	}
	require.Equal(t, "Red Shirt", dig(nodes, 0, "title"))
	require.Equal(t, "SHIRT-S", dig(nodes, 1, "sku"))
	require.Equal(t, "#1001", dig(nodes, 9, "name"))
	require.Nil(t, nodes[11], "an unknown id is null in nodes")
	require.Equal(t, map[string]any{"id": gidOf("Location", c.store.ID), "name": "Store"}, data["node"])
}
