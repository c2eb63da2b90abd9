package planner_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
)

// An incremental plan's supersession looks its keys up in plan_deltas by
// index, also when plan_deltas is young: a plan made once per connection
// (generic) while the table was empty or small was kept while pending deltas
// accumulated until the next ANALYZE, and read them all on every run.
func TestScopedSupersedeLooksUpByIndex(t *testing.T) {
	for _, young := range []int{0, 300} {
		t.Run(fmt.Sprintf("%d deltas when planned", young), func(t *testing.T) {
			f := newFixture(t, "sku", nil)
			insert := func(from, to int) {
				f.exec(`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, target_gid, desired, reason)
					SELECT $1, $2, 'product', 'update', 'gid://shopify/Product/' || i, 'gid://shopify/Product/' || i, '{}', 'test'
					FROM generate_series($3::int, $4::int) i`, f.link, dst, from, to)
			}
			insert(1, young)
			f.exec(`ANALYZE plan_deltas`) // the statistics of a young table

			tx, err := f.pool.Begin(f.ctx)
			require.NoError(t, err)
			defer func() { _ = tx.Rollback(f.ctx) }()
			_, err = tx.Exec(f.ctx, planner.Render("stage.sql", "sku", true))
			require.NoError(t, err)
			// A scoped run's settings, the generic plans of its main
			// statement and then those of its writes.
			settings := append([][2]string{{"plan_cache_mode", "force_generic_plan"}}, planner.ScopedWriteSettings()...)
			for _, kv := range settings {
				_, err = tx.Exec(f.ctx, `SELECT set_config($1, $2, true)`, kv[0], kv[1])
				require.NoError(t, err)
			}
			_, err = tx.Exec(f.ctx, `PREPARE supersede (bigint, text[]) AS `+planner.Render("supersede.sql", "sku", true))
			require.NoError(t, err)
			explain := func(check bool) {
				var out []byte
				require.NoError(t, tx.QueryRow(f.ctx, fmt.Sprintf(
					`EXPLAIN (FORMAT JSON) EXECUTE supersede(%d, '{product,variant,inventory_level}')`, f.link)).Scan(&out))
				var plans []struct{ Plan planNode }
				require.NoError(t, json.Unmarshal(out, &plans))
				if !check {
					return // on an empty table, reading it whole is right
				}
				scans := plans[0].Plan.scansOf("plan_deltas")
				require.NotEmpty(t, scans, "the statement reads plan_deltas")
				for _, s := range scans {
					if !strings.HasSuffix(s.NodeType, "Scan") {
						continue // the UPDATE itself
					}
					// A lookup of each key (the id lookup of the UPDATE aside),
					// not a read of every pending delta of the link.
					require.NotEqual(t, "Seq Scan", s.NodeType, "plan_deltas read by a sequential scan:\n%s", out)
					require.Regexp(t, `\(key = |\(id = `, s.Cond, "plan_deltas read by a range, not by key:\n%s", out)
				}
			}
			explain(young > 0)    // planned on a young table
			insert(young+1, 5000) // pending deltas accumulate
			explain(true)         // planned again, or the same plan kept
		})
	}
}
