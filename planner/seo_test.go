package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A source product without SEO fields and a destination twin whose SEO
// fields are all null (what the API answers for a product written without
// them) are in sync; a real SEO difference is still an update.
func TestSEOAbsentEqualsAllNull(t *testing.T) {
	f := newFixture(t, "handle", nil)
	s := shirt("10", "blue")
	f.put(src, s)
	f.put(dst, twin(s, "90"))
	f.exec(`UPDATE products SET raw = raw - 'seo' WHERE store = $1`, src)
	f.exec(`UPDATE products SET raw = jsonb_set(raw, '{seo}', '{"title": null, "description": null}') WHERE store = $1`, dst)
	f.plan()
	require.Empty(t, f.pending(), "absent and all-null SEO differ")

	f.exec(`UPDATE products SET raw = jsonb_set(raw, '{seo}', '{"title": "Blue shirts", "description": null}'), version = version + 1 WHERE store = $1`, src)
	f.plan()
	ds := f.pending()
	require.Len(t, ds, 1, describe(ds))
	require.Contains(t, ds[0].Reason, "seo")
}
