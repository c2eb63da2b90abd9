package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
)

// A destination in sync gets no delta, whatever the match key.
func TestZeroDeltasInSync(t *testing.T) {
	for _, match := range []string{"handle", "sku", "barcode"} {
		t.Run(match, func(t *testing.T) {
			f := newFixture(t, match, map[string]any{"price_multiplier": "1.5", "round_to": "0.99"})
			for i, h := range []string{"a", "b", "c"} {
				id := string(rune('1'+i)) + "0"
				s := shirt(id, h)
				f.put(src, s)
				d := twin(s, "9"+id[:1])
				d.Variants[0].Price, d.Variants[1].Price = "15.99", "18.99" // 10.00 and 12.50 after the rule
				f.put(dst, d)
			}
			r := f.plan()
			require.Empty(t, r.Links[0].Planned)
			require.Empty(t, f.pending())
			require.Empty(t, f.conflicts())
		})
	}
}

// Planning twice yields the same pending set: the same rows, untouched.
func TestIdempotent(t *testing.T) {
	for _, match := range []string{"handle", "sku", "barcode"} {
		t.Run(match, func(t *testing.T) {
			f := newFixture(t, match, map[string]any{"inventory_mode": "one_way"})
			seedVariety(f)
			f.plan()
			first := f.pending()
			require.NotEmpty(t, first)
			r := f.plan()
			require.Empty(t, r.Links[0].Inserted)
			require.Zero(t, r.Links[0].Superseded)
			require.Equal(t, first, f.pending())
			require.Zero(t, f.count(`SELECT count(*) FROM plan_deltas WHERE status <> 'pending'`))
		})
	}
}

// Supersession whatever the match key, by full and by incremental plans: a
// newer delta replaces the older one for the same key.
func TestSupersessionEveryMatchKey(t *testing.T) {
	for _, match := range []string{"handle", "sku", "barcode"} {
		t.Run(match, func(t *testing.T) {
			f := newFixture(t, match, nil)
			s := shirt("10", "blue")
			f.put(src, s)
			d := twin(s, "90")
			d.Title = "Old"
			f.put(dst, d)
			f.plan()
			first := f.one()
			key := first.Key

			s.Title = "Second"
			f.put(src, s)
			r := f.plan()
			require.Equal(t, 1, r.Links[0].Superseded)
			second := f.one()
			require.Equal(t, key, second.Key)
			require.Equal(t, "Second", second.Desired["title"])

			// An incremental plan of the key supersedes the same way.
			s.Title = "Third"
			f.put(src, s)
			lr, err := f.p.PlanKeys(f.ctx, f.link, "product", []string{key})
			require.NoError(t, err)
			require.Equal(t, 1, lr.Superseded)
			third := f.one()
			require.Equal(t, "Third", third.Desired["title"])
			require.Equal(t, 2, f.count(`SELECT count(*) FROM plan_deltas WHERE status = 'superseded' AND id IN ($1, $2)`,
				first.ID, second.ID))
		})
	}
}

// A newer delta for a key supersedes the unapplied older one; a key that is
// in sync again has its pending delta superseded.
func TestSupersession(t *testing.T) {
	f := newFixture(t, "handle", nil)
	s := shirt("10", "blue")
	f.put(src, s)
	d := twin(s, "90")
	d.Title = "Old"
	f.put(dst, d)
	f.plan()
	old := f.one()
	require.Equal(t, "Shirt blue", old.Desired["title"])

	s.Title = "Newer title"
	f.put(src, s)
	r := f.plan()
	require.Equal(t, 1, r.Links[0].Superseded)
	newer := f.one()
	require.NotEqual(t, old.ID, newer.ID)
	require.Equal(t, "Newer title", newer.Desired["title"])
	var status string
	f.scan([]any{&status}, `SELECT status FROM plan_deltas WHERE id = $1`, old.ID)
	require.Equal(t, "superseded", status)

	// An applied delta is history: never superseded, never repeated.
	f.exec(`UPDATE plan_deltas SET status = 'applied', applied_at = now() WHERE id = $1`, newer.ID)
	d.Title = "Newer title"
	f.put(dst, d)
	f.plan()
	require.Empty(t, f.pending())
	f.scan([]any{&status}, `SELECT status FROM plan_deltas WHERE id = $1`, newer.ID)
	require.Equal(t, "applied", status)

	// In sync after a pending delta: it is superseded.
	s.Title = "Third"
	f.put(src, s)
	f.plan()
	third := f.one()
	d.Title = "Third"
	f.put(dst, d)
	f.plan()
	require.Empty(t, f.pending())
	f.scan([]any{&status}, `SELECT status FROM plan_deltas WHERE id = $1`, third.ID)
	require.Equal(t, "superseded", status)
}

