-- The run's order deltas that are not pending already; they write to the
-- link's source (target_store), where the order is recreated or cancelled.
-- $1 link id, $2 run id.
INSERT INTO plan_deltas (run_id, link_id, target_store, resource, operation, key, source_gid,
                         target_gid, desired, planned_version, reason)
SELECT $2, $1, l.source_store, n.resource, n.operation, n.key, n.source_gid, n.target_gid, n.desired,
       n.planned_version, n.reason
FROM plan_orders_stage n
JOIN links l ON l.id = $1
WHERE NOT EXISTS (
    SELECT 1 FROM plan_deltas d
    WHERE d.link_id = $1 AND d.status = 'pending' AND d.resource = n.resource AND d.key = n.key)
ORDER BY n.key
RETURNING operation
