package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPriceRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rules     map[string]any
		compareAt *string
		// the desired price and compare-at price of a 10.00 and a 12.50 variant
		want    [2]string
		wantCmp any
	}{
		{"unchanged", nil, str("20.00"), [2]string{"10.00", "12.50"}, "20.00"},
		{"markup and ending", map[string]any{"price_multiplier": "1.10", "round_to": "0.99"}, str("20.00"),
			[2]string{"11.99", "13.99"}, "22.99"},
		{"currency factor and amount", map[string]any{"currency_factor": "0.5", "price_offset": "1.25"}, nil,
			[2]string{"6.25", "7.50"}, nil},
		{"compare-at kept", map[string]any{"price_multiplier": "2", "compare_at_mode": "keep"}, str("20.00"),
			[2]string{"20.00", "25.00"}, "20.00"},
		{"compare-at cleared", map[string]any{"price_multiplier": "2", "compare_at_mode": "clear"}, str("20.00"),
			[2]string{"20.00", "25.00"}, nil},
		{"whole amounts", map[string]any{"price_multiplier": "1.01", "round_to": "0"}, nil,
			[2]string{"11.00", "13.00"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "sku", tc.rules)
			p := shirt("10", "blue")
			p.Variants[0].CompareAt = tc.compareAt
			f.put(src, p)
			f.plan()
			d := f.one()
			require.Equal(t, "create", d.Operation)
			vs := variantsOf(t, d)
			require.Equal(t, tc.want[0], vs[0]["price"])
			require.Equal(t, tc.want[1], vs[1]["price"])
			require.Equal(t, tc.wantCmp, vs[0]["compare_at_price"])
		})
	}
}

// A rule that gives a negative price writes no price at all.
func TestPriceRuleNegative(t *testing.T) {
	f := newFixture(t, "sku", map[string]any{"price_offset": "-11"})
	f.put(src, shirt("10", "blue"))
	f.plan()
	vs := variantsOf(t, f.one())
	require.NotContains(t, vs[0], "price", "10.00 - 11 is negative: no price")
	require.Equal(t, "1.50", vs[1]["price"])
}

// When prices alone differ, the delta is a price update of the variants that
// differ (resource variant), for a bulk variant update.
func TestPriceOnlyDelta(t *testing.T) {
	f := newFixture(t, "handle", map[string]any{"price_multiplier": "1.10"})
	f.put(src, shirt("10", "blue"))
	d := twin(shirt("10", "blue"), "90")
	d.Variants[0].Price = "11.00" // 10.00 * 1.10: in sync
	d.Variants[1].Price = "12.50" // should be 13.75
	f.put(dst, d)

	f.plan()
	u := f.one()
	require.Equal(t, "variant", u.Resource)
	require.Equal(t, "update", u.Operation)
	require.Equal(t, "blue", u.Key, "a price update shares its product's key")
	require.Equal(t, gid("Product", "90"), *u.TargetGID)
	require.Equal(t, "price differs on 1 variant", u.Reason)
	vs := variantsOf(t, u)
	require.Len(t, vs, 1)
	require.Equal(t, map[string]any{"gid": gid("ProductVariant", "902"), "source_gid": gid("ProductVariant", "102"),
		"price": "13.75", "compare_at_price": nil}, vs[0])

	// Fix the price in the destination: in sync, the delta is superseded.
	d.Variants[1].Price = "13.75"
	f.put(dst, d)
	f.plan()
	require.Empty(t, f.pending())
	require.Equal(t, 1, f.count(`SELECT count(*) FROM plan_deltas WHERE status = 'superseded'`))
}

func TestFieldPolicies(t *testing.T) {
	t.Run("sync", func(t *testing.T) {
		f := newFixture(t, "handle", map[string]any{"field_policies": `{"vendor": "sync"}`})
		f.put(src, shirt("10", "blue"))
		d := twin(shirt("10", "blue"), "90")
		d.Vendor = "Other"
		f.put(dst, d)
		f.plan()
		u := f.one()
		require.Equal(t, "differs: vendor", u.Reason)
		require.Equal(t, "Acme", u.Desired["vendor"])
	})
	t.Run("ignore", func(t *testing.T) {
		f := newFixture(t, "handle", map[string]any{"field_policies": `{"title": "ignore", "tags": "ignore"}`})
		f.put(src, shirt("10", "blue"))
		d := twin(shirt("10", "blue"), "90")
		d.Title, d.Tags = "Their title", []string{"theirs"}
		f.put(dst, d)
		f.put(src, shirt("11", "red"))
		f.plan()
		c := f.one() // no update of blue: its differences are ignored
		require.Equal(t, "create", c.Operation)
		require.NotContains(t, c.Desired, "title")
		require.NotContains(t, c.Desired, "tags")
		require.Contains(t, c.Desired, "vendor")
	})
	t.Run("create_only", func(t *testing.T) {
		f := newFixture(t, "handle", map[string]any{"field_policies": `{"title": "create_only", "description": "create_only"}`})
		f.put(src, shirt("11", "red"))
		f.plan()
		c := f.one()
		require.Equal(t, "create", c.Operation)
		require.Equal(t, "Shirt red", c.Desired["title"], "written on create")
		require.Contains(t, c.Desired, "description_html")

		f.put(src, shirt("10", "blue"))
		d := twin(shirt("10", "blue"), "90")
		d.Title, d.Vendor = "Their title", "Other"
		f.put(dst, d)
		f.plan()
		ds := f.pending()
		require.Len(t, ds, 2)
		u := ds[0]
		require.Equal(t, "update", u.Operation)
		require.Equal(t, "differs: vendor", u.Reason, "a create_only field never makes an update")
		require.NotContains(t, u.Desired, "title", "nor is written by one")
		require.NotContains(t, u.Desired, "description_html")
	})
	t.Run("status", func(t *testing.T) {
		f := newFixture(t, "handle", nil)
		s := shirt("10", "blue")
		s.Status = "DRAFT"
		f.put(src, s)
		f.put(dst, twin(shirt("10", "blue"), "90"))
		f.plan()
		u := f.one()
		require.Equal(t, "differs: status", u.Reason)
		require.Equal(t, "DRAFT", u.Desired["status"])
	})
}

