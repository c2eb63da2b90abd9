package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
)

func sampleEvents() []events.ChangeEvent {
	at := time.Date(2026, 11, 27, 14, 3, 4, 123456789, time.UTC)
	return []events.ChangeEvent{
		{ID: 1, Store: "src.myshopify.com", Resource: events.Product, GID: "gid://shopify/Product/1", Operation: events.Create,
			After: json.RawMessage(`{"handle":"blue-shirt","title":"Blue shirt","tags":["a","b"]}`), Version: 1, Source: events.Bulk, Time: at},
		{ID: 2, Store: "src.myshopify.com", Resource: events.Variant, GID: "gid://shopify/ProductVariant/7", Operation: events.Update,
			Before: json.RawMessage(`{"price":"19.99"}`), After: json.RawMessage(`{"price":"21.00"}`), Version: 4, Source: events.Webhook, Time: at},
		{ID: 3, Store: "d1.myshopify.com", Resource: events.InventoryLevel, GID: "gid://shopify/InventoryLevel/5?inventory_item_id=9",
			Operation: events.Delete, Before: json.RawMessage(`{"available":3}`), Version: 2, Source: events.Reconcile, Time: at},
		{ID: 4, Store: "d1.myshopify.com", Resource: events.Order, GID: "gid://shopify/Order/3", Operation: events.Delete,
			Version: 1, Source: events.Webhook, Time: at},
	}
}

func TestChangeEventRoundTrip(t *testing.T) {
	for _, e := range sampleEvents() {
		b, err := e.Encode()
		require.NoError(t, err)
		got, err := events.Decode(b)
		require.NoError(t, err)
		require.Equal(t, e, got)
	}
}

// The wire format is a contract with consumers in any language: pin it.
func TestChangeEventWireFormat(t *testing.T) {
	b, err := sampleEvents()[3].Encode()
	require.NoError(t, err)
	require.JSONEq(t, `{"id":4,"store":"d1.myshopify.com","resource":"order","gid":"gid://shopify/Order/3",
		"operation":"delete","before":null,"after":null,"version":1,"source":"webhook",
		"time":"2026-11-27T14:03:04.123456789Z"}`, string(b))
}

func TestChangeEventTopicAndKey(t *testing.T) {
	e := sampleEvents()[1]
	topic, err := e.Topic()
	require.NoError(t, err)
	require.Equal(t, "shopsync.changes.products", topic)
	require.Equal(t, "src.myshopify.com|gid://shopify/ProductVariant/7", string(e.Key()))

	seen := map[string]bool{}
	for _, r := range events.Resources() {
		f, err := r.Family()
		require.NoError(t, err, r)
		require.Contains(t, events.Topics(), f.Topic())
		seen[f.Topic()] = true
	}
	require.Len(t, seen, len(events.Families()), "every family has resources")
	require.Equal(t, "inventory_levels", events.InventoryLevel.Table())
	require.Equal(t, "collection_products", events.CollectionProduct.Table())
}

func TestChangeEventValidate(t *testing.T) {
	ok := sampleEvents()[1]
	for name, mutate := range map[string]func(*events.ChangeEvent){
		"no store":              func(e *events.ChangeEvent) { e.Store = "" },
		"unknown resource":      func(e *events.ChangeEvent) { e.Resource = "customer" },
		"no gid":                func(e *events.ChangeEvent) { e.GID = "" },
		"unknown operation":     func(e *events.ChangeEvent) { e.Operation = "upsert" },
		"unknown source":        func(e *events.ChangeEvent) { e.Source = "kafka" },
		"zero version":          func(e *events.ChangeEvent) { e.Version = 0 },
		"zero time":             func(e *events.ChangeEvent) { e.Time = time.Time{} },
		"update without before": func(e *events.ChangeEvent) { e.Before = nil },
		"create with before":    func(e *events.ChangeEvent) { e.Operation = events.Create },
		"delete with after":     func(e *events.ChangeEvent) { e.Operation = events.Delete },
	} {
		e := ok
		mutate(&e)
		_, err := e.Encode()
		require.Error(t, err, name)
	}
	_, err := events.Decode([]byte(`{"id":1,`))
	require.Error(t, err)
}
