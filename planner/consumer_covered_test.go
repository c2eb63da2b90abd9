package planner_test

import (
	"context"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/events"
)

// Events already in Kafka when a full plan began (its Covered end offsets)
// are committed without being planned again; later ones are planned.
func TestConsumerSkipsEventsAFullPlanCovered(t *testing.T) {
	bs, productsTopic, inventoryTopic, f, pub, wt := stockedTwin(t)

	// A source stock change, in the mirror and in Kafka, before the end
	// offsets are read: covered (the full plan that would follow is left
	// out, so a planned event would show as a pending delta).
	level := stockLevel(f)
	pub.publish(inventoryTopic, src, events.InventoryLevel, level, events.Create,
		nil, map[string]any{"inventory_item_gid": "gid://shopify/InventoryItem/101", "available": 8})
	covered, err := planner.EndOffsets(context.Background(), bs, []string{productsTopic, inventoryTopic})
	require.NoError(t, err)
	require.Equal(t, int64(1), covered[inventoryTopic][0], "one event in the inventory topic")
	require.Len(t, covered[productsTopic], 2)

	group := productsTopic + "-planner"
	c, err := planner.NewConsumer(f.p, planner.ConsumerConfig{Brokers: bs, GroupID: group,
		Topics: []string{productsTopic, inventoryTopic}, Covered: covered})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	client := &kafka.Client{Addr: kafka.TCP(bs...), Transport: wt, Timeout: 10 * time.Second}
	require.Eventually(t, func() bool {
		r, err := client.OffsetFetch(context.Background(), &kafka.OffsetFetchRequest{GroupID: group,
			Topics: map[string][]int{inventoryTopic: {0}}})
		if err != nil || len(r.Topics[inventoryTopic]) == 0 {
			return false
		}
		return r.Topics[inventoryTopic][0].CommittedOffset == 1
	}, time.Minute, 50*time.Millisecond, "the covered event is committed")
	require.Empty(t, f.pending(), "the covered event was not planned")

	// The next change is planned.
	f.exec(`UPDATE inventory_levels SET available = 9, version = version + 1 WHERE store = $1 AND gid = $2`, src, level)
	pub.publish(inventoryTopic, src, events.InventoryLevel, level, events.Update,
		map[string]any{"available": 8}, map[string]any{"inventory_item_gid": "gid://shopify/InventoryItem/101", "available": 9})
	require.Eventually(t, func() bool {
		for _, d := range f.pending() {
			if d.Operation == "set_inventory" {
				return d.Desired["available"] == float64(9)
			}
		}
		return false
	}, time.Minute, 50*time.Millisecond, "the change after the offsets is planned")
}

// A consumer far behind (more events waiting than CatchUpAbove) plans once
// fully and commits its backlog unplanned.
func TestConsumerFarBehindCatchesUpWithAFullPlan(t *testing.T) {
	bs, productsTopic, inventoryTopic, f, pub, wt := stockedTwin(t)
	level := stockLevel(f)
	for range 3 {
		pub.publish(inventoryTopic, src, events.InventoryLevel, level, events.Update,
			map[string]any{"available": 7}, map[string]any{"inventory_item_gid": "gid://shopify/InventoryItem/101", "available": 8})
	}

	group := productsTopic + "-planner"
	c, err := planner.NewConsumer(f.p, planner.ConsumerConfig{Brokers: bs, GroupID: group,
		Topics: []string{productsTopic, inventoryTopic}, MaxBatch: 1, CatchUpAbove: 1})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	client := &kafka.Client{Addr: kafka.TCP(bs...), Transport: wt, Timeout: 10 * time.Second}
	require.Eventually(t, func() bool {
		r, err := client.OffsetFetch(context.Background(), &kafka.OffsetFetchRequest{GroupID: group,
			Topics: map[string][]int{inventoryTopic: {0}}})
		if err != nil || len(r.Topics[inventoryTopic]) == 0 {
			return false
		}
		return r.Topics[inventoryTopic][0].CommittedOffset == 3
	}, time.Minute, 50*time.Millisecond, "the backlog is committed")
	require.Equal(t, 1, f.count(`SELECT count(*)::int FROM plan_deltas WHERE status = 'pending' AND operation = 'set_inventory'
		AND run_id LIKE 'plan-full-%'`), "the stock change was planned by a full plan")
	require.Zero(t, f.count(`SELECT count(*)::int FROM plan_deltas WHERE run_id NOT LIKE 'plan-full-%'`), "no incremental plan")
}

// stockedTwin is a one-way SKU link whose source product has a planned,
// in-sync twin, fresh test topics (inventory: one partition) and a
// publisher to them.
func stockedTwin(t *testing.T) ([]string, string, string, *fixture, *publisher, *kafka.Transport) {
	t.Helper()
	bs := brokers(t)
	productsTopic, inventoryTopic := testTopics(t, bs) // inventory: one partition
	f := newFixture(t, "sku", map[string]any{"inventory_mode": "one_way"})
	f.exec(`INSERT INTO locations (store, gid, name, content_hash) VALUES
		($1, 'gid://shopify/Location/1', 'Warehouse', '\x00'), ($2, 'gid://shopify/Location/91', 'Main', '\x00')`, src, dst)
	f.exec(`INSERT INTO link_locations VALUES ($1, 'gid://shopify/Location/1', 'gid://shopify/Location/91')`, f.link)
	s := shirt("10", "blue")
	f.put(src, s)
	f.put(dst, twin(s, "90"))
	f.plan()
	require.Empty(t, f.pending())
	wt := &kafka.Transport{}
	pub := &publisher{t: t, w: &kafka.Writer{Addr: kafka.TCP(bs...), Balancer: &kafka.Hash{}, BatchTimeout: time.Millisecond, Transport: wt}}
	t.Cleanup(func() {
		_ = pub.w.Close()
		wt.CloseIdleConnections()
	})
	return bs, productsTopic, inventoryTopic, f, pub, wt
}

// stockLevel gives the twins inventory items and the source a level of 8
// at the mapped location, in the mirror only; it returns the level's GID.
func stockLevel(f *fixture) string {
	f.t.Helper()
	f.exec(`UPDATE variants SET inventory_item_gid = 'gid://shopify/InventoryItem/101' WHERE store = $1 AND gid = $2`, src, gid("ProductVariant", "101"))
	f.exec(`UPDATE variants SET inventory_item_gid = 'gid://shopify/InventoryItem/901' WHERE store = $1 AND gid = $2`, dst, gid("ProductVariant", "901"))
	level := "gid://shopify/InventoryLevel/1?inventory_item_id=101"
	f.exec(`INSERT INTO inventory_levels (store, gid, inventory_item_gid, location_gid, available, content_hash)
		VALUES ($1, $2, 'gid://shopify/InventoryItem/101', 'gid://shopify/Location/1', 8, '\x00')`, src, level)
	return level
}
