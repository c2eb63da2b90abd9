package applier_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// stockedItem is one variant's inventory item in every shop of the
// fixture: index 0 the source, then the destinations.
type stockedItem struct {
	items []int64
	locs  []int64
}

// stockCatalog creates the same products in every shop (matched by
// handle), each variant stocked with qty at the shop's location, then
// snapshots and plans once, so the pairs are recorded and in step.
func stockCatalog(t testing.TB, f *fixture, products, qty int) []stockedItem {
	t.Helper()
	shops := append([]*fakeshop.Shop{f.src}, f.dsts...)
	locs := append([]*fakeshop.Location{f.srcLoc}, f.dstLocs...)
	var out []stockedItem
	for p := range products {
		handle := fmt.Sprintf("tee-%d", p)
		vs := []variant{{"S", handle + "-s", "10.00", qty}, {"M", handle + "-m", "10.00", qty}}
		per := make([][]*fakeshop.Variant, len(shops))
		for i, sh := range shops {
			pr := f.addProduct(sh, locs[i], handle, "Tee "+handle, vs)
			per[i] = sh.Variants(pr)
		}
		for v := range vs {
			si := stockedItem{}
			for i := range shops {
				si.items = append(si.items, per[i][v].InventoryItemID)
				si.locs = append(si.locs, locs[i].ID)
			}
			out = append(out, si)
		}
	}
	f.snapshot()
	f.plan()
	require.Equal(t, 0, f.count(`SELECT count(*)::int FROM plan_deltas WHERE status = 'pending'`), "the catalogue starts in step")
	return out
}

