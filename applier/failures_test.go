package applier_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// A destination quantity changed behind the mirror's back: that one item's
// changeFromQuantity is stale, inventorySetQuantities refuses the whole
// batch, the item fails as stale and the others go again at once and are
// applied. After the mirror catches up, a new plan fixes the stale one.
func TestStaleInventoryFailsAloneAndIsPlannedAgain(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "boot", "Boot", []variant{{"S", "B-S", "50.00", 5}, {"M", "B-M", "50.00", 6}, {"L", "B-L", "50.00", 7}})
	boot := f.addProduct(dst, dloc, "boot", "Boot", []variant{{"S", "B-S", "50.00", 0}, {"M", "B-M", "50.00", 0}, {"L", "B-L", "50.00", 0}})
	f.snapshot()
	require.Equal(t, 3, f.plan())

	// Someone sells in the destination: M is 42 now, the mirror says 0.
	m := dst.Variants(boot)[1]
	_, err := dst.SetInventoryQuantities("available", []fakeshop.QuantitySet{{ItemID: m.InventoryItemID, LocationID: dloc.ID, Quantity: 42}})
	require.NoError(t, err)

	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 2, "failed": 1}, f.deltas())
	var msg string
	require.NoError(t, f.pool.QueryRow(f.ctx, `SELECT error FROM plan_deltas WHERE status = 'failed'`).Scan(&msg))
	require.Contains(t, msg, "stale: CHANGE_FROM_QUANTITY_STALE")
	qty := func() []int {
		var out []int
		for _, v := range dst.Variants(boot) {
			out = append(out, dst.InventoryLevel(v.InventoryItemID, dloc.ID).Quantity("available"))
		}
		return out
	}
	require.Equal(t, []int{5, 42, 7}, qty())
	// The batch was tried twice: all three once (refused for M), then S and
	// L again under a new key.
	require.Equal(t, map[string]int{"user_error": 1, "failed": 2, "ok": 2}, f.auditRows(5))

	// The mirror learns the 42 (here a snapshot; webhooks in production).
	// The refusal asked for a read of M's level, and nothing is planned for
	// it until the applier has read it (migration 00018): the pass above may
	// have done so after the refusal, the next one does.
	f.snapshot(dst)
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Zero(t, f.count(`SELECT count(*)::int FROM inventory_reads WHERE observed_version = -1`), "the applier read the level")
	require.Equal(t, 1, f.plan())
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, []int{5, 6, 7}, qty())
	require.Zero(t, f.plan())
}

// A mutation Shopify refuses with userErrors fails its delta with the
// message; the other mutations of the same request are applied.
func TestUserErrorFailsOnlyItsDelta(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst, dloc := f.dsts[0], f.dstLocs[0]
	for _, h := range []string{"a", "b", "c"} {
		f.addProduct(f.src, f.srcLoc, h, "New "+h, []variant{{"S", h + "-S", "5.00", 1}})
		f.addProduct(dst, dloc, h, "Old "+h, []variant{{"S", h + "-S", "5.00", 1}})
	}
	f.snapshot()
	require.Equal(t, 3, f.plan())
	// A blank title is what productSet refuses (INVALID_PRODUCT).
	f.exec(`UPDATE plan_deltas SET desired = jsonb_set(desired, '{title}', '""') WHERE key = 'b'`)
	before := f.counter.requests.Load()

	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, int64(1), f.counter.requests.Load()-before, "the three productSets share one request")
	require.Equal(t, map[string]int{"applied": 2, "failed": 1}, f.deltas())
	var key, msg string
	require.NoError(t, f.pool.QueryRow(f.ctx, `SELECT key, error FROM plan_deltas WHERE status = 'failed'`).Scan(&key, &msg))
	require.Equal(t, "b", key)
	require.Contains(t, msg, "Title can't be blank")
	require.Equal(t, "New a", dst.ProductByHandle("a").Title)
	require.Equal(t, "Old b", dst.ProductByHandle("b").Title)
	require.Equal(t, "New c", dst.ProductByHandle("c").Title)
	require.Equal(t, map[string]int{"ok": 2, "user_error": 1}, f.auditRows(3))
}

