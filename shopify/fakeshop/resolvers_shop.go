package fakeshop

import "github.com/shopsync/shopsync/shopify/adminapi"

func init() {
	register("Shop", map[string]FieldFunc{
		"id":              field(func(s *Shop) any { return s.GID() }),
		"name":            field(func(s *Shop) any { return s.name }),
		"email":           field(func(s *Shop) any { return "owner@" + s.Domain() }),
		"contactEmail":    field(func(s *Shop) any { return "owner@" + s.Domain() }),
		"myshopifyDomain": field(func(s *Shop) any { return s.Domain() }),
		"currencyCode":    field(func(s *Shop) any { return s.curr }),
		"ianaTimezone":    field(func(s *Shop) any { return "Etc/UTC" }),
		"url":             field(func(s *Shop) any { return "https://" + s.Domain() }),
		"createdAt":       field(func(s *Shop) any { return s.createdAt }),
		"updatedAt":       field(func(s *Shop) any { return s.createdAt }),
		"plan": field(func(s *Shop) any {
			display := map[string]string{"STANDARD": "Basic", "ADVANCED": "Advanced", "PLUS": "Shopify Plus"}[s.plan.Name]
			if display == "" {
				display = s.plan.Name
			}
			return NewObj("ShopPlan", "partnerDevelopment", false, "publicDisplayName", display, "shopifyPlus", s.plan.Name == "PLUS")
		}),
		"primaryDomain": field(func(s *Shop) any {
			return NewObj("Domain", "id", gidOf("Domain", s.id), "host", s.Domain(), "url", "https://"+s.Domain(), "sslEnabled", true)
		}),
	})

	register("QueryRoot", map[string]FieldFunc{
		"webhookSubscription": byID("WebhookSubscription", func(st *store, id int64) *WebhookSubscription { return st.webhooks.get(id) }),
		"webhookSubscriptions": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*WebhookSubscription
			rc.Shop.read(func(st *store) { items = st.webhooks.all() })
			items, err := filterItems(items, args, webhookFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, nil), nil
		},
	})
	register("WebhookSubscription", map[string]FieldFunc{
		"id":                  field(func(w *WebhookSubscription) any { return gidOf("WebhookSubscription", w.ID) }),
		"legacyResourceId":    field(func(w *WebhookSubscription) any { return legacyID(w.ID) }),
		"topic":               field(func(w *WebhookSubscription) any { return w.Topic }),
		"uri":                 field(func(w *WebhookSubscription) any { return w.URI }),
		"format":              field(func(w *WebhookSubscription) any { return w.Format }),
		"includeFields":       field(func(w *WebhookSubscription) any { return w.IncludeFields }),
		"metafieldNamespaces": field(func(w *WebhookSubscription) any { return w.MetafieldNamespaces }),
		"filter":              field(func(w *WebhookSubscription) any { return w.Filter }),
		"createdAt":           field(func(w *WebhookSubscription) any { return w.CreatedAt }),
		"updatedAt":           field(func(w *WebhookSubscription) any { return w.UpdatedAt }),
		"apiVersion": field(func(w *WebhookSubscription) any {
			v := w.APIVersion
			if v == "" {
				v = adminapi.Version
			}
			return NewObj("ApiVersion", "handle", v, "displayName", v, "supported", true)
		}),
	})
	nodeLookups["WebhookSubscription"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.webhooks.get(g.ID)) }
	nodeLookups["Shop"] = func(_ *store, shop *Shop, g GID) Object {
		if g.ID == shop.id {
			return shop
		}
		return nil
	}
}

var webhookFilter = filterSpec{
	"topic":      {kindExact, func(o any) []any { return one(o.(*WebhookSubscription).Topic) }},
	"created_at": {kindTime, func(o any) []any { return one(o.(*WebhookSubscription).CreatedAt) }},
	"updated_at": {kindTime, func(o any) []any { return one(o.(*WebhookSubscription).UpdatedAt) }},
	"id":         {kindInt, func(o any) []any { return one(o.(*WebhookSubscription).ID) }},
}

// nilIfNone turns a typed nil record into an untyped nil Object, so that
// "not found" is a nil interface.
func nilIfNone[T any, P interface {
	*T
	Object
}](p P) Object {
	if p == nil {
		return nil
	}
	return p
}
