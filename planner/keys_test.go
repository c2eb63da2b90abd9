package planner_test

import (
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
)

// An incremental plan of some keys computes for them exactly what a full plan
// computes: the same deltas and the same conflicts.
func TestPlanKeysEqualsFullPlan(t *testing.T) {
	for _, match := range []string{"handle", "sku", "barcode"} {
		t.Run(match, func(t *testing.T) {
			f := newFixture(t, match, map[string]any{"inventory_mode": "one_way", "delete_policy": "archive"})
			seedVariety(f)
			seedShared(f)
			full := f.dry()
			// The seed exercises every kind of delta and conflict.
			for _, op := range []string{"create", "update", "archive", "set_inventory"} {
				require.Positive(t, full.Planned[op], "%s: %v", op, full.Planned)
			}
			require.Contains(t, deltaSet(full.Deltas), "variant update "+map[bool]string{true: "h12", false: gid("Product", "12")}[match == "handle"]+
				" price differs on 1 variant "+string(pricesOf(t, full, "variant", match == "handle", "12")))
			reasons := map[string]bool{}
			for _, c := range full.Conflicts {
				reasons[c.Side+" "+c.Reason] = true
			}
			if match == "handle" {
				require.Empty(t, reasons)
			} else {
				require.True(t, reasons["source duplicate_"+match] || match == "barcode", "%v", reasons)
				require.True(t, reasons["destination ambiguous_match"], "%v", reasons)
			}

			keys := f.productKeys(match)
			require.Greater(t, len(keys), planner.ScopedKeysPerRun, "the batch of every key should span several scoped runs")
			var batches [][]string
			for _, k := range keys {
				batches = append(batches, []string{k})
			}
			batches = append(batches, keys[:len(keys)/2], keys)
			for _, batch := range batches {
				got, err := f.p.PlanKeysDry(f.ctx, f.link, "product", batch)
				require.NoError(t, err)
				want := restrict(f, full, batch)
				require.Equal(t, deltaSet(want.Deltas), deltaSet(got.Deltas), "keys %v", batch)
				require.Equal(t, conflictSet(want.Conflicts), conflictSet(got.Conflicts), "keys %v", batch)
			}

			// Planning every key incrementally leaves what a full plan leaves.
			for _, k := range keys {
				_, err := f.p.PlanKeys(f.ctx, f.link, "product", []string{k})
				require.NoError(t, err)
			}
			incremental := f.pending()
			r := f.plan()
			require.Empty(t, r.Links[0].Inserted)
			require.Zero(t, r.Links[0].Superseded)
			require.Equal(t, incremental, f.pending())
		})
	}
}

// seedShared adds two source products whose variants are one destination
// product's (an ambiguous twin), and a product in sync, to seedVariety's.
func seedShared(f *fixture) {
	f.t.Helper()
	a, b := shirt("60", "h60"), shirt("61", "h61")
	f.put(src, a)
	f.put(src, b)
	merged := twin(a, "96")
	merged.Handle = "merged"
	merged.Variants = append(merged.Variants, twin(b, "97").Variants...)
	for i := range merged.Variants {
		merged.Variants[i].Options = `[{"name": "n", "value": "` + merged.Variants[i].GID + `"}]`
	}
	f.put(dst, merged)
	c := shirt("62", "h62")
	f.put(src, c)
	f.put(dst, twin(c, "98"))
}

// productKeys lists the product keys of the source, deleted products included.
func (f *fixture) productKeys(match string) []string {
	f.t.Helper()
	col := "gid"
	if match == "handle" {
		col = "handle"
	}
	rows, err := f.pool.Query(f.ctx, `SELECT DISTINCT `+col+` FROM products WHERE store = $1 ORDER BY 1`, src)
	require.NoError(f.t, err)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(f.t, err)
	return keys
}

// restrict keeps the deltas and conflicts of a full plan that belong to some
// product keys: product and variant deltas by key, inventory deltas by the
// product of their source item, conflicts by what they block.
func restrict(f *fixture, full planner.LinkResult, keys []string) planner.LinkResult {
	f.t.Helper()
	in := map[string]bool{}
	for _, k := range keys {
		in[k] = true
	}
	itemProduct := map[string]string{}
	rows, err := f.pool.Query(f.ctx, `SELECT v.inventory_item_gid, p.handle, p.gid FROM variants v
		JOIN products p ON p.store = v.store AND p.gid = v.product_gid
		WHERE v.store = $1 AND v.inventory_item_gid IS NOT NULL`, src)
	require.NoError(f.t, err)
	var item, handle, pgid string
	_, err = pgx.ForEachRow(rows, []any{&item, &handle, &pgid}, func() error {
		if full.MatchKey == "handle" {
			itemProduct[item] = handle
		} else {
			itemProduct[item] = pgid
		}
		return nil
	})
	require.NoError(f.t, err)
	var out planner.LinkResult
	for _, d := range full.Deltas {
		key := d.Key
		if d.Resource == "inventory_level" {
			key = itemProduct[*d.SourceGID]
		}
		if in[key] {
			out.Deltas = append(out.Deltas, d)
		}
	}
	for _, c := range full.Conflicts {
		for _, b := range c.Blocked {
			if in[b] {
				out.Conflicts = append(out.Conflicts, c)
				break
			}
		}
	}
	return out
}

// pricesOf returns the desired JSON of the full plan's delta of a resource
// for product id.
func pricesOf(t *testing.T, full planner.LinkResult, resource string, byHandle bool, id string) []byte {
	key := gid("Product", id)
	if byHandle {
		key = "h" + id
	}
	for _, d := range full.Deltas {
		if d.Resource == resource && d.Key == key {
			return d.Desired
		}
	}
	t.Fatalf("no %s delta for %s", resource, key)
	return nil
}

func deltaSet(ds []planner.Delta) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Resource+" "+d.Operation+" "+d.Key+" "+d.Reason+" "+string(d.Desired))
	}
	sort.Strings(out)
	return out
}

func conflictSet(cs []planner.Conflict) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Side+" "+c.Reason+" "+c.Key)
	}
	sort.Strings(out)
	return out
}
