package mirror_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// Bulk JSONL lines as Shopify writes them (slashes escaped), and the same
// objects as webhook payloads (REST: numeric ids, lower-case enums, tags in
// one string, times with offsets, decimals written differently).
var (
	gqlProduct  = `{"id":"gid:\/\/shopify\/Product\/1","handle":"blue-shirt","title":"Blue shirt","descriptionHtml":"<p>Soft<\/p>","vendor":"Acme","productType":"Shirt","status":"ACTIVE","tags":["summer","cotton"],"options":[{"id":"gid:\/\/shopify\/ProductOption\/11","name":"Size","position":1,"values":["S","M"]}],"templateSuffix":null,"publishedAt":"2026-01-15T10:00:00Z","createdAt":"2026-01-10T10:00:00Z","updatedAt":"2026-01-15T10:00:00Z"}`
	gqlVariantS = `{"id":"gid:\/\/shopify\/ProductVariant\/21","title":"S","sku":"BS-S","barcode":null,"price":"10.00","compareAtPrice":"12.00","position":1,"taxable":true,"inventoryPolicy":"DENY","selectedOptions":[{"name":"Size","value":"S"}],"inventoryItem":{"id":"gid:\/\/shopify\/InventoryItem\/31"},"createdAt":"2026-01-10T10:00:00Z","updatedAt":"2026-01-15T10:00:00Z","__parentId":"gid:\/\/shopify\/Product\/1"}`
	gqlVariantM = `{"id":"gid:\/\/shopify\/ProductVariant\/22","title":"M","sku":"BS-M","barcode":"4006381333931","price":"10.00","compareAtPrice":null,"position":2,"taxable":true,"inventoryPolicy":"CONTINUE","selectedOptions":[{"name":"Size","value":"M"}],"inventoryItem":{"id":"gid:\/\/shopify\/InventoryItem\/32"},"createdAt":"2026-01-10T10:00:00Z","updatedAt":"2026-01-15T10:00:00Z","__parentId":"gid:\/\/shopify\/Product\/1"}`
	restProduct = `{"id":1,"admin_graphql_api_id":"gid://shopify/Product/1","title":"Blue shirt","handle":"blue-shirt","body_html":"<p>Soft</p>","vendor":"Acme","product_type":"Shirt","status":"active","tags":"cotton, summer","template_suffix":null,"published_scope":"web","published_at":"2026-01-15T05:00:00-05:00","created_at":"2026-01-10T05:00:00-05:00","updated_at":"2026-01-15T05:00:00-05:00",
		"variants":[{"id":21,"admin_graphql_api_id":"gid://shopify/ProductVariant/21","product_id":1,"title":"S","sku":"BS-S","barcode":null,"price":"10.0","compare_at_price":"12","position":1,"inventory_policy":"deny","taxable":true,"inventory_item_id":31,"inventory_quantity":5,"option1":"S","option2":null,"option3":null,"created_at":"2026-01-10T05:00:00-05:00","updated_at":"2026-01-15T05:00:00-05:00"},
		            {"id":22,"admin_graphql_api_id":"gid://shopify/ProductVariant/22","product_id":1,"title":"M","sku":"BS-M","barcode":"4006381333931","price":"10.00","compare_at_price":null,"position":2,"inventory_policy":"continue","taxable":true,"inventory_item_id":32,"inventory_quantity":0,"option1":"M","option2":null,"option3":null,"created_at":"2026-01-10T05:00:00-05:00","updated_at":"2026-01-15T05:00:00-05:00"}],
		"variant_gids":[{"admin_graphql_api_id":"gid://shopify/ProductVariant/21","updated_at":"2026-01-15T10:00:00.000Z"},{"admin_graphql_api_id":"gid://shopify/ProductVariant/22","updated_at":"2026-01-15T10:00:00.000Z"}],
		"options":[{"id":11,"product_id":1,"name":"Size","position":1,"values":["S","M"]}],"images":[],"image":null}`

	gqlLocation  = `{"id":"gid:\/\/shopify\/Location\/51","name":"Warehouse","isActive":true,"fulfillsOnlineOrders":false,"updatedAt":"2026-01-15T10:00:00Z"}`
	restLocation = `{"id":51,"admin_graphql_api_id":"gid://shopify/Location/51","name":"Warehouse","address1":null,"active":true,"legacy":false,"updated_at":"2026-01-15T10:00:00+00:00"}`
	gqlItem      = `{"id":"gid:\/\/shopify\/InventoryItem\/31","sku":"BS-S","tracked":true,"requiresShipping":true,"unitCost":{"amount":"4.5","currencyCode":"EUR"},"createdAt":"2026-01-10T10:00:00Z","updatedAt":"2026-01-15T10:00:00Z"}`
	restItem     = `{"id":31,"admin_graphql_api_id":"gid://shopify/InventoryItem/31","sku":"BS-S","tracked":true,"requires_shipping":true,"cost":"4.50","created_at":"2026-01-10T10:00:00Z","updated_at":"2026-01-15T10:00:00Z"}`
	gqlLevel     = `{"id":"gid:\/\/shopify\/InventoryLevel\/41?inventory_item_id=31","location":{"id":"gid:\/\/shopify\/Location\/51"},"quantities":[{"name":"available","quantity":5},{"name":"on_hand","quantity":7}],"updatedAt":"2026-01-15T10:00:00Z","__parentId":"gid:\/\/shopify\/InventoryItem\/31"}`
	restLevel    = `{"inventory_item_id":31,"location_id":51,"available":5,"updated_at":"2026-01-15T10:00:00+00:00","admin_graphql_api_id":"gid://shopify/InventoryLevel/41?inventory_item_id=31"}`

	gqlCollection  = `{"id":"gid:\/\/shopify\/Collection\/61","handle":"summer","title":"Summer","descriptionHtml":"","sortOrder":"BEST_SELLING","templateSuffix":"","ruleSet":{"appliedDisjunctively":false,"rules":[{"column":"TAG","relation":"EQUALS","condition":"summer"}]},"updatedAt":"2026-01-15T10:00:00Z"}`
	restCollection = `{"id":61,"admin_graphql_api_id":"gid://shopify/Collection/61","handle":"summer","title":"Summer","body_html":"","sort_order":"best-selling","template_suffix":null,"published_scope":"web","published_at":"2026-01-10T10:00:00+00:00","updated_at":"2026-01-15T10:00:00+00:00","rules":[{"column":"tag","relation":"equals","condition":"summer"}],"disjunctive":false}`

	gqlOrder = `{"id":"gid://shopify/Order/71","name":"#1001","email":"a@example.com","currencyCode":"EUR","subtotalPriceSet":{"shopMoney":{"amount":"20.0","currencyCode":"EUR"}},"totalTaxSet":{"shopMoney":{"amount":"0.0","currencyCode":"EUR"}},"currentTotalPriceSet":{"shopMoney":{"amount":"20.0","currencyCode":"EUR"}},"displayFinancialStatus":"PAID","displayFulfillmentStatus":"UNFULFILLED","test":false,"cancelledAt":null,"closedAt":null,"processedAt":"2026-01-15T09:00:00Z","createdAt":"2026-01-15T09:00:00Z","updatedAt":"2026-01-15T10:00:00Z",
		"lineItems":{"nodes":[{"id":"gid://shopify/LineItem/81","title":"Blue shirt","variantTitle":"S","sku":"BS-S","quantity":2,"currentQuantity":2,"product":{"id":"gid://shopify/Product/1"},"variant":{"id":"gid://shopify/ProductVariant/21"},"originalUnitPriceSet":{"shopMoney":{"amount":"10.0","currencyCode":"EUR"}}}],"pageInfo":{"hasNextPage":false,"endCursor":null}}}`
	restOrder = `{"id":71,"admin_graphql_api_id":"gid://shopify/Order/71","name":"#1001","email":"a@example.com","currency":"EUR","subtotal_price":"20.00","current_subtotal_price":"20.00","total_tax":"0.00","current_total_tax":"0.00","total_price":"20.00","current_total_price":"20.00","financial_status":"paid","fulfillment_status":null,"test":false,"cancelled_at":null,"closed_at":null,"processed_at":"2026-01-15T09:00:00+00:00","created_at":"2026-01-15T09:00:00+00:00","updated_at":"2026-01-15T10:00:00+00:00",
		"line_items":[{"id":81,"admin_graphql_api_id":"gid://shopify/LineItem/81","variant_id":21,"product_id":1,"title":"Blue shirt","variant_title":"S","sku":"BS-S","quantity":2,"current_quantity":2,"price":"10.00"}]}`
)

