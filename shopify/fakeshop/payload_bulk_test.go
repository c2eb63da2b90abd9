package fakeshop

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookBulkOperationsFinishPayload(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "bulkhook"})
	_, err := shop.CreateProduct(ProductInput{Title: ptr("Bulk Tee")}, nil)
	require.NoError(t, err)
	rc := newReceiver(t, nil)
	subscribe(t, shop, "BULK_OPERATIONS_FINISH", rc.URL())

	op, err := shop.RunBulkQuery(context.Background(), `{ products { edges { node { id title } } } }`, false)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(rc.requests()) == 1 }, 10*time.Second, time.Millisecond)
	flush(t, srv)

	got := rc.requests()
	require.Len(t, got, 1)
	assert.Equal(t, "bulk_operations/finish", got[0].Header.Get("X-Shopify-Topic"))
	assert.Equal(t, hmacOf(shop.Secret(), got[0].Body), got[0].Header.Get("X-Shopify-Hmac-Sha256"))
	b := got[0].JSON(t)
	assert.Equal(t, op.GID(), b["admin_graphql_api_id"])
	assert.Equal(t, "completed", b["status"], "lowercase, unlike the GraphQL enum")
	assert.Equal(t, "query", b["type"])
	assert.Nil(t, b["error_code"])
	assert.Regexp(t, offsetTime, b["created_at"])
	assert.Regexp(t, offsetTime, b["completed_at"])
}
