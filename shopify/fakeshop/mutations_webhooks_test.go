package fakeshop

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const webhookCreateMutation = `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
    webhookSubscription { id topic uri format includeFields filter apiVersion { handle } }
    userErrors { field message }
  }
}`

func TestWebhookSubscriptionMutations(t *testing.T) {
	m := newMutShop(t)
	res := m.payload(t, "webhookSubscriptionCreate", webhookCreateMutation, map[string]any{"topic": "PRODUCTS_UPDATE",
		"sub": map[string]any{"uri": "https://hooks.example.com/products", "includeFields": []any{"id", "updated_at"}, "filter": "vendor:Acme"}})
	require.Empty(t, userErrs(res))
	sub := res["webhookSubscription"].(map[string]any)
	require.Equal(t, []any{"PRODUCTS_UPDATE", "https://hooks.example.com/products", "JSON", []any{"id", "updated_at"}, "vendor:Acme", "2026-01"},
		[]any{sub["topic"], sub["uri"], sub["format"], sub["includeFields"], sub["filter"], dig(sub, "apiVersion", "handle")})
	read := m.do(t, `query($id: ID!) { webhookSubscription(id: $id) { topic uri } }`, map[string]any{"id": sub["id"]})
	require.Equal(t, map[string]any{"topic": "PRODUCTS_UPDATE", "uri": "https://hooks.example.com/products"}, read["webhookSubscription"])
	require.Len(t, m.shop.WebhookSubscriptions(), 1, "stored where webhook delivery finds it")

	// The deprecated callbackUrl still names the address.
	res = m.payload(t, "webhookSubscriptionCreate", webhookCreateMutation, map[string]any{"topic": "ORDERS_CREATE",
		"sub": map[string]any{"callbackUrl": "http://127.0.0.1:9/orders"}})
	require.Empty(t, userErrs(res))
	require.Equal(t, "http://127.0.0.1:9/orders", dig(res, "webhookSubscription", "uri"))

	for _, tc := range []struct {
		name  string
		sub   map[string]any
		field []string
	}{
		{"same topic and address", map[string]any{"uri": "https://hooks.example.com/products"}, []string{"webhookSubscription", "uri"}},
		{"no address", map[string]any{"format": "JSON"}, []string{"webhookSubscription", "uri"}},
		{"not an address", map[string]any{"uri": "hooks.example.com"}, []string{"webhookSubscription", "uri"}},
		{"not an address, deprecated field", map[string]any{"callbackUrl": "ftp://x"}, []string{"webhookSubscription", "callbackUrl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireUserError(t, m.payload(t, "webhookSubscriptionCreate", webhookCreateMutation, map[string]any{"topic": "PRODUCTS_UPDATE", "sub": tc.sub}), nil, tc.field...)
		})
	}
	res = m.payload(t, "webhookSubscriptionCreate", webhookCreateMutation, map[string]any{"topic": "PRODUCTS_CREATE", "sub": map[string]any{"uri": "pubsub://project:topic"}})
	require.Empty(t, userErrs(res), "Pub/Sub addresses are stored too")

	const del = `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }`
	res = m.payload(t, "webhookSubscriptionDelete", del, map[string]any{"id": sub["id"]})
	require.Equal(t, sub["id"], res["deletedWebhookSubscriptionId"])
	require.Nil(t, m.do(t, `query($id: ID!) { webhookSubscription(id: $id) { id } }`, map[string]any{"id": sub["id"]})["webhookSubscription"])
	e := requireUserError(t, m.payload(t, "webhookSubscriptionDelete", del, map[string]any{"id": sub["id"]}), nil, "id")
	require.Equal(t, "Webhook subscription does not exist", e["message"])
	require.Empty(t, m.topics(), "subscriptions are not resources that announce changes")
}