func fromGraphQL(t *testing.T, lines ...string) mirror.Batch {
	t.Helper()
	var b mirror.Batch
	for _, l := range lines {
		lb, err := mirror.FromGraphQL(store, []byte(l))
		require.NoError(t, err, l)
		b.Add(lb)
	}
	return b
}

func fromWebhook(t *testing.T, topic, payload string) mirror.Batch {
	t.Helper()
	b, err := mirror.FromWebhook(store, topic, []byte(payload), time.Time{})
	require.NoError(t, err, topic)
	return b
}

// The same objects read by a bulk operation and delivered by webhook are
// the same content: the webhook changes nothing.
func TestGraphQLAndWebhookShapesHashAlike(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	bulk := fromGraphQL(t, gqlLocation, gqlItem, gqlLevel, gqlProduct, gqlVariantS, gqlVariantM, gqlCollection, gqlOrder)
	rs, err := m.Apply(ctx, pool, events.Reconcile, bulk)
	require.NoError(t, err)
	require.Len(t, rs, 9) // 8 objects and the order's line
	for _, r := range rs {
		require.Equal(t, mirror.Applied, r.Outcome, r.GID)
	}

	for _, wh := range []struct{ topic, payload string }{
		{"locations/update", restLocation},
		{"inventory_items/update", restItem},
		{"inventory_levels/update", restLevel},
		{"products/update", restProduct},
		{"collections/update", restCollection},
		{"orders/updated", restOrder},
	} {
		rs, err := m.Apply(ctx, pool, events.Webhook, fromWebhook(t, wh.topic, wh.payload))
		require.NoError(t, err, wh.topic)
		for _, r := range rs {
			require.Equal(t, mirror.Unchanged, r.Outcome, "%s: %s %s", wh.topic, r.Resource, r.GID)
		}
	}
	require.Len(t, changes(t, pool), 9)

	// What webhooks lack (on_hand, fulfillsOnlineOrders) is kept, not erased.
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM inventory_levels WHERE available = 5 AND on_hand = 7`))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM locations WHERE NOT fulfills_online_orders`))
}

