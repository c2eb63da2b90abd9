package fakeshop

import (
	"strings"

	"github.com/shopsync/shopsync/shopify/adminapi"
)

// topicEnum turns a topic string into its WebhookSubscriptionTopic value
// ("products/update" → PRODUCTS_UPDATE, "bulk_operations/finish" →
// BULK_OPERATIONS_FINISH) and reports whether Shopify has that topic at all.
// The check is against the schema's enum, so changes Shopify sends no
// webhook for (pages/*, blogs/*, articles/*: the 2026-01 enum has no such
// values) are never delivered, however a subscription was stored.
func topicEnum(topic string) (string, bool) {
	enum := strings.ToUpper(strings.ReplaceAll(topic, "/", "_"))
	def := adminapi.Schema().Types["WebhookSubscriptionTopic"]
	if def == nil || def.EnumValues.ForName(enum) == nil {
		return "", false
	}
	return enum, true
}

// subscriptionsFor lists the shop's subscriptions to a topic enum value, in
// id order: one delivery each (Shopify: "one per subscription").
func (s *Shop) subscriptionsFor(enum string) []*WebhookSubscription {
	var out []*WebhookSubscription
	s.read(func(st *store) {
		for _, w := range st.webhooks.all() {
			if w.Topic == enum {
				out = append(out, w)
			}
		}
	})
	return out
}

// hasSubscription reports whether a subscription still exists; deliveries of
// a deleted subscription stop, including the retries already scheduled.
func (s *Shop) hasSubscription(id int64) bool {
	var ok bool
	s.read(func(st *store) { ok = st.webhooks.get(id) != nil })
	return ok
}

// httpEndpoint reports whether fakeshop can deliver to a subscription's URI:
// only HTTP(S) addresses. Pub/Sub ("pubsub://") and EventBridge ("arn:aws:")
// subscriptions are stored but get nothing.
func httpEndpoint(uri string) bool {
	u := strings.ToLower(uri)
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// includeFields keeps only the listed fields of a payload, as a
// subscription's includeFields asks. A dotted name ("variants.price") selects
// inside nested objects and arrays of objects; an object is kept whole when
// named without a dot. Payload maps are shared between subscriptions, so the
// result is built fresh and the input left alone.
func includeFields(payload map[string]any, fields []string) map[string]any {
	tree := map[string]any{} // name → nil (whole) or a subtree
	for _, f := range fields {
		node := tree
		parts := strings.Split(f, ".")
		for i, p := range parts {
			if i == len(parts)-1 {
				node[p] = nil
				break
			}
			sub, ok := node[p].(map[string]any)
			if !ok {
				if _, whole := node[p]; whole {
					break // already included whole
				}
				sub = map[string]any{}
				node[p] = sub
			}
			node = sub
		}
	}
	return pickFields(payload, tree)
}

func pickFields(obj map[string]any, tree map[string]any) map[string]any {
	out := map[string]any{}
	for name, sub := range tree {
		v, ok := obj[name]
		if !ok {
			continue
		}
		subtree, nested := sub.(map[string]any)
		if !nested {
			out[name] = v
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			out[name] = pickFields(x, subtree)
		case []map[string]any:
			list := make([]map[string]any, len(x))
			for i, e := range x {
				list[i] = pickFields(e, subtree)
			}
			out[name] = list
		default:
			out[name] = v
		}
	}
	return out
}
