-- The run's deltas that are not pending already (after supersede.sql, a
-- pending delta left for a key is exactly the one planned).
-- $1 link id, $2 run id, $3 target store.
INSERT INTO plan_deltas (run_id, link_id, target_store, resource, operation, key, source_gid,
                         target_gid, desired, planned_version, reason)
SELECT $2, $1, $3, n.resource, n.operation, n.key, n.source_gid, n.target_gid, n.desired,
       n.planned_version, n.reason
FROM plan_stage n
WHERE NOT EXISTS (
    SELECT 1 FROM plan_deltas d
    WHERE d.link_id = $1 AND d.status = 'pending' AND d.resource = n.resource AND d.key = n.key)
ORDER BY n.resource, n.key
RETURNING operation
