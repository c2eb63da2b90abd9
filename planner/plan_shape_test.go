package planner_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
)

// A full run looks up the twins of variants without a recorded one row by
// row (LATERALs in products_match.sql and products_deltas.sql, run as two
// statements or as one, products_keys.sql). Its checks
// that no other source variant recorded the twin must stay lookups: pulled
// up into an anti join, with nested loops off, PostgreSQL hashed every pair
// the link had recorded again for every variant looked up, and a full plan of
// a 10,000-product demo store being filled ran for more than 11 minutes. So
// no hash table of a full run's statements may be built more than once.
func TestFullRunBuildsEachHashOnce(t *testing.T) {
	for _, match := range []string{"sku", "barcode", "handle"} {
		t.Run(match, func(t *testing.T) {
			f := newFixture(t, match, nil)
			// 200 products in the destination under their handles and keys,
			// not recorded yet (found by key, variant by variant), and 200
			// recorded ones (the pairs the lookups must not hash).
			f.exec(`INSERT INTO products (store, gid, handle, title, status, tags, content_hash)
				SELECT s.store, 'gid://shopify/Product/' || (s.off + i), 'p-' || i, 'P ' || i, 'ACTIVE', '{}', '\x00'
				FROM generate_series(1, 400) i, (VALUES ($1, 0), ($2, 100000)) s (store, off)`, src, dst)
			f.exec(`INSERT INTO variants (store, gid, product_gid, sku, barcode, price, position, options, content_hash)
				SELECT s.store, 'gid://shopify/ProductVariant/' || (s.off + i * 10 + j), 'gid://shopify/Product/' || (s.off + i),
					'SKU-' || i || '-' || j, 'BC-' || i || '-' || j, 10, j,
					jsonb_build_array(jsonb_build_object('name', 'Size', 'value', j::text)), '\x00'
				FROM generate_series(1, 400) i, generate_series(1, 2) j, (VALUES ($1, 0), ($2, 100000)) s (store, off)`, src, dst)
			f.exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
				SELECT $1, 'product', 'gid://shopify/Product/' || i, 'gid://shopify/Product/' || (100000 + i)
				FROM generate_series(201, 400) i`, f.link)
			f.exec(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
				SELECT $1, 'variant', 'gid://shopify/ProductVariant/' || (i * 10 + j), 'gid://shopify/ProductVariant/' || (100000 + i * 10 + j)
				FROM generate_series(201, 400) i, generate_series(1, 2) j`, f.link)
			f.exec(`ANALYZE products, variants, id_map`)

			tx, err := f.pool.Begin(f.ctx)
			require.NoError(t, err)
			defer func() { _ = tx.Rollback(f.ctx) }()
			_, err = tx.Exec(f.ctx, planner.Render("stage.sql", match, false))
			require.NoError(t, err)
			for _, kv := range append(planner.FullRunSettings(), [2]string{"jit", "off"}) {
				_, err = tx.Exec(f.ctx, `SELECT set_config($1, $2, true)`, kv[0], kv[1])
				require.NoError(t, err)
			}
			args := []any{f.link, src, dst}
			explain := func(file string) {
				var out []byte
				require.NoError(t, tx.QueryRow(f.ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+planner.Render(file, match, false), args...).Scan(&out))
				var plans []struct{ Plan planNode }
				require.NoError(t, json.Unmarshal(out, &plans))
				for _, h := range plans[0].Plan.hashes() {
					require.LessOrEqualf(t, h.Loops, 1, "%s: a hash table is built %d times (%s)", file, h.Loops, h.Path)
				}
			}
			if match == "handle" {
				// Two statements, the pairs analyzed in between (planner.go).
				explain("products_match.sql")
				var paired int
				require.NoError(t, tx.QueryRow(f.ctx, `SELECT count(*) FROM plan_work WHERE dgid IS NOT NULL`).Scan(&paired))
				require.Equal(t, 400, paired, "every product paired, 200 of them by key")
				_, err = tx.Exec(f.ctx, `ANALYZE plan_work`)
				require.NoError(t, err)
				explain("products_deltas.sql")
			} else {
				// One statement, whose deltas reuse the match step's join.
				explain("products_keys.sql")
				var byKey int
				require.NoError(t, tx.QueryRow(f.ctx, `SELECT count(*) FROM plan_stage_pairs WHERE resource = 'product'`).Scan(&byKey))
				require.Equal(t, 200, byKey, "the 200 products without a recorded twin paired by key")
			}
			var found int
			require.NoError(t, tx.QueryRow(f.ctx, `SELECT count(*) FROM plan_stage_pairs WHERE resource = 'variant'`).Scan(&found))
			require.Equal(t, 400, found, "the 400 variants without a recorded twin found theirs by lookup")
		})
	}
}

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Cond     string     `json:"Index Cond"`
	Loops    int        `json:"Actual Loops"`
	Plans    []planNode `json:"Plans"`
}

type hashNode struct {
	Loops int
	Path  string
}

// hashes lists the Hash nodes under n with how often each was built.
func (n planNode) hashes() []hashNode {
	var out []hashNode
	var walk func(n planNode, path []string)
	walk = func(n planNode, path []string) {
		path = append(path, n.NodeType)
		if n.NodeType == "Hash" {
			out = append(out, hashNode{n.Loops, strings.Join(path, " > ")})
		}
		for _, c := range n.Plans {
			walk(c, path)
		}
	}
	walk(n, nil)
	return out
}

// scansOf lists the scans of table under n.
func (n planNode) scansOf(table string) []planNode {
	var out []planNode
	if n.Relation == table {
		out = append(out, n)
	}
	for _, c := range n.Plans {
		out = append(out, c.scansOf(table)...)
	}
	return out
}