// A dry run reports the plan and writes nothing: no delta, no pair, no
// conflict, not even a sequence number.
func TestDryRunWritesNothing(t *testing.T) {
	f := newFixture(t, "sku", map[string]any{"inventory_mode": "one_way"})
	seedVariety(f)
	state := func() []int {
		return []int{
			f.count(`SELECT count(*) FROM plan_deltas`),
			f.count(`SELECT count(*) FROM id_map`),
			f.count(`SELECT count(*) FROM plan_conflicts`),
		}
	}
	var seqBefore, seqAfter int64
	f.scan([]any{&seqBefore}, `SELECT coalesce(max(id), 0) FROM plan_deltas`)
	before := state()
	lr := f.dry()
	require.Equal(t, before, state())
	require.NotEmpty(t, lr.Deltas)
	require.NotEmpty(t, lr.Conflicts)
	require.Equal(t, planner.Total(lr.Planned), len(lr.Deltas))
	require.Empty(t, lr.Inserted)

	// What it reported is what a real plan then writes.
	f.plan()
	f.scan([]any{&seqAfter}, `SELECT min(id) FROM plan_deltas`)
	require.Equal(t, seqBefore+1, seqAfter, "the dry run took no id")
	got := map[string]string{}
	for _, d := range f.pending() {
		got[d.Resource+" "+d.Key] = d.Operation
	}
	require.Len(t, got, len(lr.Deltas))
	for _, d := range lr.Deltas {
		require.Equal(t, d.Operation, got[d.Resource+" "+d.Key], d.Key)
		require.False(t, d.Pending)
	}
	// Once planned, a dry run sees the same deltas as pending.
	for _, d := range f.dry().Deltas {
		require.True(t, d.Pending, d.Key)
	}
}

func TestInventory(t *testing.T) {
	for _, mode := range []string{"none", "one_way", "two_way"} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t, "sku", map[string]any{"inventory_mode": mode})
			f.exec(`INSERT INTO locations (store, gid, name, content_hash) VALUES
				($1, 'gid://shopify/Location/1', 'Warehouse', '\x00'), ($1, 'gid://shopify/Location/2', 'Shop', '\x00'),
				($2, 'gid://shopify/Location/91', 'Main', '\x00')`, src, dst)
			f.exec(`INSERT INTO link_locations VALUES ($1, 'gid://shopify/Location/1', 'gid://shopify/Location/91')`, f.link)
			s := shirt("10", "blue")
			s.Variants[0].InventoryItemGID, s.Variants[1].InventoryItemGID = "101", "102"
			f.put(src, s)
			d := twin(s, "90")
			d.Variants[0].InventoryItemGID, d.Variants[1].InventoryItemGID = "901", "902"
			f.put(dst, d)
			level := func(store, item, loc string, available int) {
				f.exec(`INSERT INTO inventory_levels (store, gid, inventory_item_gid, location_gid, available, content_hash)
					VALUES ($1, $2, $3, $4, $5, '\x00')
					ON CONFLICT (store, gid) DO UPDATE SET available = EXCLUDED.available, version = inventory_levels.version + 1`,
					store, "gid://shopify/InventoryLevel/"+item+loc+"?inventory_item_id="+item,
					gid("InventoryItem", item), gid("Location", loc), available)
			}
			level(src, "101", "1", 5)
			level(src, "102", "1", 7)
			level(src, "101", "2", 99) // an unmapped location: not synced
			level(dst, "901", "91", 5) // in sync
			// 902 is not stocked at the destination location yet.
			f.plan()
			ds := f.pending()
			if mode == "none" {
				require.Empty(t, ds)
				return
			}
			require.Len(t, ds, 1, describe(ds))
			inv := ds[0]
			require.Equal(t, "inventory_level", inv.Resource)
			require.Equal(t, "set_inventory", inv.Operation)
			require.Equal(t, gid("InventoryItem", "102")+" "+gid("Location", "91"), inv.Key)
			require.Equal(t, gid("InventoryItem", "902"), *inv.TargetGID)
			require.Equal(t, "not stocked at the destination location", inv.Reason)
			require.Equal(t, map[string]any{"inventory_item_gid": gid("InventoryItem", "902"),
				"location_gid": gid("Location", "91"), "available": float64(7), "change_from": nil}, inv.Desired)

			level(dst, "902", "91", 3)
			level(src, "101", "1", 4)
			f.plan()
			ds = f.pending()
			require.Len(t, ds, 2, describe(ds))
			require.Equal(t, "available differs", ds[0].Reason)
			require.Equal(t, float64(4), ds[0].Desired["available"])
			require.Equal(t, float64(5), ds[0].Desired["change_from"])
			require.NotNil(t, ds[0].PlannedVersion)
			require.Equal(t, float64(3), ds[1].Desired["change_from"])

			// A set refused as stale asks for a read of the destination's
			// level (-1): nothing is planned for the level until the read
			// confirms the mirror, whatever the mode.
			f.exec(`INSERT INTO inventory_reads (store, inventory_item_gid, location_gid, observed_version)
				VALUES ($1, $2, $3, -1)`, dst, gid("InventoryItem", "902"), gid("Location", "91"))
			f.plan()
			ds = f.pending()
			require.Len(t, ds, 1, "the set of a level waiting for its read is not planned: %s", describe(ds))
			require.Equal(t, gid("InventoryItem", "101")+" "+gid("Location", "91"), ds[0].Key)
			f.exec(`UPDATE inventory_reads r SET observed_version = l.version FROM inventory_levels l
				WHERE l.store = r.store AND l.inventory_item_gid = r.inventory_item_gid AND l.location_gid = r.location_gid`)
			f.plan()
			require.Len(t, f.pending(), 2, "planned again once the read confirmed the level")
		})
	}
}

