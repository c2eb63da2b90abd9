package applier

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func invDelta(id int64, changeFrom *int) *Delta {
	desired, _ := json.Marshal(inventoryDesired{InventoryItemGID: fmt.Sprintf("gid://shopify/InventoryItem/%d", id),
		LocationGID: "gid://shopify/Location/1", Available: 5, ChangeFrom: changeFrom})
	v := int64(1)
	d := &Delta{ID: id, Store: "d.myshopify.com", Resource: "inventory_level", Operation: "set_inventory", Desired: desired}
	if changeFrom != nil { // planned against a level the mirror has
		d.PlannedVersion, d.CurrentVersion = &v, &v
	}
	return d
}

func priceDelta(id int64, variants int) *Delta {
	var pd priceDesired
	for j := range variants {
		p := "1.00"
		pd.Variants = append(pd.Variants, struct {
			GID            string          `json:"gid"`
			SourceGID      string          `json:"source_gid"`
			Price          *string         `json:"price"`
			CompareAtPrice json.RawMessage `json:"compare_at_price"`
		}{GID: fmt.Sprintf("gid://shopify/ProductVariant/%d", id*100+int64(j)), Price: &p})
	}
	desired, _ := json.Marshal(pd)
	v := int64(3)
	target := fmt.Sprintf("gid://shopify/Product/%d", id)
	return &Delta{ID: id, Store: "d.myshopify.com", Resource: "variant", Operation: "update", Desired: desired,
		TargetGID: &target, PlannedVersion: &v, CurrentVersion: &v}
}

func testPacker(mut func(*Config)) packer {
	cfg := DefaultConfig()
	if mut != nil {
		mut(&cfg)
	}
	return packer{store: "d.myshopify.com", cfg: cfg.withDefaults()}
}

// 600 levels and 40 products' prices pack into inventorySetQuantities of
// at most 250 and one productVariantsBulkUpdate per product, aliased into
// requests of at most MaxRequestCost points.
func TestPackGroupsWithinLimits(t *testing.T) {
	var ds []*Delta
	zero := 0
	for i := range 600 {
		ds = append(ds, invDelta(int64(i+1), &zero))
	}
	for i := range 40 {
		ds = append(ds, priceDelta(int64(1000+i), 10))
	}
	reqs, settled := testPacker(nil).pack(ds)
	require.Empty(t, settled.deltas)
	calls, deltas := 0, 0
	for _, q := range reqs {
		require.Len(t, q.parts, 1)
		require.LessOrEqual(t, q.cost, 500)
		for _, c := range q.calls() {
			calls++
			deltas += len(c.deltas())
			if ic, ok := c.(*inventorySetCall); ok {
				require.LessOrEqual(t, len(ic.ds), 250)
			}
		}
	}
	require.Equal(t, 3+40, calls)
	require.Equal(t, 640, deltas)
	require.Len(t, reqs, 1, "3×13 + 40×10 points fit one request")
}

func TestPackWithoutPackingSendsOneChangePerRequest(t *testing.T) {
	zero := 0
	ds := []*Delta{invDelta(1, &zero), invDelta(2, &zero), priceDelta(3, 4)}
	reqs, _ := testPacker(func(c *Config) { c.OneChangePerCall = true }).pack(ds)
	parts := 0
	for _, q := range reqs {
		for _, p := range q.parts {
			require.Len(t, p, 1)
			parts++
		}
	}
	require.Len(t, reqs, 3, "one unit per delta")
	require.Equal(t, 2+4, parts, "one HTTP request per change")
}

// A level the destination does not stock is activated; a delta whose
// target moved on since it was planned is not sent; an interrupted batch
// goes again whole, under its own key.
func TestPackSpecialCases(t *testing.T) {
	zero := 0
	stale := invDelta(1, &zero)
	newer := int64(2)
	stale.CurrentVersion = &newer
	unstocked := invDelta(2, nil)
	a, b, c := invDelta(3, &zero), invDelta(4, &zero), invDelta(5, &zero)
	a.resumeKey, c.resumeKey = "old-key", "old-key"
	reqs, settled := testPacker(nil).pack([]*Delta{stale, unstocked, a, b, c})
	require.Equal(t, skipped, settled.deltas[1].verdict)
	require.Contains(t, settled.deltas[1].err, "stale")
	var kinds []string
	for _, q := range reqs {
		for _, c := range q.calls() {
			ids := []int64{}
			for _, d := range c.deltas() {
				ids = append(ids, d.ID)
			}
			kinds = append(kinds, fmt.Sprintf("%s %v %s", c.mutation(), ids, map[bool]string{true: "resumed"}[c.batchKey() == "old-key"]))
		}
	}
	require.Equal(t, []string{"inventoryActivate [2] ", "inventorySetQuantities [3 5] resumed", "inventorySetQuantities [4] "}, kinds)
}

func TestBatchKeyIsStableAndUUIDShaped(t *testing.T) {
	x, y := &Delta{ID: 7}, &Delta{ID: 9}
	k := batchKeyOf("s", "inventorySetQuantities", []*Delta{x, y})
	require.Equal(t, k, batchKeyOf("s", "inventorySetQuantities", []*Delta{y, x}))
	require.NotEqual(t, k, batchKeyOf("s", "inventorySetQuantities", []*Delta{x}))
	require.NotEqual(t, k, batchKeyOf("other", "inventorySetQuantities", []*Delta{x, y}))
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, k)
}

func TestSplitAddsUp(t *testing.T) {
	for _, tc := range []struct {
		total   int
		weights []int
		want    []int
	}{
		{13, []int{1, 1, 1}, []int{5, 4, 4}},
		{100, []int{13, 10, 10}, []int{40, 30, 30}},
		{0, []int{1, 2}, []int{0, 0}},
		{7, []int{0, 0}, []int{0, 0}},
	} {
		got := split(tc.total, tc.weights)
		require.Equal(t, tc.want, got, "split(%d, %v)", tc.total, tc.weights)
	}
}
