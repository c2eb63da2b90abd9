package mirror

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// ErrUnsupportedTopic is returned by FromWebhook for a topic the mirror does
// not follow; the caller may ignore such deliveries.
var ErrUnsupportedTopic = errors.New("webhook topic not mirrored")

// FromWebhook converts a webhook delivery (its X-Shopify-Topic and REST
// payload) into a Batch for Apply. REST differs from GraphQL in ways this
// irons out, so that an object reads the same either way: numeric ids
// (admin_graphql_api_id is used, or the GID built from the id), lower-case
// enums, tags as one ", "-separated string, times with offsets. The raw
// column gets the payload's fields under their GraphQL names; Apply merges
// them into the raw a GraphQL read stored, keeping the fields a webhook does
// not carry.
//
// triggeredAt (X-Shopify-Triggered-At) dates deletions, whose payloads carry
// no time: a row updated after it stays. Zero means unknown.
//
// A product payload lists every variant's GID (variant_gids) while carrying
// only the first 100 in full: the others are left as they are, and variants
// missing from the list are tombstoned. An order's line items are a complete
// list likewise. Subscriptions must deliver whole payloads (no
// includeFields): a missing field reads as empty, which is a change.
func FromWebhook(store, topic string, payload []byte, triggeredAt time.Time) (Batch, error) {
	var at *time.Time
	if !triggeredAt.IsZero() {
		t := triggeredAt.UTC()
		at = &t
	}
	var (
		b   Batch
		err error
	)
	switch topic {
	case "products/create", "products/update":
		b, err = restProduct(store, payload)
	case "products/delete":
		b, err = restDeletion(store, payload, events.Product, "Product", at)
	case "inventory_items/create", "inventory_items/update":
		b, err = restInventoryItem(store, payload)
	case "inventory_items/delete":
		b, err = restDeletion(store, payload, events.InventoryItem, "InventoryItem", at)
	case "inventory_levels/connect", "inventory_levels/update":
		b, err = restInventoryLevel(store, payload)
	case "inventory_levels/disconnect":
		b, err = restLevelDisconnect(store, payload, at)
	case "locations/create", "locations/update", "locations/activate", "locations/deactivate":
		b, err = restLocation(store, payload)
	case "locations/delete":
		b, err = restDeletion(store, payload, events.Location, "Location", at)
	case "collections/create", "collections/update":
		b, err = restCollection(store, payload)
	case "collections/delete":
		b, err = restDeletion(store, payload, events.Collection, "Collection", at)
	case "orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled", "orders/paid", "orders/partially_fulfilled":
		b, err = restOrder(store, payload)
	case "orders/delete":
		b, err = restDeletion(store, payload, events.Order, "Order", at)
	default:
		return Batch{}, fmt.Errorf("%w: %s", ErrUnsupportedTopic, topic)
	}
	if err != nil {
		return Batch{}, fmt.Errorf("%w: webhook %s: %v", ErrInvalidRow, topic, err)
	}
	return b, nil
}

// restRef is the identity every REST object carries.
type restRef struct {
	ID    restID `json:"id"`
	APIID string `json:"admin_graphql_api_id"`
}

// gid is the object's GID: admin_graphql_api_id, else built from the id.
func (r restRef) gid(typ string) (string, error) {
	if r.APIID != "" {
		return r.APIID, nil
	}
	if g := r.ID.gid(typ); g != nil {
		return *g, nil
	}
	return "", errors.New("no id or admin_graphql_api_id")
}

func restDeletion(store string, payload []byte, r events.Resource, typ string, at *time.Time) (Batch, error) {
	var o restRef
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	gid, err := o.gid(typ)
	if err != nil {
		return Batch{}, err
	}
	return Batch{Deletions: []Deletion{{Store: store, Resource: r, GID: gid, At: at}}}, nil
}

// gqlRaw builds a raw column value from GraphQL field names and values.
func gqlRaw(pairs ...any) (json.RawMessage, error) {
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i].(string)] = pairs[i+1]
	}
	return json.Marshal(m)
}
