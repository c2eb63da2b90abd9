package client

// Page sizes for the reconciliation reads. Each is as large as it can be
// while the query's requested cost (Shopify's static count: every object
// per item, times the page sizes above it) stays under the 1,000-point cap
// of a single query; pages_test.go computes them with shopify/cost. Nested
// pages are sized for the common case (a product with up to 10 variants);
// an item with more is finished with its *Page query
// (ProductVariantsPage, InventoryLevelsPage, CollectionProductsPage,
// OrderLineItemsPage).
const (
	ProductsPageSize             = 20  // Products: with VariantsPerProduct, about 900 points
	VariantsPerProduct           = 10  // nested in Products
	VariantsPageSize             = 200 // ProductVariantsPage: about 800 points
	InventoryItemsPageSize       = 25  // InventoryItems: with LevelsPerItem, about 850 points
	LevelsPerItem                = 10  // nested in InventoryItems
	LevelsPageSize               = 250 // InventoryLevelsPage
	CollectionsPageSize          = 20  // Collections: with ProductsPerCollection, about 900 points
	ProductsPerCollection        = 40  // nested in Collections
	CollectionProductsPageSize   = 250 // CollectionProductsPage
	OrdersPageSize               = 10  // Orders: with LineItemsPerOrder, about 900 points
	LineItemsPerOrder            = 8   // nested in Orders
	LineItemsPageSize            = 100 // OrderLineItemsPage: about 900 points
	ContentPageSize              = 250 // Pages, Blogs, Articles
	LocationsPageSize            = 250 // Locations
	WebhookSubscriptionsPageSize = 250 // WebhookSubscriptions
	BulkOperationsPageSize       = 50  // BulkOperations
)