func TestWebhookEditUpdatesAndMergesRaw(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	_, err := m.Apply(ctx, pool, events.Reconcile, fromGraphQL(t, gqlLevel, gqlProduct, gqlVariantS, gqlVariantM))
	require.NoError(t, err)

	edited := strings.NewReplacer(`"price":"10.0"`, `"price":"9.50"`, `"updated_at":"2026-01-15T05:00:00-05:00"}],`,
		`"updated_at":"2026-01-16T05:00:00-05:00"}],`).Replace(restProduct)
	rs, err := m.Apply(ctx, pool, events.Webhook, fromWebhook(t, "products/update", edited))
	require.NoError(t, err)
	require.Equal(t, map[string]mirror.Outcome{
		"gid://shopify/Product/1": mirror.Unchanged, "gid://shopify/ProductVariant/21": mirror.Applied, "gid://shopify/ProductVariant/22": mirror.Unchanged,
	}, outcomes(rs))
	// raw keeps the GraphQL read's fields a webhook does not carry.
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM variants WHERE gid = 'gid://shopify/ProductVariant/21'
		AND price = 9.50 AND raw->>'price' = '9.50' AND raw ? '__parentId'`))

	level := strings.Replace(restLevel, `"available":5,"updated_at":"2026-01-15T10:00:00+00:00"`, `"available":4,"updated_at":"2026-01-15T11:00:00+00:00"`, 1)
	rs, err = m.Apply(ctx, pool, events.Webhook, fromWebhook(t, "inventory_levels/update", level))
	require.NoError(t, err)
	require.Equal(t, mirror.Applied, rs[0].Outcome)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM inventory_levels WHERE available = 4 AND on_hand = 7`))

	// Disconnecting the level tombstones it; the payload has no GID.
	rs, err = m.Apply(ctx, pool, events.Webhook, fromWebhook(t, "inventory_levels/disconnect", `{"inventory_item_id":31,"location_id":51}`))
	require.NoError(t, err)
	require.Equal(t, mirror.Result{Resource: events.InventoryLevel, GID: "gid://shopify/InventoryLevel/41?inventory_item_id=31", Outcome: mirror.Applied, Operation: events.Delete}, rs[0])
}

func TestWebhookDropsVariantsAndDeletes(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	_, err := m.Apply(ctx, pool, events.Reconcile, fromGraphQL(t, gqlProduct, gqlVariantS, gqlVariantM))
	require.NoError(t, err)

	// Variant M was removed: it is gone from variants and variant_gids.
	i := strings.Index(restProduct, `,
		            {"id":22`)
	j := strings.Index(restProduct, `"variant_gids"`)
	dropped := restProduct[:i] + `],` + "\n\t\t" + strings.Replace(restProduct[j:], `,{"admin_graphql_api_id":"gid://shopify/ProductVariant/22","updated_at":"2026-01-15T10:00:00.000Z"}`, "", 1)
	dropped = strings.ReplaceAll(dropped, `"updated_at":"2026-01-15T05:00:00-05:00","variants"`, `"updated_at":"2026-01-16T05:00:00-05:00","variants"`)
	rs, err := m.Apply(ctx, pool, events.Webhook, fromWebhook(t, "products/update", dropped))
	require.NoError(t, err)
	require.Contains(t, rs, mirror.Result{Resource: events.Variant, GID: "gid://shopify/ProductVariant/22", Outcome: mirror.Applied, Operation: events.Delete})

	rs, err = m.Apply(ctx, pool, events.Webhook, func() mirror.Batch {
		b, err := mirror.FromWebhook(store, "products/delete", []byte(`{"id":1}`), time.Date(2026, 1, 17, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		return b
	}())
	require.NoError(t, err)
	require.Equal(t, map[string]mirror.Outcome{"gid://shopify/Product/1": mirror.Applied, "gid://shopify/ProductVariant/21": mirror.Applied}, outcomes(rs))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM products WHERE deleted_at IS NULL`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM variants WHERE deleted_at IS NULL`))
}