// seedVariety writes a source and destination with a bit of everything the
// products family plans: creates, updates, price updates, deletes, conflicts,
// inventory, and products in sync.
func seedVariety(f *fixture) {
	f.t.Helper()
	f.exec(`INSERT INTO locations (store, gid, name, content_hash) VALUES
		($1, 'gid://shopify/Location/1', 'Warehouse', '\x00'), ($2, 'gid://shopify/Location/91', 'Main', '\x00')`, src, dst)
	f.exec(`INSERT INTO link_locations VALUES ($1, 'gid://shopify/Location/1', 'gid://shopify/Location/91')`, f.link)
	for i := 10; i < 40; i++ {
		id := itoa(i)
		s := shirt(id, "h"+id)
		for j := range s.Variants {
			s.Variants[j].InventoryItemGID = s.Variants[j].GID
		}
		switch i % 10 {
		case 8: // a source duplicate with the next product
			s.Variants[0].SKU = str("DUP-" + itoa(i/10))
		case 9:
			s.Variants[1].SKU = str("DUP-" + itoa(i/10))
		}
		if i%7 == 6 {
			s.Deleted = true
		}
		f.put(src, s)
		for _, v := range s.Variants {
			f.exec(`INSERT INTO inventory_levels (store, gid, inventory_item_gid, location_gid, available, content_hash)
				VALUES ($1, $2, $3, 'gid://shopify/Location/1', $4, '\x00')`, src,
				"gid://shopify/InventoryLevel/"+v.GID, gid("InventoryItem", v.GID), i)
		}
		if i%5 == 0 {
			continue // missing in the destination
		}
		d := twin(s, "9"+id)
		d.Deleted = false
		switch i % 5 {
		case 1:
			d.Title = "Edited"
		case 2:
			d.Variants[0].Price = "1.00"
		case 3:
			d.Variants = d.Variants[:1]
		}
		for j := range d.Variants {
			d.Variants[j].InventoryItemGID = d.Variants[j].GID
		}
		f.put(dst, d)
		for _, v := range d.Variants {
			f.exec(`INSERT INTO inventory_levels (store, gid, inventory_item_gid, location_gid, available, content_hash)
				VALUES ($1, $2, $3, 'gid://shopify/Location/91', $4, '\x00')`, dst,
				"gid://shopify/InventoryLevel/"+v.GID, gid("InventoryItem", v.GID), i%3)
		}
	}
}

func itoa(i int) string {
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}
