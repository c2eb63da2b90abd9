-- Of the levels just read, those the applier did not write meanwhile (their
-- inventory_reads row is as it was before the read, and no write to them is
-- under way), locked until the reads are recorded.
-- $1 store, $2 items, $3 locations, $4 read_at before the read (parallel arrays).
SELECT r.inventory_item_gid, r.location_gid
FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS k (item, loc, read_at)
JOIN inventory_reads r ON r.store = $1 AND r.inventory_item_gid = k.item AND r.location_gid = k.loc
 AND r.read_at = k.read_at
WHERE NOT EXISTS (
    SELECT 1 FROM applier_attempts a JOIN plan_deltas p ON p.id = a.delta_id
    WHERE a.store = $1 AND p.resource = 'inventory_level'
      AND p.desired ->> 'inventory_item_gid' = k.item AND p.desired ->> 'location_gid' = k.loc)
FOR UPDATE OF r
