package fakeshop

// WebhookSubscriptionInput is what webhookSubscriptionCreate takes.
type WebhookSubscriptionInput struct {
	Topic               string // WebhookSubscriptionTopic enum, e.g. PRODUCTS_UPDATE
	URI                 string
	Format              string // JSON (default) or XML
	IncludeFields       []string
	MetafieldNamespaces []string
	Filter              *string
	APIVersion          string // the version of the creating request
	Name                string // X-Shopify-Name of its deliveries (Go API only)
}

// CreateWebhookSubscription stores a shop-specific webhook subscription.
// Delivery is not this package's job: the webhook stage reads the
// subscriptions and listens to OnChange.
func (s *Shop) CreateWebhookSubscription(in WebhookSubscriptionInput) (*WebhookSubscription, error) {
	var out *WebhookSubscription
	err := s.write(func(t *tx) error {
		if in.URI == "" {
			return &UserError{Field: []string{"webhookSubscription", "uri"}, Message: "Address can't be blank"}
		}
		for _, w := range t.webhooks.all() {
			if w.Topic == in.Topic && w.URI == in.URI {
				return &UserError{Field: []string{"webhookSubscription", "uri"}, Message: "Address for this topic has already been taken"}
			}
		}
		w := &WebhookSubscription{ID: nextID(), Topic: in.Topic, URI: in.URI, Format: in.Format, IncludeFields: nonNil(in.IncludeFields),
			MetafieldNamespaces: nonNil(in.MetafieldNamespaces), Filter: in.Filter, APIVersion: in.APIVersion, Name: in.Name, CreatedAt: t.now, UpdatedAt: t.now}
		if w.Format == "" {
			w.Format = "JSON"
		}
		t.webhooks.put(w.ID, w)
		out = w
		return nil
	})
	return out, err
}

// DeleteWebhookSubscription removes a subscription.
func (s *Shop) DeleteWebhookSubscription(id int64) error {
	return s.write(func(t *tx) error {
		if t.webhooks.get(id) == nil {
			return notFound([]string{"id"}, "Webhook subscription", id)
		}
		t.webhooks.remove(id)
		return nil
	})
}

// WebhookSubscriptions returns the shop's subscriptions in id order.
func (s *Shop) WebhookSubscriptions() []*WebhookSubscription {
	var out []*WebhookSubscription
	s.read(func(st *store) { out = st.webhooks.all() })
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
