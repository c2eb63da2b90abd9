package planner_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/events"
)

// brokers returns the real Kafka broker `make services` starts, failing the
// test when it does not answer.
func brokers(t *testing.T) []string {
	t.Helper()
	bs := endpoints.LocalKafkaBrokers()
	for _, b := range bs {
		if c, err := net.DialTimeout("tcp", b, 5*time.Second); err == nil {
			_ = c.Close()
			return bs
		}
	}
	t.Fatalf("Kafka at %v is unreachable: start the local services with `make services`, or set KAFKA_BROKERS", bs)
	return nil
}

// testTopics are change topics of the test's own, deleted when it ends.
func testTopics(t *testing.T, bs []string) (products, inventory string) {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	prefix := "test-" + hex.EncodeToString(b) + "."
	products, inventory = prefix+events.Products.Topic(), prefix+events.Inventory.Topic()
	tr := &kafka.Transport{}
	client := &kafka.Client{Addr: kafka.TCP(bs...), Transport: tr, Timeout: 30 * time.Second}
	_, err := client.CreateTopics(context.Background(), &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{
		{Topic: products, NumPartitions: 2, ReplicationFactor: 1},
		{Topic: inventory, NumPartitions: 1, ReplicationFactor: 1},
	}})
	require.NoError(t, err)
	t.Cleanup(func() {
		defer tr.CloseIdleConnections()
		if _, err := client.DeleteTopics(context.Background(), &kafka.DeleteTopicsRequest{Topics: []string{products, inventory}}); err != nil {
			t.Logf("delete test topics: %v", err)
		}
	})
	return products, inventory
}

// publisher writes change events as the relay does: JSON envelopes keyed by
// store and GID.
type publisher struct {
	t      *testing.T
	w      *kafka.Writer
	nextID int64
}

func (p *publisher) publish(topic string, store string, resource events.Resource, gid string, op events.Operation, before, after map[string]any) {
	p.t.Helper()
	p.nextID++
	e := events.ChangeEvent{ID: p.nextID, Store: store, Resource: resource, GID: gid, Operation: op,
		Version: p.nextID, Source: events.Webhook, Time: time.Now().UTC()}
	if before != nil {
		e.Before, _ = json.Marshal(before)
	}
	if after != nil {
		e.After, _ = json.Marshal(after)
	}
	v, err := e.Encode()
	require.NoError(p.t, err)
	require.NoError(p.t, p.w.WriteMessages(context.Background(), kafka.Message{Topic: topic, Key: e.Key(), Value: v}))
}

// The fast path end to end against the real broker: change events published
// to Kafka become incremental plans of the keys they affect.
func TestConsumerPlansChangeEvents(t *testing.T) {
	bs := brokers(t)
	productsTopic, inventoryTopic := testTopics(t, bs)
	f := newFixture(t, "sku", map[string]any{"inventory_mode": "one_way"})
	f.exec(`INSERT INTO locations (store, gid, name, content_hash) VALUES
		($1, 'gid://shopify/Location/1', 'Warehouse', '\x00'), ($2, 'gid://shopify/Location/91', 'Main', '\x00')`, src, dst)
	f.exec(`INSERT INTO link_locations VALUES ($1, 'gid://shopify/Location/1', 'gid://shopify/Location/91')`, f.link)
	s := shirt("10", "blue")
	f.put(src, s)
	f.put(dst, twin(s, "90"))
	f.plan() // in sync; records the pairs
	require.Empty(t, f.pending())

	c, err := planner.NewConsumer(f.p, planner.ConsumerConfig{Brokers: bs, GroupID: productsTopic + "-planner",
		Topics: []string{productsTopic, inventoryTopic}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	wt := &kafka.Transport{}
	pub := &publisher{t: t, w: &kafka.Writer{Addr: kafka.TCP(bs...), Balancer: &kafka.Hash{}, BatchTimeout: time.Millisecond, Transport: wt}}
	t.Cleanup(func() {
		_ = pub.w.Close()
		wt.CloseIdleConnections()
	})

	// A source variant's price changes: its product gets a price update.
	f.exec(`UPDATE variants SET price = 11.00, version = version + 1 WHERE store = $1 AND gid = $2`, src, gid("ProductVariant", "101"))
	pub.publish(productsTopic, src, events.Variant, gid("ProductVariant", "101"), events.Update,
		map[string]any{"price": "10.00", "sku": "SKU-10-S"}, map[string]any{"price": "11.00", "sku": "SKU-10-S"})
	require.Eventually(t, func() bool {
		ds := f.pending()
		return len(ds) == 1 && ds[0].Resource == "variant" && ds[0].Key == gid("Product", "10")
	}, time.Minute, 50*time.Millisecond, "price update planned")

	// A destination edit reaches the source product it is matched to.
	f.exec(`UPDATE products SET title = 'Edited', version = version + 1 WHERE store = $1`, dst)
	pub.publish(productsTopic, dst, events.Product, gid("Product", "90"), events.Update,
		map[string]any{"title": "Shirt blue"}, map[string]any{"title": "Edited"})
	require.Eventually(t, func() bool {
		ds := f.pending()
		return len(ds) == 1 && ds[0].Resource == "product" && ds[0].Operation == "update"
	}, time.Minute, 50*time.Millisecond, "the product update supersedes the price update")

	// A new source product: created.
	f.put(src, shirt("11", "red"))
	pub.publish(productsTopic, src, events.Product, gid("Product", "11"), events.Create, nil, map[string]any{"handle": "red"})
	require.Eventually(t, func() bool { return len(f.pending()) == 2 }, time.Minute, 50*time.Millisecond, "create planned")

	// Stock changes in the source: the destination's level is set.
	f.exec(`UPDATE variants SET inventory_item_gid = 'gid://shopify/InventoryItem/101' WHERE store = $1 AND gid = $2`, src, gid("ProductVariant", "101"))
	f.exec(`UPDATE variants SET inventory_item_gid = 'gid://shopify/InventoryItem/901' WHERE store = $1 AND gid = $2`, dst, gid("ProductVariant", "901"))
	f.exec(`INSERT INTO inventory_levels (store, gid, inventory_item_gid, location_gid, available, content_hash)
		VALUES ($1, 'gid://shopify/InventoryLevel/1?inventory_item_id=101', 'gid://shopify/InventoryItem/101', 'gid://shopify/Location/1', 8, '\x00')`, src)
	pub.publish(inventoryTopic, src, events.InventoryLevel, "gid://shopify/InventoryLevel/1?inventory_item_id=101", events.Create,
		nil, map[string]any{"inventory_item_gid": "gid://shopify/InventoryItem/101", "available": 8})
	require.Eventually(t, func() bool {
		for _, d := range f.pending() {
			if d.Operation == "set_inventory" {
				return d.Desired["available"] == float64(8)
			}
		}
		return false
	}, time.Minute, 50*time.Millisecond, "inventory planned")

	// Events of unknown stores and undecodable messages are skipped.
	pub.publish(productsTopic, "elsewhere.myshopify.com", events.Product, gid("Product", "1"), events.Delete, nil, nil)
	require.NoError(t, pub.w.WriteMessages(context.Background(), kafka.Message{Topic: productsTopic, Value: []byte("{not json")}))
	f.put(src, shirt("12", "green"))
	pub.publish(productsTopic, src, events.Product, gid("Product", "12"), events.Create, nil, map[string]any{"handle": "green"})
	require.Eventually(t, func() bool { return len(f.pending()) == 4 }, time.Minute, 50*time.Millisecond, "later events still planned")
}
