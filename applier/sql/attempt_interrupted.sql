-- Attempts a previous holder of the store's lease left under way: it stopped
-- between sending them and recording their outcome.
-- $1 store.
SELECT a.delta_id, a.attempt, a.attempt_id, a.batch_key, a.mutation, a.started_at,
       coalesce(d.run_id, ''), l.source_store, d.resource, d.operation, d.key, coalesce(d.target_gid, ''),
       d.desired::text, '{}', d.status
FROM applier_attempts a
JOIN plan_deltas d ON d.id = a.delta_id
JOIN links l ON l.id = d.link_id
WHERE a.store = $1
ORDER BY a.delta_id
