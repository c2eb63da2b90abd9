package client

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
)

// TestPageSizesFitTheQueryCostCap computes the requested cost of every read
// at the page sizes of pages.go (and of the write mutations, whose result
// selections are fixed), so that neither a larger page size nor a field
// added to an operation can make a query Shopify refuses with
// MAX_COST_EXCEEDED.
func TestPageSizesFitTheQueryCostCap(t *testing.T) {
	names := []any{"available", "on_hand"}
	for name, tc := range map[string]struct {
		doc  string
		vars map[string]any
	}{
		"Products":               {Products_Operation, map[string]any{"first": ProductsPageSize, "variantsFirst": VariantsPerProduct}},
		"ProductVariantsPage":    {ProductVariantsPage_Operation, map[string]any{"first": VariantsPageSize}},
		"InventoryItems":         {InventoryItems_Operation, map[string]any{"first": InventoryItemsPageSize, "levelsFirst": LevelsPerItem, "quantityNames": names}},
		"InventoryLevelsPage":    {InventoryLevelsPage_Operation, map[string]any{"first": LevelsPageSize, "quantityNames": names}},
		"Collections":            {Collections_Operation, map[string]any{"first": CollectionsPageSize, "productsFirst": ProductsPerCollection}},
		"CollectionProductsPage": {CollectionProductsPage_Operation, map[string]any{"first": CollectionProductsPageSize}},
		"Orders":                 {Orders_Operation, map[string]any{"first": OrdersPageSize, "lineItemsFirst": LineItemsPerOrder}},
		"OrderLineItemsPage":     {OrderLineItemsPage_Operation, map[string]any{"first": LineItemsPageSize}},
		"Pages":                  {Pages_Operation, map[string]any{"first": ContentPageSize}},
		"Blogs":                  {Blogs_Operation, map[string]any{"first": ContentPageSize}},
		"Articles":               {Articles_Operation, map[string]any{"first": ContentPageSize}},
		"Locations":              {Locations_Operation, map[string]any{"first": LocationsPageSize}},
		"WebhookSubscriptions":   {WebhookSubscriptions_Operation, map[string]any{"first": WebhookSubscriptionsPageSize}},
		"BulkOperations":         {BulkOperations_Operation, map[string]any{"first": BulkOperationsPageSize}},
		"ProductSet":             {ProductSet_Operation, nil},
		"InventorySetQuantities": {InventorySetQuantities_Operation, nil},
		"OrderCreate":            {OrderCreate_Operation, nil},
	} {
		t.Run(name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(adminapi.Schema(), tc.doc)
			require.Empty(t, errs)
			got, err := cost.Calculator{Schema: adminapi.Schema()}.Requested(doc.Operations[0], tc.vars)
			require.NoError(t, err)
			require.LessOrEqual(t, got, cost.MaxQueryCost, "requested cost %d", got)
			t.Logf("%s: %d points", name, got)
		})
	}
}
