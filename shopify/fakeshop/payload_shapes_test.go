package fakeshop

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// offsetTime is a REST webhook timestamp: seconds and a numeric offset.
var offsetTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`)

// subscribeAll subscribes one receiver to every topic fakeshop emits.
func subscribeAll(t *testing.T, shop *Shop, url string) {
	t.Helper()
	for _, topic := range []string{"PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE", "INVENTORY_ITEMS_CREATE", "INVENTORY_ITEMS_UPDATE",
		"INVENTORY_ITEMS_DELETE", "INVENTORY_LEVELS_CONNECT", "INVENTORY_LEVELS_UPDATE", "LOCATIONS_CREATE", "COLLECTIONS_CREATE",
		"COLLECTIONS_UPDATE", "COLLECTIONS_DELETE", "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "APP_UNINSTALLED"} {
		subscribe(t, shop, topic, url)
	}
}

func TestWebhookPayloadShapes(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "shapes"})
	rc := newReceiver(t, nil)
	loc, err := shop.CreateLocation(LocationInput{Name: "Main", Address: Address{Address1: "1 Main St", City: "Ottawa", Country: "Canada", CountryCode: "CA", Zip: "K1A"}})
	require.NoError(t, err)
	subscribeAll(t, shop, rc.URL())
	annex, err := shop.CreateLocation(LocationInput{Name: "Annex", Address: Address{City: "Ottawa", Country: "Canada", CountryCode: "CA"}})
	require.NoError(t, err)

	p, err := shop.CreateProduct(ProductInput{Title: ptr("Shape Tee"), Vendor: ptr("Acme"), Tags: &[]string{"mens", "cotton"},
		Options: []OptionInput{{Name: "Size", Values: []string{"S", "M"}}}},
		[]VariantInput{
			{OptionValues: []SelectedOption{{Name: "Size", Value: "S"}}, SKU: ptr("TEE-S"), Barcode: ptr("0001"), Price: ptr("19.99"), CompareAtPrice: ptr("24.99"),
				Quantities: []LocationQuantity{{LocationID: loc.ID, Name: QtyAvailable, Quantity: 7}}},
			{OptionValues: []SelectedOption{{Name: "Size", Value: "M"}}, SKU: ptr("TEE-M"), Price: ptr("21.00")},
		})
	require.NoError(t, err)
	variants := shop.Variants(p)
	require.Len(t, variants, 2)
	clock.Advance(time.Minute)
	_, err = shop.UpdateProduct(p.ID, ProductInput{Status: ptr("DRAFT")})
	require.NoError(t, err)
	coll, err := shop.CreateCollection(CollectionInput{Title: ptr("Summer"), ProductIDs: []int64{p.ID}})
	require.NoError(t, err)
	o, err := shop.CreateOrder(OrderInput{Tags: []string{"web"}, Email: ptr("a@example.com"), LineItems: []LineItemInput{{VariantID: variants[0].ID, Quantity: 2}}})
	require.NoError(t, err)
	_, err = shop.CancelOrder(o.ID, "CUSTOMER", false)
	require.NoError(t, err)
	require.NoError(t, shop.DeleteCollection(coll.ID))
	require.NoError(t, shop.DeleteProduct(p.ID))
	shop.UninstallApp()
	flush(t, srv)
	got := rc.byTopic()

	t.Run("products/create", func(t *testing.T) {
		require.Len(t, got["products/create"], 1)
		b := got["products/create"][0].JSON(t)
		assert.Equal(t, p.ID, mustInt64(t, b["id"]))
		assert.Equal(t, "gid://shopify/Product/"+strconv.FormatInt(p.ID, 10), b["admin_graphql_api_id"])
		assert.Equal(t, "active", b["status"], "lowercase status")
		assert.Equal(t, "cotton, mens", b["tags"], "tags as one sorted, comma-space-joined string")
		assert.Equal(t, "Acme", b["vendor"])
		assert.Regexp(t, offsetTime, b["created_at"])
		assert.Equal(t, "2026-01-15T10:00:00+00:00", b["created_at"])
		vs := b["variants"].([]any)
		require.Len(t, vs, 2)
		v0 := vs[0].(map[string]any)
		assert.Equal(t, variants[0].ID, mustInt64(t, v0["id"]))
		assert.Equal(t, "TEE-S", v0["sku"])
		assert.Equal(t, "0001", v0["barcode"])
		assert.Equal(t, "19.99", v0["price"], "money as a string")
		assert.Equal(t, "24.99", v0["compare_at_price"])
		assert.Equal(t, json.Number("1"), v0["position"])
		assert.Equal(t, "S", v0["option1"])
		assert.Nil(t, v0["option2"])
		assert.Nil(t, v0["option3"])
		assert.Equal(t, variants[0].InventoryItemID, mustInt64(t, v0["inventory_item_id"]))
		assert.Equal(t, json.Number("7"), v0["inventory_quantity"])
		assert.Equal(t, "deny", v0["inventory_policy"])
		v1 := vs[1].(map[string]any)
		assert.Nil(t, v1["barcode"])
		assert.Nil(t, v1["compare_at_price"])
		gids := b["variant_gids"].([]any)
		require.Len(t, gids, 2)
		assert.Equal(t, "gid://shopify/ProductVariant/"+strconv.FormatInt(variants[1].ID, 10), gids[1].(map[string]any)["admin_graphql_api_id"])
		assert.Equal(t, "2026-01-15T10:00:00.000Z", gids[1].(map[string]any)["updated_at"])
	})
	t.Run("products/update and delete", func(t *testing.T) {
		var statuses []any
		for _, r := range got["products/update"] {
			statuses = append(statuses, r.JSON(t)["status"])
		}
		assert.Contains(t, statuses, "draft")
		require.Len(t, got["products/delete"], 1)
		assert.Equal(t, map[string]any{"id": json.Number(strconv.FormatInt(p.ID, 10))}, got["products/delete"][0].JSON(t))
	})
	t.Run("inventory", func(t *testing.T) {
		require.Len(t, got["inventory_items/create"], 2)
		var item map[string]any
		for _, r := range got["inventory_items/create"] {
			if b := r.JSON(t); mustInt64(t, b["id"]) == variants[0].InventoryItemID {
				item = b
			}
		}
		require.NotNil(t, item, "the first variant's item")
		assert.Equal(t, "TEE-S", item["sku"])
		assert.Equal(t, true, item["tracked"])
		assert.Equal(t, "gid://shopify/InventoryItem/"+strconv.FormatInt(variants[0].InventoryItemID, 10), item["admin_graphql_api_id"])

		require.Len(t, got["inventory_levels/connect"], 1)
		require.NotEmpty(t, got["inventory_levels/update"])
		lvl := got["inventory_levels/update"][0].JSON(t)
		assert.Equal(t, variants[0].InventoryItemID, mustInt64(t, lvl["inventory_item_id"]))
		assert.Equal(t, loc.ID, mustInt64(t, lvl["location_id"]))
		assert.Equal(t, json.Number("7"), lvl["available"])
		assert.Regexp(t, `^gid://shopify/InventoryLevel/\d+\?inventory_item_id=`+strconv.FormatInt(variants[0].InventoryItemID, 10)+`$`, lvl["admin_graphql_api_id"])
		assert.NotContains(t, lvl, "on_hand", "levels carry available only")

		require.Len(t, got["inventory_items/delete"], 2)
		del := got["inventory_items/delete"][0].JSON(t)
		assert.Contains(t, del, "id")
		assert.Contains(t, del, "admin_graphql_api_id")
		assert.NotContains(t, del, "sku")
	})
	t.Run("locations", func(t *testing.T) {
		require.Len(t, got["locations/create"], 1, "Main predates the subscription")
		b := got["locations/create"][0].JSON(t)
		assert.Equal(t, annex.ID, mustInt64(t, b["id"]))
		assert.Equal(t, "Annex", b["name"])
		assert.Equal(t, "CA", b["country_code"])
		assert.Equal(t, "Ottawa", b["city"])
		assert.Nil(t, b["address1"])
		assert.Equal(t, true, b["active"])
	})
	t.Run("collections", func(t *testing.T) {
		require.Len(t, got["collections/create"], 1)
		c := got["collections/create"][0].JSON(t)
		assert.Equal(t, coll.ID, mustInt64(t, c["id"]))
		assert.Equal(t, "summer", c["handle"])
		assert.Equal(t, "manual", c["sort_order"])
		assert.Equal(t, "web", c["published_scope"])
		require.Len(t, got["collections/delete"], 1)
		d := got["collections/delete"][0].JSON(t)
		assert.Len(t, d, 3)
		assert.Equal(t, "gid://shopify/Collection/"+strconv.FormatInt(coll.ID, 10), d["admin_graphql_api_id"])
	})
	t.Run("orders", func(t *testing.T) {
		require.Len(t, got["orders/create"], 1)
		b := got["orders/create"][0].JSON(t)
		assert.Equal(t, o.ID, mustInt64(t, b["id"]))
		assert.Equal(t, "#1001", b["name"])
		assert.Equal(t, "paid", b["financial_status"])
		assert.Nil(t, b["fulfillment_status"])
		assert.Nil(t, b["cancelled_at"])
		assert.Equal(t, "web", b["tags"])
		assert.Equal(t, "39.98", b["total_price"])
		lines := b["line_items"].([]any)
		require.Len(t, lines, 1)
		li := lines[0].(map[string]any)
		assert.Equal(t, variants[0].ID, mustInt64(t, li["variant_id"]))
		assert.Equal(t, p.ID, mustInt64(t, li["product_id"]))
		assert.Equal(t, "TEE-S", li["sku"])
		assert.Equal(t, json.Number("2"), li["quantity"])
		assert.Equal(t, "19.99", li["price"])
		assert.Regexp(t, `^gid://shopify/LineItem/\d+$`, li["admin_graphql_api_id"])

		require.Len(t, got["orders/cancelled"], 1)
		c := got["orders/cancelled"][0].JSON(t)
		assert.Equal(t, "customer", c["cancel_reason"])
		assert.Regexp(t, offsetTime, c["cancelled_at"])
		require.Len(t, got["orders/updated"], 1, "orders/updated, with -d")
	})
	t.Run("app/uninstalled", func(t *testing.T) {
		require.Len(t, got["app/uninstalled"], 1)
		b := got["app/uninstalled"][0].JSON(t)
		assert.Equal(t, "shapes.myshopify.com", b["myshopify_domain"])
	})
}

