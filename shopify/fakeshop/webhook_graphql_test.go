package fakeshop

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A change made through the GraphQL API goes through the same Shop methods
// as the Go API, so it is delivered the same way.
func TestWebhookDeliversChangesMadeOverGraphQL(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "viagql"})
	loc, err := shop.CreateLocation(LocationInput{Name: "Main"})
	require.NoError(t, err)
	_, err = shop.CreateProduct(ProductInput{Title: ptr("Cap")}, []VariantInput{{SKU: ptr("CAP-1"),
		Quantities: []LocationQuantity{{LocationID: loc.ID, Name: QtyAvailable, Quantity: 2}}}})
	require.NoError(t, err)
	item := shop.Variants(shop.Products()[0])[0].InventoryItemID
	rc := newReceiver(t, nil)
	subscribe(t, shop, "INVENTORY_LEVELS_UPDATE", rc.URL())

	data := query(t, srv, shop, `mutation Set($input: InventorySetQuantitiesInput!) {
	  inventorySetQuantities(input: $input) { userErrors { field message } } }`,
		map[string]any{"input": map[string]any{"reason": "correction", "name": "available", "quantities": []any{
			map[string]any{"inventoryItemId": gidOf("InventoryItem", item), "locationId": gidOf("Location", loc.ID), "quantity": 9, "changeFromQuantity": nil},
		}}})
	require.Empty(t, dig(data, "inventorySetQuantities", "userErrors"))
	flush(t, srv)

	got := rc.requests()
	require.Len(t, got, 1)
	assert.Equal(t, "inventory_levels/update", got[0].Header.Get("X-Shopify-Topic"))
	assert.Equal(t, hmacOf(shop.Secret(), got[0].Body), got[0].Header.Get("X-Shopify-Hmac-Sha256"))
	b := got[0].JSON(t)
	assert.Equal(t, json.Number("9"), b["available"])
	assert.Equal(t, item, mustInt64(t, b["inventory_item_id"]))
}
