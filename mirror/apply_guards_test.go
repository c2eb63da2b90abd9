package mirror_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// A delivery equal in content but newer moves updated_at forward, without a
// new version or a change row, so that a delivery between the two (older
// than the newest seen, different content) stays stale.
func TestEqualButNewerRowAdvancesUpdatedAt(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	_, err := m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0)}})
	require.NoError(t, err)

	rs, err := m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0.Add(2*time.Minute))}})
	require.NoError(t, err)
	require.Equal(t, mirror.Unchanged, rs[0].Outcome)
	var updated time.Time
	var version int
	require.NoError(t, pool.QueryRow(ctx, `SELECT updated_at, version FROM products WHERE gid = $1`, productGID(1)).Scan(&updated, &version))
	require.True(t, updated.Equal(t0.Add(2*time.Minute)), "updated_at moved to the newer delivery's, got %v", updated)
	require.Equal(t, 1, version, "no content change, no new version")
	require.Len(t, changes(t, pool), 1, "no change row for a newer updated_at alone")

	between := product(1, t0.Add(time.Minute))
	between.Title = "Between"
	rs, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{between}})
	require.NoError(t, err)
	require.Equal(t, mirror.Stale, rs[0].Outcome)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM products WHERE title = 'Product 1'`))
}

func collection(i int, at time.Time) *mirror.Collection {
	return &mirror.Collection{Store: store, GID: fmt.Sprintf("gid://shopify/Collection/%d", i), Handle: fmt.Sprintf("c-%d", i),
		Title: fmt.Sprintf("C%d", i), UpdatedAt: ptr(at), Raw: []byte(`{}`)}
}

func membership(c, p int) *mirror.CollectionProduct {
	return &mirror.CollectionProduct{Store: store, CollectionGID: fmt.Sprintf("gid://shopify/Collection/%d", c), ProductGID: productGID(p)}
}

func membershipGID(c, p int) string {
	return fmt.Sprintf("gid://shopify/Collection/%d %s", c, productGID(p))
}

// collection_products has no updated_at: a snapshot that began before a
// webhook removed a membership must not bring it back, whether the webhook
// listed the collection's products or deleted the product.
func TestSnapshotDoesNotResurrectMembershipsAWebhookRemoved(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	snapCollections := func(s *mirror.Snapshot, rows ...mirror.Row) {
		require.NoError(t, s.Add(ctx, "end", rows...))
		_, err := s.Commit(ctx, mirror.CommitOptions{Complete: true})
		require.NoError(t, err)
	}
	_, err := m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0), product(2, t0), product(3, t0)}})
	require.NoError(t, err)
	s, err := m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Collections})
	require.NoError(t, err)
	snapCollections(s, collection(1, t0), membership(1, 1), membership(1, 2), membership(1, 3))
	require.Equal(t, 3, count(t, pool, `SELECT count(*) FROM collection_products WHERE deleted_at IS NULL`))

	// A second snapshot reads the store as it was ...
	s, err = m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Collections})
	require.NoError(t, err)
	// ... while webhooks say product 2 left the collection and product 3
	// was deleted.
	c := collection(1, t0.Add(time.Minute))
	_, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{
		Rows: []mirror.Row{c},
		ChildSets: []mirror.ChildSet{{Store: store, Parent: c.Ref(), ParentResource: events.Collection, Child: events.CollectionProduct,
			Keep: []string{productGID(1), productGID(3)}, At: c.UpdatedAt}},
	})
	require.NoError(t, err)
	_, err = m.Tombstone(ctx, pool, events.Webhook, mirror.Deletion{Store: store, Resource: events.Product, GID: productGID(3), At: ptr(t0.Add(time.Minute))})
	require.NoError(t, err)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM collection_products WHERE deleted_at IS NULL`))

	snapCollections(s, collection(1, t0), membership(1, 1), membership(1, 2), membership(1, 3))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM collection_products WHERE deleted_at IS NULL`),
		"the older snapshot brought back no membership")
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM collection_products WHERE deleted_at IS NULL AND product_gid = $1`, productGID(1)))

	// The next snapshot, begun after the webhooks, is the truth again: it
	// may re-add a membership.
	s, err = m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Collections})
	require.NoError(t, err)
	snapCollections(s, collection(1, t0.Add(time.Minute)), membership(1, 1), membership(1, 2))
	require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM collection_products WHERE deleted_at IS NULL`))
}

func inventoryItem(i, j int, at time.Time) *mirror.InventoryItem {
	return &mirror.InventoryItem{Store: store, GID: fmt.Sprintf("gid://shopify/InventoryItem/%d", i*100+j),
		SKU: ptr(fmt.Sprintf("SKU-%d-%d", i, j)), Tracked: true, RequiresShipping: true, UpdatedAt: ptr(at), Raw: []byte(`{}`)}
}

func level(i, j, loc int, at time.Time) *mirror.InventoryLevel {
	return &mirror.InventoryLevel{Store: store,
		GID:              fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=%d", loc, i*100+j),
		InventoryItemGID: fmt.Sprintf("gid://shopify/InventoryItem/%d", i*100+j), LocationGID: fmt.Sprintf("gid://shopify/Location/%d", loc),
		Available: ptr(5), OnHand: ptr(5), UpdatedAt: ptr(at), Raw: []byte(`{}`)}
}

// Shopify deletes a variant's inventory item with the variant: a variant
// the mirror tombstones (dropped from its product, or with its product)
// takes its item and the item's levels with it, each with a delete change.
func TestDroppedVariantTakesItsInventoryItemAndLevels(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	rows := catalogue(1, t0)
	for j := 1; j <= 2; j++ {
		rows = append(rows, inventoryItem(1, j, t0), level(1, j, 1, t0), level(1, j, 2, t0))
	}
	_, err := m.Apply(ctx, pool, events.Reconcile, mirror.Batch{Rows: rows})
	require.NoError(t, err)

	p := product(1, t0.Add(time.Minute))
	rs, err := m.Apply(ctx, pool, events.Webhook, mirror.Batch{
		Rows: []mirror.Row{p},
		ChildSets: []mirror.ChildSet{{Store: store, Parent: p.Ref(), ParentResource: events.Product, Child: events.Variant,
			Keep: []string{variantGID(1, 1)}, At: p.UpdatedAt}},
	})
	require.NoError(t, err)
	got := outcomes(rs)
	require.Equal(t, mirror.Applied, got[variantGID(1, 2)])
	require.Equal(t, mirror.Applied, got[inventoryItem(1, 2, t0).GID])
	require.Equal(t, mirror.Applied, got[level(1, 2, 1, t0).GID])
	require.Equal(t, mirror.Applied, got[level(1, 2, 2, t0).GID])
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM inventory_items WHERE deleted_at IS NULL`))
	require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM inventory_levels WHERE deleted_at IS NULL AND inventory_item_gid = $1`, inventoryItem(1, 1, t0).GID))
	require.Equal(t, 3, count(t, pool, `SELECT count(*) FROM change_outbox WHERE operation = 'delete' AND resource IN ('inventory_item', 'inventory_level')`))

	_, err = m.Tombstone(ctx, pool, events.Webhook, mirror.Deletion{Store: store, Resource: events.Product, GID: productGID(1), At: ptr(t0.Add(time.Hour))})
	require.NoError(t, err)
	require.Zero(t, count(t, pool, `SELECT count(*) FROM variants WHERE deleted_at IS NULL`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM inventory_items WHERE deleted_at IS NULL`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM inventory_levels WHERE deleted_at IS NULL`))
}

// A deletion of an object the mirror never held is remembered: an older
// create or update of it (or of a child of it) arriving later stays out; a
// newer one is let in.
func TestDeletionOfAnUnseenObjectKeepsOlderWritesOut(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	rs, err := m.Tombstone(ctx, pool, events.Webhook, mirror.Deletion{Store: store, Resource: events.Product, GID: productGID(1), At: ptr(t0.Add(time.Hour))})
	require.NoError(t, err)
	require.Equal(t, []mirror.Result{{Resource: events.Product, GID: productGID(1), Outcome: mirror.Unchanged}}, rs)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM mirror_tombstones WHERE gid = $1`, productGID(1)))

	rs, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0), variant(1, 1, t0)}})
	require.NoError(t, err)
	require.Equal(t, map[string]mirror.Outcome{productGID(1): mirror.Stale, variantGID(1, 1): mirror.Stale}, outcomes(rs))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM products`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM variants`))
	require.Empty(t, changes(t, pool))

	// A snapshot that read the store before the deletion is older too.
	snapshot(t, m, false, product(1, t0), variant(1, 1, t0), product(2, t0))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM products WHERE gid = $1`, productGID(1)))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM products WHERE gid = $1`, productGID(2)))

	rs, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0.Add(2*time.Hour))}})
	require.NoError(t, err)
	require.Equal(t, mirror.Applied, rs[0].Outcome, "a row newer than the deletion is let in")
}

