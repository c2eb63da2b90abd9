package faults

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// Hostile but valid product content (issue #11, item 4): SQL-looking
// strings, quotes, template and format verbs, and long unicode (combining
// marks, right-to-left text, emoji outside the BMP, CJK) must be stored in
// the mirror and written to every destination byte for byte.
func TestVerbatimFields(t *testing.T) {
	p := newPipeline(t, pipelineOptions{})
	long := strings.Repeat("Zürich ﷽ e\u0301 👩‍👩‍👧‍👦 𝔘𝔫𝔦 漢字かな עברית ", 600) // ~20k runes, >60 KB
	values := []struct{ title, body, vendor string }{
		{`Robert'); DROP TABLE products;--`, `<p>1' OR '1'='1</p>; DELETE FROM plan_deltas WHERE true; --`, `"; TRUNCATE stores CASCADE; --`},
		{`%s %d %v {{.Token}} ${DATABASE_URL} $1 \x00 \\ \n`, `<script>alert("x")</script>` + long, "Ünïcödé ✓"},
		{strings.Repeat("長", 255), long, strings.Repeat("🛒", 60)},
		{"\u202eevil\u202c title with RTL override", "tab\there\r\nnewline", "O'Brien & Sons <b>"},
	}
	r := report(t, fmt.Sprintf("%d source products whose title, description and vendor hold SQL-looking strings, "+
		"format verbs and up to %d bytes of unicode, synced to %d destinations", len(values), len(long)+30, len(p.dsts)))
	var batch []fakeshop.NewProduct
	for i, v := range values {
		handle, title, body, vendor, price := fmt.Sprintf("verbatim-%d", i), v.title, v.body, v.vendor, "10.00"
		batch = append(batch, fakeshop.NewProduct{
			Product:  fakeshop.ProductInput{Title: &title, Handle: &handle, DescriptionHTML: &body, Vendor: &vendor},
			Variants: []fakeshop.VariantInput{{OptionValues: []fakeshop.SelectedOption{{Name: "Title", Value: "Default Title"}}, Price: &price}},
		})
	}
	_, err := p.src.CreateProducts(batch)
	require.NoError(t, err)
	p.start()
	took, d := p.waitConverged(*flagConverge)
	r.sent = len(values) * len(p.dsts)
	r.lost = d.missing + d.wrong + d.extra
	r.applied = r.sent - r.lost
	r.duplicated = d.duplicated + p.mirrorDuplicates()

	// The mirror holds them verbatim too, for every store (the
	// destinations' rows once their webhooks are in).
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, p.db.QueryRow(context.Background(),
			`SELECT count(*) FROM products WHERE handle LIKE 'verbatim-%' AND deleted_at IS NULL`).Scan(&n))
		return n == len(values)*(1+len(p.dsts))
	}, time.Minute, 200*time.Millisecond, "the destinations' products are not all mirrored")
	for i, v := range values {
		rows, err := p.db.Query(context.Background(), `SELECT store, title, description_html, vendor FROM products WHERE handle = $1`,
			fmt.Sprintf("verbatim-%d", i))
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			var store, title, body, vendor string
			require.NoError(t, rows.Scan(&store, &title, &body, &vendor))
			require.Equal(t, v.title, title, "%s mirror title", store)
			require.Equal(t, v.body, body, "%s mirror description", store)
			require.Equal(t, v.vendor, vendor, "%s mirror vendor", store)
			n++
		}
		require.NoError(t, rows.Err())
		require.Equal(t, 1+len(p.dsts), n, "product %d is not mirrored for every store", i)
	}
	var stores int
	require.NoError(t, p.db.QueryRow(context.Background(), `SELECT count(*) FROM stores`).Scan(&stores))
	require.Equal(t, 1+len(p.dsts), stores, "the stores table was touched")
	a := p.waitAudited(time.Minute)
	found(t, "every destination and every mirror row equal byte for byte after %v; stores table intact; %d audit rows, one per attempt",
		took.Round(time.Millisecond), a.rows)
}