func TestDeletePolicies(t *testing.T) {
	for _, tc := range []struct {
		policy, op string
		desired    map[string]any
	}{
		{"none", "", nil},
		{"unpublish", "unpublish", map[string]any{"status": "DRAFT"}},
		{"archive", "archive", map[string]any{"status": "ARCHIVED"}},
		{"delete", "delete", map[string]any{}},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			for _, match := range []string{"handle", "sku"} {
				f := newFixture(t, match, map[string]any{"delete_policy": tc.policy})
				s := shirt("10", "blue")
				s.Deleted = true
				for i := range s.Variants {
					s.Variants[i].Deleted = true
				}
				f.put(src, s)
				f.put(dst, twin(shirt("10", "blue"), "90"))
				// Gone from the mirror altogether, known only from id_map.
				f.put(dst, twin(shirt("12", "gone"), "92"))
				f.mapPair("product", gid("Product", "12"), gid("Product", "92"))
				f.plan()
				ds := f.pending()
				if tc.op == "" {
					require.Empty(t, ds, match)
					continue
				}
				require.Len(t, ds, 2, "%s: %s", match, describe(ds))
				for _, d := range ds {
					require.Equal(t, tc.op, d.Operation, match)
					require.Equal(t, tc.desired, d.Desired, match)
					require.Equal(t, "deleted in source", d.Reason, match)
					require.NotNil(t, d.PlannedVersion, match)
				}
				require.Equal(t, gid("Product", "90"), *ds[0].TargetGID)
				// Once the destination has done it, as the applier does it,
				// nothing is left to do (a deleted product's twin leaves the
				// mirror's live rows; unpublishing sets the status to DRAFT
				// and leaves published_at as it was).
				switch tc.op {
				case "delete":
					f.exec(`UPDATE products SET deleted_at = now(), version = version + 1 WHERE store = $1`, dst)
				case "archive":
					f.exec(`UPDATE products SET status = 'ARCHIVED', version = version + 1 WHERE store = $1`, dst)
				case "unpublish":
					f.exec(`UPDATE products SET status = 'DRAFT', version = version + 1 WHERE store = $1`, dst)
				}
				f.plan()
				require.Empty(t, f.pending(), match)
				require.Equal(t, 2, f.count(`SELECT count(*) FROM plan_deltas WHERE link_id = $1 AND status = 'superseded'`, f.link),
					"%s: the deltas done meanwhile are no longer needed", match)
			}
		})
	}
}

// A destination product hidden already (DRAFT, ARCHIVED or without a
// publication date) gets no unpublish delta when its source product goes.
func TestUnpublishHiddenTwin(t *testing.T) {
	for _, match := range []string{"handle", "sku", "barcode"} {
		f := newFixture(t, match, map[string]any{"delete_policy": "unpublish"})
		for _, n := range []string{"10", "11", "12", "13"} {
			s := shirt(n, "p"+n)
			f.put(src, s)
			f.put(dst, twin(s, "9"+n[1:]))
		}
		f.plan()
		require.Empty(t, f.pending(), "%s: in sync", match)

		f.exec(`UPDATE products SET deleted_at = now(), version = version + 1 WHERE store = $1`, src)
		f.exec(`UPDATE variants SET deleted_at = now(), version = version + 1 WHERE store = $1`, src)
		f.exec(`UPDATE products SET status = 'DRAFT' WHERE store = $1 AND gid = $2`, dst, gid("Product", "90"))
		f.exec(`UPDATE products SET status = 'ARCHIVED' WHERE store = $1 AND gid = $2`, dst, gid("Product", "91"))
		f.exec(`UPDATE products SET published_at = NULL WHERE store = $1 AND gid = $2`, dst, gid("Product", "92"))
		f.plan()
		d := f.one()
		require.Equal(t, "unpublish", d.Operation, match)
		require.Equal(t, gid("Product", "93"), *d.TargetGID, "%s: only the twin still published", match)
		require.Equal(t, map[string]any{"status": "DRAFT"}, d.Desired, match)
	}
}
