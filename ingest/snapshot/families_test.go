package snapshot_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/shopify/bulk"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// Every family's bulk query passes fakeshop's validation of Shopify's bulk
// rules, and its result joins to exactly objectCount records of the types
// the family mirrors.
func TestFamilyQueriesExportEveryRecord(t *testing.T) {
	srv, shop := startShop(t, fakeshop.Options{})
	stats, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 7, Products: 40})
	require.NoError(t, err)
	c := newClient(t, srv, shop)

	want := map[string]map[string]int{
		"products":    {"Product": stats.Products, "ProductVariant": stats.Variants},
		"inventory":   {"Location": stats.Locations, "InventoryItem": stats.InventoryItems, "InventoryLevel": stats.InventoryLevels},
		"collections": {"Collection": stats.Collections, "Product": stats.CollectionMemberships},
		"content":     {"Page": stats.Pages, "Blog": stats.Blogs, "Article": stats.Articles},
		"orders":      {"Order": stats.Orders, "LineItem": stats.LineItems},
	}
	for _, spec := range snapshot.Specs() {
		t.Run(string(spec.Family), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := c.RunBulkQuery(ctx, spec.Query)
			require.NoError(t, err)
			body, err := c.OpenBulkResult(ctx, res.URL)
			require.NoError(t, err)
			defer body.Close()
			got := map[string]int{}
			js, err := bulk.Join(ctx, body, t.TempDir(), func(r bulk.Record) error {
				got[r.Typename]++
				return nil
			})
			require.NoError(t, err)
			require.EqualValues(t, res.ObjectCount, js.Records, "records vs objectCount")
			require.Equal(t, want[string(spec.Family)], got)
		})
	}
}
