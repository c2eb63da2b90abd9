package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// shirt is a product with two SKU'd variants; the same content in both stores
// is in sync under the default rules.
func shirt(id, handle string) product {
	return product{GID: id, Handle: handle, Title: "Shirt " + handle, Vendor: "Acme", Tags: []string{"a", "b"},
		Variants: []variant{
			{GID: id + "1", SKU: str("SKU-" + id + "-S"), Barcode: str("BC-" + id + "-S"), Price: "10.00", Options: `[{"name": "Size", "value": "S"}]`},
			{GID: id + "2", SKU: str("SKU-" + id + "-M"), Barcode: str("BC-" + id + "-M"), Price: "12.50", Options: `[{"name": "Size", "value": "M"}]`},
		}}
}

// twin is p as the destination has it: other GIDs, same content.
func twin(p product, id string) product {
	p.GID = id
	vs := make([]variant, len(p.Variants))
	for i, v := range p.Variants {
		v.GID = id + v.GID[len(v.GID)-1:]
		vs[i] = v
	}
	p.Variants = vs
	return p
}

func TestMatchByHandle(t *testing.T) {
	f := newFixture(t, "handle", nil)
	f.put(src, shirt("10", "blue"))
	f.put(dst, twin(shirt("10", "blue"), "90"))
	f.put(src, shirt("11", "red")) // missing in the destination

	r := f.plan()
	require.Equal(t, map[string]int{"create": 1}, r.Links[0].Inserted)
	d := f.one()
	require.Equal(t, "product", d.Resource)
	require.Equal(t, "create", d.Operation)
	require.Equal(t, "red", d.Key)
	require.Equal(t, gid("Product", "11"), *d.SourceGID)
	require.Nil(t, d.TargetGID)
	require.Nil(t, d.PlannedVersion)
	require.Equal(t, "missing in destination", d.Reason)
	require.Equal(t, "red", d.Desired["handle"])
	require.Equal(t, "Shirt red", d.Desired["title"])
	vs := variantsOf(t, d)
	require.Len(t, vs, 2)
	require.Nil(t, vs[0]["gid"])
	require.Equal(t, "SKU-11-S", vs[0]["sku"])
	require.Equal(t, "10.00", vs[0]["price"])

	// The pair found by handle is recorded, its variants paired by options.
	require.Equal(t, 1, f.count(`SELECT count(*) FROM id_map WHERE link_id = $1 AND resource = 'product'
		AND source_gid = $2 AND destination_gid = $3`, f.link, gid("Product", "10"), gid("Product", "90")))
	require.Equal(t, 2, f.count(`SELECT count(*) FROM id_map WHERE link_id = $1 AND resource = 'variant'`, f.link))

	// A destination edit makes an update of the whole product.
	p := twin(shirt("10", "blue"), "90")
	p.Title = "Edited"
	f.put(dst, p)
	f.plan()
	ds := f.pending()
	require.Len(t, ds, 2)
	u := ds[0]
	require.Equal(t, "blue", u.Key)
	require.Equal(t, "update", u.Operation)
	require.Equal(t, "differs: title", u.Reason)
	require.Equal(t, gid("Product", "90"), *u.TargetGID)
	require.EqualValues(t, 2, *u.PlannedVersion)
	require.Equal(t, "Shirt blue", u.Desired["title"])
	vs = variantsOf(t, u)
	require.Equal(t, gid("ProductVariant", "901"), vs[0]["gid"])
	require.Equal(t, gid("ProductVariant", "101"), vs[0]["source_gid"])
}

func TestMatchBySKU(t *testing.T) {
	f := newFixture(t, "sku", nil)
	f.put(src, shirt("10", "blue"))
	// The destination has other handles and GIDs: the SKUs match.
	dp := twin(shirt("10", "blue"), "90")
	dp.Handle = "blue-shirt-dst"
	f.put(dst, dp)
	f.put(src, shirt("11", "red"))

	f.plan()
	d := f.one()
	require.Equal(t, "create", d.Operation)
	require.Equal(t, gid("Product", "11"), d.Key, "with SKUs, a product's key is its source GID")
	require.Equal(t, "red", d.Desired["handle"], "a created product gets the source's handle")

	// Pairs were recorded; a SKU changed in the source keeps its pair (id_map
	// is authoritative) and is written to the destination.
	require.Equal(t, 2, f.count(`SELECT count(*) FROM id_map WHERE link_id = $1 AND resource = 'variant'`, f.link))
	p := shirt("10", "blue")
	p.Variants[0].SKU = str("SKU-RENAMED")
	f.put(src, p)
	f.plan()
	ds := f.pending()
	require.Len(t, ds, 2, describe(ds))
	u := ds[0]
	require.Equal(t, gid("Product", "10"), u.Key)
	require.Equal(t, "update", u.Operation)
	require.Equal(t, "differs: variants", u.Reason)
	require.NotContains(t, u.Desired, "handle", "the destination's handle is its own when matching by SKU")
	vs := variantsOf(t, u)
	require.Equal(t, gid("ProductVariant", "901"), vs[0]["gid"])
	require.Equal(t, "SKU-RENAMED", vs[0]["sku"])
}

func TestMatchByBarcode(t *testing.T) {
	f := newFixture(t, "barcode", nil)
	f.put(src, shirt("10", "blue"))
	dp := twin(shirt("10", "blue"), "90")
	// SKUs differ, barcodes match: the variants are twins, the SKU is written.
	dp.Variants[0].SKU = str("OTHER")
	f.put(dst, dp)

	f.plan()
	d := f.one()
	require.Equal(t, "update", d.Operation)
	require.Equal(t, gid("Product", "10"), d.Key)
	require.Equal(t, gid("Product", "90"), *d.TargetGID)
	vs := variantsOf(t, d)
	require.Equal(t, gid("ProductVariant", "901"), vs[0]["gid"])
	require.Equal(t, "SKU-10-S", vs[0]["sku"])
	require.Equal(t, "differs: variants", d.Reason)
}

func TestVariantsAddedAndRemoved(t *testing.T) {
	for _, match := range []string{"handle", "sku", "barcode"} {
		t.Run(match, func(t *testing.T) {
			f := newFixture(t, match, nil)
			s := shirt("10", "blue")
			s.Variants = append(s.Variants, variant{GID: "103", SKU: str("SKU-10-L"), Barcode: str("BC-10-L"), Price: "14.00",
				Options: `[{"name": "Size", "value": "L"}]`})
			f.put(src, s)
			d := twin(shirt("10", "blue"), "90")
			d.Variants = append(d.Variants, variant{GID: "909", SKU: str("SKU-10-XL"), Barcode: str("BC-10-XL"), Price: "15.00",
				Options: `[{"name": "Size", "value": "XL"}]`})
			f.put(dst, d)

			f.plan()
			u := f.one()
			require.Equal(t, "update", u.Operation)
			require.Equal(t, "differs: variants added, variants removed", u.Reason)
			vs := variantsOf(t, u)
			require.Len(t, vs, 3, "the full variant set, without the destination's extra one")
			require.Equal(t, gid("ProductVariant", "901"), vs[0]["gid"])
			require.Equal(t, gid("ProductVariant", "902"), vs[1]["gid"])
			require.Nil(t, vs[2]["gid"], "a new variant")
			require.Equal(t, "SKU-10-L", vs[2]["sku"])
		})
	}
}
