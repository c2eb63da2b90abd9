package ingest_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// Webhooks that arrive while a snapshot runs are not undone by it: a
// product changed after the export read it keeps its newer content, a
// product created after the export passed keeps living, and one deleted
// after the export read it stays deleted.
func TestWebhooksDuringASnapshotSurviveIt(t *testing.T) {
	f := newFixture(t, fakeshop.Options{BulkLineDelay: 2 * time.Millisecond}, fakeshop.SeedConfig{Seed: 41, Products: 40})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	products := f.shop.Products()
	changed, deleted := products[0], products[1]
	_, err := f.runner(snapshot.Config{}).Snapshot(ctx, f.client)
	require.NoError(t, err)
	f.clock.Advance(time.Minute)
	first := len(f.shop.BulkOperations())

	// A full snapshot again, with webhooks flowing.
	svc, _ := f.service(ingest.Config{Listen: "127.0.0.1:0", Full: true})
	addr, ok := svc.Addr(ctx)
	require.True(t, ok)
	f.subscribe(addr)

	// Wait until the products export is well past the first products.
	require.Eventually(t, func() bool {
		ops := f.shop.BulkOperations() // newest first
		for _, op := range ops[:len(ops)-first] {
			if strings.Contains(op.Query, "variants") && op.Status == "RUNNING" && op.ObjectCount > 100 {
				return true
			}
		}
		return false
	}, time.Minute, 5*time.Millisecond)

	f.clock.Advance(time.Minute)
	newTitle := "Changed during the snapshot"
	_, err = f.shop.UpdateProduct(changed.ID, fakeshop.ProductInput{Title: &newTitle})
	require.NoError(t, err)
	require.NoError(t, f.shop.DeleteProduct(deleted.ID))
	created, err := f.shop.CreateProduct(fakeshop.ProductInput{Title: ptr("Created during the snapshot")},
		[]fakeshop.VariantInput{{Price: ptr("3.00"), SKU: ptr("HANDOFF-1")}})
	require.NoError(t, err)
	require.NoError(t, f.srv.FlushWebhooks(ctx))

	// The webhooks are applied while the export still runs.
	require.Eventually(t, func() bool {
		var n int
		err := f.pool.QueryRow(ctx, `SELECT count(*) FROM products WHERE store = $1 AND
			((gid = $2 AND title = $3) OR (gid = $4 AND deleted_at IS NOT NULL) OR (gid = $5 AND deleted_at IS NULL))`,
			f.shop.Domain(), gid("Product", changed.ID), newTitle, gid("Product", deleted.ID), gid("Product", created.ID)).Scan(&n)
		return err == nil && n == 3
	}, time.Minute, 10*time.Millisecond)
	var running int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM ingest_runs WHERE family = 'products' AND status IN ('running', 'loading')`).Scan(&running))
	require.Equal(t, 1, running, "the snapshot is still under way")

	// Once the snapshot has committed, the mirror is the shop.
	require.Eventually(t, func() bool {
		var n int
		err := f.pool.QueryRow(ctx, `SELECT count(*) FROM ingest_runs WHERE kind = 'snapshot' AND status = 'completed'`).Scan(&n)
		return err == nil && n == 10
	}, time.Minute, 10*time.Millisecond)
	var title string
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT title FROM products WHERE store = $1 AND gid = $2`,
		f.shop.Domain(), gid("Product", changed.ID)).Scan(&title))
	require.Equal(t, newTitle, title, "the snapshot's older row did not overwrite the webhook's")
	// One difference may remain, mended by the next full snapshot: a smart
	// collection's members change when a product starts or stops matching
	// its rules, and neither Shopify nor fakeshop sends anything then (no
	// collections/update): the created product's smart memberships exist
	// only if the export read the collection after the product was
	// created. The deleted product's memberships, which collection_products
	// cannot date (no updated_at), stay tombstoned: the snapshot leaves
	// alone the rows of that table written after it began.
	// Anything else differing fails.
	lines, total, _ := f.mirrorDiff(ctx, true)
	require.Equal(t, len(lines), total, "every difference is listed")
	for _, l := range lines {
		known := strings.HasPrefix(l, "collection_products: ") && f.smartMembership(l)
		if !known {
			t.Fatalf("the mirror differs from the shop:\n%s", strings.Join(lines, "\n"))
		}
	}
	if len(lines) > 0 {
		t.Logf("%d membership differences left for the next full snapshot:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

// smartMembership reports whether a collection_products diff line is about
// a smart collection.
func (f *fixture) smartMembership(line string) bool {
	rest := strings.TrimPrefix(line, "collection_products: gid://shopify/Collection/")
	id, _, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return false
	}
	c := f.shop.Collection(n)
	return c != nil && c.RuleSet != nil
}
