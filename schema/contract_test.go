package schema_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
)

// The Go names in schema/events and the CHECK constraints in the migrations are
// two copies of one list; this keeps them equal.
func TestEventNamesMatchPostgresConstraints(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Postgres(t)
	quoted := regexp.MustCompile(`'([a-z_]+)'::text`)
	allowed := func(constraint string) []string {
		var def string
		require.NoError(t, pool.QueryRow(ctx, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = $1", constraint).Scan(&def))
		var out []string
		for _, m := range quoted.FindAllStringSubmatch(def, -1) {
			out = append(out, m[1])
		}
		return out
	}

	var resources []string
	for _, r := range events.Resources() {
		resources = append(resources, string(r))
		var exists bool
		require.NoError(t, pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", r.Table()).Scan(&exists))
		require.Truef(t, exists, "resource %s has mirror table %s", r, r.Table())
	}
	for _, c := range []string{"change_outbox_resource_check", "plan_deltas_resource_check", "id_map_resource_check"} {
		require.ElementsMatch(t, resources, allowed(c), c)
	}

	var families []string
	for _, f := range events.Families() {
		families = append(families, string(f))
	}
	require.ElementsMatch(t, families, allowed("ingest_runs_family_check"))
	require.ElementsMatch(t, []string{string(events.Create), string(events.Update), string(events.Delete)}, allowed("change_outbox_operation_check"))
	require.ElementsMatch(t, []string{string(events.Bulk), string(events.Webhook), string(events.Reconcile), string(events.Applier)}, allowed("change_outbox_source_check"))
}
