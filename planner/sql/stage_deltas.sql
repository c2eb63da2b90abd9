-- The deltas a run computed, for a dry run and for callers that want them.
SELECT n.resource, n.operation, n.key, n.source_gid, n.target_gid, n.desired, n.planned_version, n.reason,
       EXISTS (
           SELECT 1 FROM plan_deltas d
           WHERE d.link_id = $1 AND d.status = 'pending' AND d.resource = n.resource AND d.key = n.key
             AND d.operation = n.operation AND d.desired = n.desired
             AND d.target_gid IS NOT DISTINCT FROM n.target_gid
             AND d.planned_version IS NOT DISTINCT FROM n.planned_version) AS pending
FROM plan_stage n
ORDER BY n.resource, n.operation, n.key
