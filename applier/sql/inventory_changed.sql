-- Tracked levels of a store to read from Shopify: those whose mirror row
-- changed since the applier last confirmed it (a webhook, a snapshot; or -1:
-- a set was refused), and, as a safety net whatever the cause (a webhook
-- lost, an answer lost), those of a pair still out of step or off its
-- baseline after settleAfter since their last read. Left out: levels the
-- applier is writing right now (their outcome confirms them).
-- $1 store, $2 how many, $3 settleAfter in seconds.
SELECT r.inventory_item_gid, r.location_gid, il.gid, il.version, r.read_at
FROM inventory_reads r
JOIN inventory_levels il ON il.store = r.store AND il.inventory_item_gid = r.inventory_item_gid
 AND il.location_gid = r.location_gid AND il.deleted_at IS NULL
WHERE r.store = $1
  AND (il.version <> r.observed_version
    OR (r.read_at < now() - make_interval(secs => $3) AND (
        EXISTS (
            SELECT 1 FROM inventory_sync s
            JOIN links l ON l.id = s.link_id
            LEFT JOIN inventory_levels sl ON sl.store = l.source_store AND sl.inventory_item_gid = s.source_item_gid
             AND sl.location_gid = s.source_location_gid AND sl.deleted_at IS NULL
            WHERE s.destination_store = $1 AND s.destination_item_gid = r.inventory_item_gid
              AND s.destination_location_gid = r.location_gid
              AND (sl.available IS DISTINCT FROM il.available OR s.baseline IS DISTINCT FROM il.available))
        OR EXISTS (
            SELECT 1 FROM inventory_sync s
            JOIN links l ON l.id = s.link_id AND l.source_store = $1
            LEFT JOIN inventory_levels dl ON dl.store = s.destination_store AND dl.inventory_item_gid = s.destination_item_gid
             AND dl.location_gid = s.destination_location_gid AND dl.deleted_at IS NULL
            WHERE s.source_item_gid = r.inventory_item_gid AND s.source_location_gid = r.location_gid
              AND (dl.available IS DISTINCT FROM il.available OR s.baseline IS DISTINCT FROM dl.available)))))
  AND NOT EXISTS (
      SELECT 1 FROM applier_attempts a JOIN plan_deltas p ON p.id = a.delta_id
      WHERE a.store = $1 AND p.resource = 'inventory_level'
        AND p.desired ->> 'inventory_item_gid' = r.inventory_item_gid AND p.desired ->> 'location_gid' = r.location_gid)
ORDER BY r.read_at
LIMIT $2
