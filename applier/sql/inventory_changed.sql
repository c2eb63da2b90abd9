-- Tracked levels of a store whose mirror row changed since the applier last
-- confirmed it (a webhook, a snapshot; or -1: a set was refused as stale),
-- leaving out those the applier is writing right now (their outcome
-- confirms them).
-- $1 store, $2 how many.
SELECT r.inventory_item_gid, r.location_gid, il.gid, il.version, r.read_at
FROM inventory_reads r
JOIN inventory_levels il ON il.store = r.store AND il.inventory_item_gid = r.inventory_item_gid
 AND il.location_gid = r.location_gid AND il.deleted_at IS NULL
WHERE r.store = $1 AND il.version <> r.observed_version
  AND NOT EXISTS (
      SELECT 1 FROM applier_attempts a JOIN plan_deltas p ON p.id = a.delta_id
      WHERE a.store = $1 AND p.resource = 'inventory_level'
        AND p.desired ->> 'inventory_item_gid' = r.inventory_item_gid AND p.desired ->> 'location_gid' = r.location_gid)
ORDER BY r.read_at
LIMIT $2
