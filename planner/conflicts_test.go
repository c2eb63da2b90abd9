package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConflictsDuplicateSKU(t *testing.T) {
	f := newFixture(t, "sku", nil)
	// Source: two products share SKU-X. Destination: two variants share SKU-Y.
	a, b, c := shirt("10", "a"), shirt("11", "b"), shirt("12", "c")
	a.Variants[0].SKU, b.Variants[0].SKU = str("SKU-X"), str("SKU-X")
	c.Variants[0].SKU = str("SKU-Y")
	f.put(src, a)
	f.put(src, b)
	f.put(src, c)
	dc := twin(c, "92")
	dc.Title = "Edited"
	f.put(dst, dc)
	other := shirt("93", "other")
	other.Variants[0].SKU = str("SKU-Y")
	f.put(dst, other)
	f.put(src, shirt("14", "fine")) // unaffected: planned

	r := f.plan()
	require.Equal(t, []string{
		"destination duplicate_sku SKU-Y",
		"source duplicate_sku SKU-X",
	}, f.conflicts())
	require.Equal(t, 2, r.Links[0].ConflictCount)
	d := f.one()
	require.Equal(t, gid("Product", "14"), d.Key, "only the product without conflicts is planned")
	var blocked []string
	f.scan([]any{&blocked}, `SELECT blocked FROM plan_conflicts WHERE key = 'SKU-X'`)
	require.ElementsMatch(t, []string{gid("Product", "10"), gid("Product", "11")}, blocked)
	f.scan([]any{&blocked}, `SELECT blocked FROM plan_conflicts WHERE key = 'SKU-Y'`)
	require.Equal(t, []string{gid("Product", "12")}, blocked)

	// Resolving the source duplicate plans its products, and the conflict goes.
	b.Variants[0].SKU = str("SKU-X2")
	f.put(src, b)
	f.plan()
	require.Equal(t, []string{"destination duplicate_sku SKU-Y"}, f.conflicts())
	require.Len(t, f.pending(), 3)
}

func TestConflictsDuplicateBarcode(t *testing.T) {
	f := newFixture(t, "barcode", nil)
	a, b := shirt("10", "a"), shirt("11", "b")
	a.Variants[1].Barcode, b.Variants[1].Barcode = str("BC-SAME"), str("BC-SAME")
	f.put(src, a)
	f.put(src, b)
	f.plan()
	require.Equal(t, []string{"source duplicate_barcode BC-SAME"}, f.conflicts())
	require.Empty(t, f.pending())
}

func TestConflictsBlankKey(t *testing.T) {
	f := newFixture(t, "sku", nil)
	a := shirt("10", "a")
	a.Variants[1].SKU = nil // source: no SKU
	f.put(src, a)
	b := shirt("11", "b")
	f.put(src, b)
	db := twin(b, "91")
	db.Title = "Edited"
	db.Variants = append(db.Variants, variant{GID: "919", SKU: str(""), Price: "1.00"}) // destination: empty SKU
	f.put(dst, db)

	f.plan()
	require.Equal(t, []string{
		"destination blank_key " + gid("ProductVariant", "919"),
		"source blank_key " + gid("ProductVariant", "102"),
	}, f.conflicts())
	require.Empty(t, f.pending(), "neither product is written")

	// A recorded pair needs no key: with the destination's blank variant
	// recorded as the twin of a source variant without SKU, b is planned.
	b.Variants = append(b.Variants, variant{GID: "113", Price: "1.00"})
	f.put(src, b)
	f.mapPair("variant", gid("ProductVariant", "113"), gid("ProductVariant", "919"))
	f.plan()
	require.Equal(t, []string{"source blank_key " + gid("ProductVariant", "102")}, f.conflicts())
	u := f.one()
	require.Equal(t, gid("Product", "11"), u.Key)
	require.Equal(t, "differs: title, variants", u.Reason)
	require.Equal(t, gid("ProductVariant", "919"), variantsOf(t, u)[2]["gid"])
}

func TestConflictsHandle(t *testing.T) {
	f := newFixture(t, "handle", nil)
	f.put(src, shirt("10", "dup"))
	f.put(src, shirt("11", "dup"))
	f.put(src, shirt("12", "twice"))
	f.put(dst, twin(shirt("12", "twice"), "92"))
	f.put(dst, twin(shirt("12", "twice"), "93"))
	f.put(src, shirt("14", "")) // a blank handle
	f.put(src, shirt("15", "fine"))

	f.plan()
	require.Equal(t, []string{
		"destination duplicate_handle twice",
		"source blank_key " + gid("Product", "14"),
		"source duplicate_handle dup",
	}, f.conflicts())
	d := f.one()
	require.Equal(t, "fine", d.Key)
}

// Two source products whose variants match variants of one destination
// product: writing either would drop the other's variants.
func TestConflictsAmbiguousMatch(t *testing.T) {
	f := newFixture(t, "sku", nil)
	a, b := shirt("10", "a"), shirt("11", "b")
	f.put(src, a)
	f.put(src, b)
	merged := twin(a, "90")
	merged.Variants = append(merged.Variants, twin(b, "91").Variants...)
	for i := range merged.Variants {
		merged.Variants[i].GID = merged.Variants[i].GID + string(rune('a'+i))
		merged.Variants[i].Options = `[{"name": "n", "value": "` + merged.Variants[i].GID + `"}]`
	}
	f.put(dst, merged)
	// And one source product whose variants are split over two destination products.
	c := shirt("12", "c")
	f.put(src, c)
	dc1, dc2 := twin(c, "92"), twin(c, "93")
	dc1.Variants, dc2.Variants = dc1.Variants[:1], dc2.Variants[1:]
	f.put(dst, dc1)
	f.put(dst, dc2)

	f.plan()
	require.Equal(t, []string{
		"destination ambiguous_match " + gid("Product", "10"),
		"destination ambiguous_match " + gid("Product", "11"),
		"destination ambiguous_match " + gid("Product", "12"),
	}, f.conflicts())
	require.Empty(t, f.pending())
}

// Matching by barcode, ambiguity on either side: a barcode twice in the
// destination, a blank barcode in the source and in a matched destination
// product. None of the three products is written; the one without a conflict
// is.
func TestConflictsBarcodeEitherSide(t *testing.T) {
	f := newFixture(t, "barcode", nil)
	a, b, c := shirt("10", "a"), shirt("11", "b"), shirt("12", "c")
	a.Variants[0].Barcode = nil
	f.put(src, a)
	f.put(src, b)
	f.put(src, c)
	db := twin(b, "91")
	db.Title = "Edited"
	db.Variants = append(db.Variants, variant{GID: "919", Barcode: str(""), Price: "1.00"})
	f.put(dst, db)
	dc := twin(c, "92")
	dc.Title = "Edited"
	f.put(dst, dc)
	other := shirt("93", "other")
	other.Variants[0].Barcode = str("BC-12-S")
	f.put(dst, other)
	f.put(src, shirt("14", "fine"))

	r := f.plan()
	require.Equal(t, []string{
		"destination blank_key " + gid("ProductVariant", "919"),
		"destination duplicate_barcode BC-12-S",
		"source blank_key " + gid("ProductVariant", "101"),
	}, f.conflicts())
	require.Equal(t, 3, r.Links[0].ConflictCount)
	d := f.one()
	require.Equal(t, gid("Product", "14"), d.Key, "only the product without conflicts is planned")
	require.Equal(t, "create", d.Operation)

	// Planning again finds the same conflicts and writes nothing new.
	r = f.plan()
	require.Empty(t, r.Links[0].Inserted)
	require.Len(t, f.conflicts(), 3)
}