// Concurrent random sales in every store, two-way, with fakeshop delivering
// webhooks twice, late and out of order, and losing some answers to writes: every store ends with the initial
// stock minus all the sales, each destination's counted changes add up to
// exactly its sales (nothing lost, nothing counted twice), and no write
// came from an echo (a count that is not a sale would be positive, or would
// break the sums).
func TestTwoWayInventoryConcurrentSales(t *testing.T) {
	const (
		initial   = 500
		perStore  = 25
		maxPerBuy = 3
	)
	f := newFixture(t, fixtureOptions{dests: 3})
	items := stockCatalog(t, f, 2, initial)
	p := startInventoryPipeline(t, f, pipelineOptions{mode: "two_way", planEvery: 100 * time.Millisecond, faults: fakeshop.Faults{
		WebhookDuplicateRate: 0.3, WebhookDelayRate: 0.3, WebhookMaxDelay: 400 * time.Millisecond,
		WebhookReorderRate: 0.3, WebhookReorderWindow: 300 * time.Millisecond,
		// Writes whose answers are lost on the way back: retried under the
		// same @idempotent key, they must not move stock twice.
		GraphQLLostResponseRate: 0.1,
	}})
	shops := append([]*fakeshop.Shop{f.src}, f.dsts...)
	// Sales start once the sync follows every pair: a pair not yet followed
	// has no baseline, and the link's first sync sets it to the source's.
	require.Eventually(t, func() bool {
		return f.count(`SELECT count(*)::int FROM inventory_sync`) == len(f.dsts)*len(items) &&
			f.count(`SELECT count(*)::int FROM inventory_reads`) == len(shops)*len(items)
	}, 20*time.Second, 20*time.Millisecond, "the applier never started following the pairs")

	// sold[store][item]: units each store sold of each item.
	sold := make([][]int, len(shops))
	var wg sync.WaitGroup
	for s, sh := range shops {
		sold[s] = make([]int, len(items))
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(s), 7))
			for range perStore {
				i := rng.IntN(len(items))
				q := 1 + rng.IntN(maxPerBuy)
				_, err := sh.AdjustInventoryQuantities(fakeshop.QtyAvailable, []fakeshop.QuantityAdjust{
					{ItemID: items[i].items[s], LocationID: items[i].locs[s], Delta: -q}})
				if err != nil {
					t.Errorf("sale in %s: %v", sh.Name(), err)
					return
				}
				sold[s][i] += q
				// Sales spread over a few seconds, as customers' would.
				time.Sleep(time.Duration(rng.IntN(80)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()

	want := make([]int, len(items))
	for i := range items {
		want[i] = initial
		for s := range shops {
			want[i] -= sold[s][i]
		}
	}
	converged := assert.Eventually(t, func() bool {
		if p.failed() != nil {
			return true // reported below
		}
		for i, it := range items {
			for s, sh := range shops {
				if available(sh, it.items[s], it.locs[s]) != want[i] {
					return false
				}
			}
		}
		return f.count(`SELECT count(*)::int FROM plan_deltas WHERE status = 'pending'`) == 0
	}, 60*time.Second, 50*time.Millisecond)
	require.NoError(t, p.failed())
	if !converged {
		t.Fatalf("stores never converged on initial stock minus all sales:%s\n%s", describeStock(shops, items, want), describeSync(f))
	}

	// Every destination's counted changes are exactly its sales, each a
	// negative count (a sale), applied once to the source.
	for s := 1; s < len(shops); s++ {
		total := 0
		for i := range items {
			total += sold[s][i]
		}
		var counted, positive, unapplied int
		require.NoError(t, f.pool.QueryRow(f.ctx, `SELECT coalesce(sum(g.delta), 0)::int, count(*) FILTER (WHERE g.delta > 0)::int,
				count(*) FILTER (WHERE d.status <> 'applied')::int
			FROM inventory_ledger g JOIN plan_deltas d ON d.id = g.delta_id WHERE g.destination_store = $1`,
			shops[s].Domain()).Scan(&counted, &positive, &unapplied))
		require.Equal(t, -total, counted, "%s: counted changes differ from its sales", shops[s].Name())
		require.Zero(t, positive, "%s: a count that is not a sale (an echo of our own write)", shops[s].Name())
		require.Zero(t, unapplied, "%s: counted changes not applied to the source", shops[s].Name())
	}
	// Writes to the source are the counted sales only, never more than the
	// sales themselves.
	adjusts := f.count(`SELECT count(*)::int FROM plan_deltas WHERE operation = 'adjust_inventory' AND status = 'applied'`)
	require.LessOrEqual(t, adjusts, 3*perStore)
	require.Zero(t, f.count(`SELECT count(*)::int FROM plan_deltas WHERE status = 'failed' AND error NOT LIKE 'stale:%'`),
		"failed deltas other than sets refused as stale:\n%s", describeSync(f))
	// Our writes did come back as webhooks, and were recognised as echoes.
	require.Positive(t, f.count(`SELECT count(*)::int FROM inventory_echoes`))
	// Visibility: every pair tracked, in step now.
	require.Equal(t, 3*len(items), f.count(`SELECT count(*)::int FROM inventory_sync_status WHERE in_sync AND lag_seconds = 0`))
	require.Equal(t, float64(3*len(items)), p.metric(t, "shopsync_inventory_tracked_levels"))
	require.Zero(t, p.metric(t, "shopsync_inventory_out_of_sync_levels"))
	require.Zero(t, p.metric(t, "shopsync_inventory_max_lag_seconds"))
	require.Positive(t, p.metric(t, "shopsync_inventory_sync_lag_seconds"), "no set's lag observed")
	require.Positive(t, p.metric(t, "shopsync_inventory_changes_counted_total"))
	require.Positive(t, p.metric(t, "shopsync_inventory_levels_read_total"))
	t.Logf("sales %v; adjustments applied %d; sets applied %d; stale sets %d; echoes recognised %d", sold, adjusts,
		f.count(`SELECT count(*)::int FROM plan_deltas WHERE operation = 'set_inventory' AND status = 'applied'`),
		f.count(`SELECT count(*)::int FROM plan_deltas WHERE operation = 'set_inventory' AND error LIKE 'stale:%'`),
		f.count(`SELECT count(*)::int FROM inventory_echoes`))
}

func describeStock(shops []*fakeshop.Shop, items []stockedItem, want []int) string {
	var b strings.Builder
	for i, it := range items {
		fmt.Fprintf(&b, "\nitem %d want %d:", i, want[i])
		for s, sh := range shops {
			fmt.Fprintf(&b, " %s=%d", sh.Name(), available(sh, it.items[s], it.locs[s]))
		}
	}
	return b.String()
}

// describeSync is what the database says of the inventory sync, for a
// failure's message.
func describeSync(f *fixture) string {
	var b strings.Builder
	for _, q := range []string{
		`SELECT operation || ' ' || status, count(*) FROM plan_deltas GROUP BY 1 ORDER BY 1`,
		`SELECT coalesce(error, '-'), count(*) FROM plan_deltas WHERE error IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
		`SELECT operation || ' ' || status || ' ' || desired::text, count(*) FROM plan_deltas GROUP BY 1 ORDER BY 1 LIMIT 20`,
		`SELECT store || ' ' || status, count(*) FROM webhook_deliveries GROUP BY 1 ORDER BY 1`,
		`SELECT 'inventory_sync', count(*) FROM inventory_sync UNION ALL SELECT 'inventory_reads', count(*) FROM inventory_reads
		 UNION ALL SELECT 'unconfirmed reads', count(*) FROM inventory_reads r JOIN inventory_levels l ON l.store = r.store
		   AND l.inventory_item_gid = r.inventory_item_gid AND l.location_gid = r.location_gid AND l.deleted_at IS NULL
		   WHERE l.version <> r.observed_version
		 UNION ALL SELECT 'ledger', count(*) FROM inventory_ledger`,
	} {
		rows, err := f.pool.Query(f.ctx, q)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", q, err)
			continue
		}
		for rows.Next() {
			var k string
			var n int64
			_ = rows.Scan(&k, &n)
			fmt.Fprintf(&b, "  %s: %d\n", k, n)
		}
		rows.Close()
	}
	return b.String()
}
