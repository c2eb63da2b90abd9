package applier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// The applier stops after Shopify made its writes and before it recorded
// them (the context cancelled right there, as a kill would). Restarted, it
// audits the interrupted attempts, sends the same batches again under the
// same keys and records them: the create finds the product it made by
// handle (keeping its variants), the inventory set answers its first
// result, and nothing exists twice.
func TestCrashBetweenWriteAndRecordMakesNoDuplicate(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "x", "X", []variant{{"S", "X-S", "3.00", 3}, {"M", "X-M", "4.00", 4}})
	f.addProduct(f.src, f.srcLoc, "y", "Y", []variant{{"S", "Y-S", "5.00", 9}})
	y := f.addProduct(dst, dloc, "y", "Y", []variant{{"S", "Y-S", "5.00", 0}})
	f.snapshot()
	require.Equal(t, 2, f.plan())

	ctx, kill := context.WithCancel(f.ctx)
	defer kill()
	cfg := f.config()
	cfg.Hooks.AfterSend = func(context.Context, string, []int64) error {
		kill()
		return context.Canceled
	}
	_ = f.applier(cfg).RunOnce(ctx)

	// Shopify has both writes; shopsync recorded neither.
	x := dst.ProductByHandle("x")
	require.NotNil(t, x, "the create reached Shopify")
	firstVariants := variantIDs(dst.Variants(x))
	yItem := dst.Variants(y)[0].InventoryItemID
	require.Equal(t, 9, dst.InventoryLevel(yItem, dloc.ID).Quantity("available"))
	require.Equal(t, map[string]int{"pending": 2}, f.deltas())
	require.Equal(t, 2, f.count(`SELECT count(*) FROM applier_attempts`))

	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 2}, f.deltas())
	require.Zero(t, f.count(`SELECT count(*) FROM applier_attempts`))
	n := 0
	for _, p := range dst.Products() {
		if p.Handle == "x" || p.Title == "X" {
			n++
		}
	}
	require.Equal(t, 1, n, "the retried create made a second product")
	again := dst.ProductByHandle("x")
	require.Equal(t, x.ID, again.ID)
	require.Equal(t, firstVariants, variantIDs(dst.Variants(again)), "the retry replaced the variants")
	require.Equal(t, 9, dst.InventoryLevel(yItem, dloc.ID).Quantity("available"))
	require.Equal(t, 1, f.count(`SELECT count(*) FROM id_map WHERE resource = 'product' AND destination_gid = $1`, gid("Product", x.ID)))
	require.Equal(t, 2, f.count(`SELECT count(*) FROM id_map WHERE resource = 'variant' AND destination_gid = ANY($1)`, gids("ProductVariant", firstVariants)))

	// Two attempts per delta: the interrupted one and the one recorded.
	require.Equal(t, 4, f.count(`SELECT sum(attempts)::int FROM plan_deltas`))
	require.Equal(t, map[string]int{"failed": 2, "ok": 2}, f.auditRows(4))

	// The new product's stock follows in the next plan.
	require.Equal(t, 2, f.plan())
	require.NoError(t, f.applier(f.config()).RunOnce(f.ctx))
	require.Zero(t, f.plan())
}

func variantIDs(vs []*fakeshop.Variant) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

func gids(typ string, ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = gid(typ, id)
	}
	return out
}