// A GraphQL read of a product with all its variants drops the ones it lacks.
func TestGraphQLReadWithChildrenDropsMissing(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	_, err := m.Apply(ctx, pool, events.Reconcile, fromGraphQL(t, gqlProduct, gqlVariantS, gqlVariantM))
	require.NoError(t, err)
	read := strings.Replace(gqlProduct, `"updatedAt":"2026-01-15T10:00:00Z"}`,
		`"updatedAt":"2026-01-16T10:00:00Z","variants":{"nodes":[`+strings.Replace(gqlVariantS, `,"__parentId":"gid:\/\/shopify\/Product\/1"`, "", 1)+`],"pageInfo":{"hasNextPage":false}}}`, 1)
	b := fromGraphQL(t, read)
	require.Len(t, b.Rows, 2)
	require.Len(t, b.ChildSets, 1)
	rs, err := m.Apply(ctx, pool, events.Reconcile, b)
	require.NoError(t, err)
	require.Contains(t, rs, mirror.Result{Resource: events.Variant, GID: "gid://shopify/ProductVariant/22", Outcome: mirror.Applied, Operation: events.Delete})
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM products WHERE NOT raw ? 'variants'`))
}

func TestFromGraphQLBulkLines(t *testing.T) {
	b := fromGraphQL(t,
		`{"id":"gid:\/\/shopify\/Product\/1","__parentId":"gid:\/\/shopify\/Collection\/61"}`,
		`{"id":"gid://shopify/LineItem/81","title":"Blue shirt","quantity":2,"originalUnitPriceSet":{"shopMoney":{"amount":"10.00"}},"__parentId":"gid://shopify/Order/71"}`,
		`{"id":"gid://shopify/Article/91","handle":"hello","title":"Hello","body":"<p>Hi</p>","author":{"name":"Ann"},"tags":[],"isPublished":true,"__parentId":"gid://shopify/Blog/92"}`,
	)
	require.Equal(t, &mirror.CollectionProduct{Store: store, CollectionGID: "gid://shopify/Collection/61", ProductGID: "gid://shopify/Product/1"}, b.Rows[0])
	li := b.Rows[1].(*mirror.OrderLineItem)
	require.Equal(t, "gid://shopify/Order/71", li.OrderGID)
	require.Nil(t, li.UpdatedAt, "a bulk line takes its order's time at commit")
	a := b.Rows[2].(*mirror.Article)
	require.Equal(t, "gid://shopify/Blog/92", a.BlogGID)
	require.Equal(t, "Ann", *a.AuthorName)

	for _, bad := range []string{`{"id":"gid://shopify/Customer/1"}`, `{"id":"42"}`, `{"id":`, `{"id":"gid://shopify/ProductVariant/1","price":"1"}`} {
		_, err := mirror.FromGraphQL(store, []byte(bad))
		require.ErrorIs(t, err, mirror.ErrInvalidRow, bad)
	}
	_, err := mirror.FromWebhook(store, "customers/create", []byte(`{}`), time.Time{})
	require.ErrorIs(t, err, mirror.ErrUnsupportedTopic)
}

// An orders snapshot from bulk lines: the lines, which have no updatedAt of
// their own, take their order's.
func TestOrdersSnapshotFromBulkLines(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	order := strings.Replace(gqlOrder[:strings.Index(gqlOrder, `,
		"lineItems"`)]+"}", `"id":"gid://shopify/Order/71"`, `"id":"gid://shopify/Order/71"`, 1)
	line := `{"id":"gid://shopify/LineItem/81","title":"Blue shirt","quantity":2,"currentQuantity":2,"originalUnitPriceSet":{"shopMoney":{"amount":"10.00"}},"__parentId":"gid://shopify/Order/71"}`
	b := fromGraphQL(t, line, order)
	s, err := m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Orders})
	require.NoError(t, err)
	require.NoError(t, s.Add(ctx, "2", b.Rows...))
	res, err := s.Commit(ctx, mirror.CommitOptions{Complete: true})
	require.NoError(t, err)
	require.EqualValues(t, 2, res.Changes())
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM order_line_items WHERE updated_at = '2026-01-15T10:00:00Z'`))
}
