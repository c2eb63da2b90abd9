package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

func TestWebhookSubscriptionCreateListDelete(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	ctx := context.Background()

	created, err := client.WebhookSubscriptionCreate(ctx, c, client.WebhookSubscriptionTopicProductsUpdate,
		client.WebhookSubscriptionInput{Uri: ptr("https://ingest.example.com/webhooks"), Format: ptr(client.WebhookSubscriptionFormatJson)})
	require.NoError(t, err)
	sub := created.WebhookSubscriptionCreate.WebhookSubscription
	require.NotNil(t, sub)
	require.Equal(t, client.WebhookSubscriptionTopicProductsUpdate, sub.Topic)

	_, err = client.WebhookSubscriptionCreate(ctx, c, client.WebhookSubscriptionTopicOrdersCreate,
		client.WebhookSubscriptionInput{Uri: ptr("not a url")})
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.Equal(t, []string{"webhookSubscription", "uri"}, ue.Errors[0].Field)

	list, err := client.WebhookSubscriptions(ctx, c, client.WebhookSubscriptionsPageSize, nil)
	require.NoError(t, err)
	require.Len(t, list.WebhookSubscriptions.Nodes, 1)
	require.Equal(t, sub.Id, list.WebhookSubscriptions.Nodes[0].Id)
	require.Equal(t, "https://ingest.example.com/webhooks", list.WebhookSubscriptions.Nodes[0].Uri)

	del, err := client.WebhookSubscriptionDelete(ctx, c, sub.Id)
	require.NoError(t, err)
	require.Equal(t, sub.Id, *del.WebhookSubscriptionDelete.DeletedWebhookSubscriptionId)
	_, err = client.WebhookSubscriptionDelete(ctx, c, sub.Id)
	require.ErrorAs(t, err, &ue)
}
