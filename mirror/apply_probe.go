package mirror

// Planner settings for an Apply's merge statements. An Apply brings a few
// hundred rows at most (a processor's batch of webhooks, a reconcile page)
// and finds each in the mirror by key, so nested loops probing the primary
// key touch only those rows. Left to the statistics, the planner may do far
// worse: statistics lag behind a table that grows by webhooks (a new store,
// a fresh database), and when they say a store holds a few dozen rows while
// it holds thousands, the planner hashes the store's whole table, or scans
// it once per incoming row (a nested loop over a materialised scan), three
// times per merge: a webhook batch's apply then grows with the store, or
// with its square. Without sequential and bitmap scans, materialisation and
// merge joins, a mirror table is read through its indexes only, and the
// cheapest way left is the probe by key (hash joins stay, for the joins
// between the statement's own CTEs). The settings hold for the merge
// statement alone, sent in one pipeline (one round trip) with the
// statements that set and restore them, and the caller's own settings come
// back afterwards.
const (
	// probeSettingsSQL keeps the caller's settings in placeholder
	// variables of the transaction, then sets the ones for probing.
	probeSettingsSQL = `SELECT
		set_config('shopsync.apply_hashjoin', current_setting('enable_hashjoin'), true),
		set_config('shopsync.apply_mergejoin', current_setting('enable_mergejoin'), true),
		set_config('shopsync.apply_nestloop', current_setting('enable_nestloop'), true),
		set_config('shopsync.apply_seqscan', current_setting('enable_seqscan'), true),
		set_config('shopsync.apply_bitmapscan', current_setting('enable_bitmapscan'), true),
		set_config('shopsync.apply_material', current_setting('enable_material'), true),
		set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'off', true),
		set_config('enable_nestloop', 'on', true), set_config('enable_seqscan', 'off', true),
		set_config('enable_bitmapscan', 'off', true), set_config('enable_material', 'off', true)`
	// restoreSettingsSQL puts the caller's settings back.
	restoreSettingsSQL = `SELECT
		set_config('enable_hashjoin', current_setting('shopsync.apply_hashjoin'), true),
		set_config('enable_mergejoin', current_setting('shopsync.apply_mergejoin'), true),
		set_config('enable_nestloop', current_setting('shopsync.apply_nestloop'), true),
		set_config('enable_seqscan', current_setting('shopsync.apply_seqscan'), true),
		set_config('enable_bitmapscan', current_setting('shopsync.apply_bitmapscan'), true),
		set_config('enable_material', current_setting('shopsync.apply_material'), true)`
)
