package planner_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
)

// An incremental plan's supersession looks its keys up in plan_deltas by
// index, whatever plan_deltas's statistics say: its plan is made once per
// connection (a generic plan), and one made while the table was small and
// kept while pending deltas accumulate must not scan them all on every run.
func TestScopedSupersedeLooksUpByIndex(t *testing.T) {
	f := newFixture(t, "sku", nil)
	// A few hundred pending deltas, analyzed: the statistics of a young
	// table, on which the plan is made (and then kept while it grows).
	f.exec(`INSERT INTO plan_deltas (link_id, target_store, resource, operation, key, target_gid, desired, reason)
		SELECT $1, $2, 'product', 'update', 'gid://shopify/Product/' || i, 'gid://shopify/Product/' || i, '{}', 'test'
		FROM generate_series(1, 300) i`, f.link, dst)
	f.exec(`ANALYZE plan_deltas`)

	tx, err := f.pool.Begin(f.ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(f.ctx) }()
	_, err = tx.Exec(f.ctx, planner.Render("stage.sql", "sku", true))
	require.NoError(t, err)
	_, err = tx.Exec(f.ctx, `SET LOCAL plan_cache_mode = force_generic_plan`)
	require.NoError(t, err)
	_, err = tx.Exec(f.ctx, `PREPARE supersede (bigint, text[]) AS `+planner.Render("supersede.sql", "sku", true))
	require.NoError(t, err)
	var out []byte
	require.NoError(t, tx.QueryRow(f.ctx, fmt.Sprintf(`EXPLAIN (FORMAT JSON) EXECUTE supersede(%d, '{product,variant,inventory_level}')`, f.link)).Scan(&out))
	var plans []struct{ Plan planNode }
	require.NoError(t, json.Unmarshal(out, &plans))
	scans := plans[0].Plan.scansOf("plan_deltas")
	require.NotEmpty(t, scans, "the statement reads plan_deltas")
	for _, s := range scans {
		require.NotEqual(t, "Seq Scan", s, "plan_deltas read by a sequential scan:\n%s", out)
	}
}