// A source product deleted: the link with delete policy delete deletes its
// twin (mirror tombstoned, nothing planned after), the one with unpublish
// hides it (status DRAFT). A delete whose product is already gone is
// settled without a call.
func TestDeletePolicies(t *testing.T) {
	f := newFixture(t, fixtureOptions{dests: 2})
	f.exec(`UPDATE links SET delete_policy = 'delete' WHERE id = $1`, f.links[0])
	f.exec(`UPDATE links SET delete_policy = 'unpublish' WHERE id = $1`, f.links[1])
	old := f.addProduct(f.src, f.srcLoc, "old", "Old", []variant{{"S", "O-S", "1.00", 1}})
	for i, d := range f.dsts {
		f.addProduct(d, f.dstLocs[i], "old", "Old", []variant{{"S", "O-S", "1.00", 1}})
	}
	f.snapshot()
	require.NoError(t, f.src.DeleteProduct(old.ID))
	f.snapshot(f.src)
	require.Equal(t, 1, f.plan(), "delete; fakeshop's products are never published, so no unpublish is planned")
	// The unpublish delta as the planner writes it for a published product.
	f.exec(`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, source_gid, target_gid, desired, planned_version, reason)
		SELECT $1, p.store, 'product', 'unpublish', 'old', $3, p.gid, '{"published_at": null}', p.version, 'deleted in source'
		FROM products p WHERE p.store = $2 AND p.handle = 'old'`, f.links[1], f.dsts[1].Domain(), gid("Product", old.ID))

	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 2}, f.deltas())
	require.Nil(t, f.dsts[0].ProductByHandle("old"))
	require.Equal(t, 1, f.count(`SELECT count(*) FROM products WHERE store = $1 AND handle = 'old' AND deleted_at IS NOT NULL`, f.dsts[0].Domain()))
	require.Equal(t, "DRAFT", f.dsts[1].ProductByHandle("old").Status)
	require.Equal(t, 1, f.count(`SELECT count(*) FROM products WHERE store = $1 AND handle = 'old' AND status = 'DRAFT'`, f.dsts[1].Domain()))
	require.Zero(t, f.plan())

	// The same delete again: the product is gone, nothing is sent.
	before := f.counter.requests.Load()
	f.exec(`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, source_gid, target_gid, desired, planned_version, reason)
		SELECT link_id, target_store, resource, operation, key, source_gid, target_gid, desired, planned_version, reason
		FROM plan_deltas WHERE operation = 'delete'`)
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 3}, f.deltas())
	require.Equal(t, before, f.counter.requests.Load())
	require.Equal(t, map[string]int{"ok": 2, "skipped": 1}, f.auditRows(3))
}

// A store that refuses the app (here a revoked token: 401) stops its
// writer instead of failing every delta: the deltas stay pending for when
// access is back, and the attempt is audited as failed.
func TestRefusedAccessStopsTheWriterAndKeepsDeltasPending(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "sock", "Sock", []variant{{"S", "SO-S", "2.00", 4}})
	f.addProduct(dst, dloc, "sock", "Sock", []variant{{"S", "SO-S", "2.00", 0}})
	f.snapshot()
	require.Equal(t, 1, f.plan())
	good := f.clients[dst.Domain()]
	bad, err := client.New(client.Config{ShopDomain: dst.Domain(), Endpoint: f.srv.GraphQLURL(dst.Name()), Token: "shpat_revoked"})
	require.NoError(t, err)
	f.clients[dst.Domain()] = bad

	err = f.applier(f.config()).RunOnce(f.ctx)
	require.ErrorIs(t, err, applier.ErrStoreUnavailable)
	require.NotContains(t, err.Error(), "shpat_revoked")
	require.Equal(t, map[string]int{"pending": 1}, f.deltas())
	require.Equal(t, map[string]int{"failed": 1}, f.auditRows(1))

	f.clients[dst.Domain()] = good
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 1}, f.deltas())
}