// ApplyMany of deliveries given out of order, with repeats and a deletion,
// leaves the mirror as applying them one by one in Shopify's order does.
func TestApplyManyEqualsOneByOne(t *testing.T) {
	ctx := t.Context()
	renamed := func(i int, at time.Time, title string) *mirror.Product {
		p := product(i, at)
		p.Title = title
		return p
	}
	v := func(i, j int, at time.Time, price string) *mirror.Variant {
		x := variant(i, j, at)
		x.Price = price
		return x
	}
	listing := func(p *mirror.Product, keep ...string) mirror.ChildSet {
		return mirror.ChildSet{Store: store, Parent: p.Ref(), ParentResource: events.Product, Child: events.Variant, Keep: keep, At: p.UpdatedAt}
	}
	p1a, p1b := renamed(1, t0.Add(time.Minute), "One A"), renamed(1, t0.Add(2*time.Minute), "One B")
	inShopifyOrder := []mirror.Batch{
		{Rows: []mirror.Row{product(1, t0), variant(1, 1, t0), variant(1, 2, t0)}},
		{Rows: []mirror.Row{p1a, v(1, 1, t0.Add(time.Minute), "11.00")}, ChildSets: []mirror.ChildSet{listing(p1a, variantGID(1, 1), variantGID(1, 2))}},
		{Rows: []mirror.Row{p1b, v(1, 1, t0.Add(2*time.Minute), "12.00")}, ChildSets: []mirror.ChildSet{listing(p1b, variantGID(1, 1))}},
		{Rows: []mirror.Row{product(2, t0), variant(2, 1, t0)}},
		{Deletions: []mirror.Deletion{{Store: store, Resource: events.Product, GID: productGID(2), At: ptr(t0.Add(time.Minute))}}},
		{Deletions: []mirror.Deletion{{Store: store, Resource: events.Product, GID: productGID(3), At: ptr(t0.Add(time.Minute))}}},
		{Rows: []mirror.Row{product(3, t0), variant(3, 1, t0)}},
	}
	one, onePool := newMirror(t)
	for _, b := range inShopifyOrder {
		_, err := one.Apply(ctx, onePool, events.Webhook, b)
		require.NoError(t, err)
	}
	many, manyPool := newMirror(t)
	shuffled := []mirror.Batch{inShopifyOrder[2], inShopifyOrder[6], inShopifyOrder[4], inShopifyOrder[0],
		inShopifyOrder[3], inShopifyOrder[1], inShopifyOrder[2], inShopifyOrder[5]}
	rs, err := many.ApplyMany(ctx, manyPool, events.Webhook, shuffled)
	require.NoError(t, err)
	require.Len(t, rs, len(shuffled))
	require.Equal(t, mirror.Stale, outcomes(rs[1])[productGID(3)], "product 3's create is older than its deletion")

	// What exists: the same. (Product 2, created and deleted within the
	// batch, has no row at all in the second mirror but a tombstone.)
	const q = `SELECT string_agg(x, E'\n' ORDER BY x) FROM (
		SELECT gid || ' ' || title AS x FROM products WHERE deleted_at IS NULL
		UNION ALL SELECT gid || ' ' || price FROM variants WHERE deleted_at IS NULL) s`
	var want, got string
	require.NoError(t, onePool.QueryRow(ctx, q).Scan(&want))
	require.NoError(t, manyPool.QueryRow(ctx, q).Scan(&got))
	require.Equal(t, want, got)
	require.Equal(t, productGID(1)+" One B\n"+variantGID(1, 1)+" 12.00", got)
	require.Equal(t, 1, count(t, manyPool, `SELECT count(*) FROM mirror_tombstones WHERE gid = $1`, productGID(2)),
		"the deletion of a product never written is remembered")

	// Repeats and reordering cost change rows one by one (an older
	// version applied first, then the newer); all at once never writes
	// more than that, and every change it wrote is one of the final states'.
	require.LessOrEqual(t, len(changes(t, manyPool)), len(changes(t, onePool)))
}

// A complete products snapshot that no longer holds a variant tombstones
// the variant's inventory item and its levels too.
func TestCompleteSnapshotDropsAMissingVariantsInventory(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	rows := catalogue(1, t0)
	for j := 1; j <= 2; j++ {
		rows = append(rows, inventoryItem(1, j, t0), level(1, j, 1, t0))
	}
	_, err := m.Apply(ctx, pool, events.Reconcile, mirror.Batch{Rows: rows})
	require.NoError(t, err)

	res := snapshot(t, m, true, product(1, t0), variant(1, 1, t0), inventoryItem(1, 1, t0))
	require.EqualValues(t, 1, res.Tables[events.Variant].Deleted)
	require.EqualValues(t, 1, res.Tables[events.InventoryItem].Deleted)
	require.EqualValues(t, 1, res.Tables[events.InventoryLevel].Deleted)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM inventory_items WHERE deleted_at IS NULL`))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM inventory_levels WHERE deleted_at IS NULL`))
	require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM change_outbox WHERE operation = 'delete' AND resource IN ('inventory_item', 'inventory_level')`))
}
