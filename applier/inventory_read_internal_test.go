package applier

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
)

// A read of a full batch of levels validates against the Admin API subset
// and stays within Shopify's cap on one query's requested cost.
func TestLevelsReadFitsOneQuery(t *testing.T) {
	doc, errs := gqlparser.LoadQuery(adminapi.Schema(), levelsQuery)
	require.Nil(t, errs)
	ids := make([]any, readBatch)
	for i := range ids {
		ids[i] = fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=%d", i+1, i+1)
	}
	n, err := cost.Requested(adminapi.Schema(), doc.Operations[0], map[string]any{"ids": ids})
	require.NoError(t, err)
	require.Positive(t, n)
	require.LessOrEqual(t, n, cost.MaxQueryCost, "a read of %d levels", readBatch)
	t.Logf("a read of %d levels requests %d points", readBatch, n)
}