func TestWebhookPayloadTimesUseTheConfiguredOffset(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now, Webhooks: WebhookOptions{Location: ny}})
	shop := srv.AddShop(ShopConfig{Name: "eastern"})
	rc := newReceiver(t, nil)
	subscribe(t, shop, "LOCATIONS_CREATE", rc.URL())
	_, err = shop.CreateLocation(LocationInput{Name: "NYC"})
	require.NoError(t, err)
	flush(t, srv)
	got := rc.requests()
	require.Len(t, got, 1)
	assert.Equal(t, "2026-01-15T05:00:00-05:00", got[0].JSON(t)["created_at"])
}

func TestWebhookIncludeFieldsTrimsThePayload(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "trim"})
	rc := newReceiver(t, nil)
	_, err := shop.CreateWebhookSubscription(WebhookSubscriptionInput{Topic: "PRODUCTS_CREATE", URI: rc.URL(), IncludeFields: []string{"id", "variants.sku", "updated_at"}})
	require.NoError(t, err)
	_, err = shop.CreateProduct(ProductInput{Title: ptr("Trimmed")}, []VariantInput{{SKU: ptr("TRIM-1")}})
	require.NoError(t, err)
	flush(t, srv)
	got := rc.requests()
	require.Len(t, got, 1)
	b := got[0].JSON(t)
	assert.Len(t, b, 3)
	assert.Equal(t, []any{map[string]any{"sku": "TRIM-1"}}, b["variants"])
	assert.Equal(t, hmacOf(shop.Secret(), got[0].Body), got[0].Header.Get("X-Shopify-Hmac-Sha256"), "the trimmed body is what is signed")
}
