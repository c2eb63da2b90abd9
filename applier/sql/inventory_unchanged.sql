-- Of the levels just read, those neither the applier nor the mirror changed
-- meanwhile: their inventory_reads row is as it was before the read (no
-- write of ours recorded), no write to them is under way, and their mirror
-- row is at the version it had (no webhook applied since: the caller holds
-- the mirror's lock on the store's levels, so none can be until it commits).
-- The others are read again on the next round: the read may or may not
-- include what changed. Locked until the reads are recorded.
-- $1 store, $2 items, $3 locations, $4 read_at and $5 mirror versions
-- before the read (parallel arrays).
SELECT r.inventory_item_gid, r.location_gid
FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::bigint[]) AS k (item, loc, read_at, version)
JOIN inventory_reads r ON r.store = $1 AND r.inventory_item_gid = k.item AND r.location_gid = k.loc
 AND r.read_at = k.read_at
JOIN inventory_levels il ON il.store = $1 AND il.inventory_item_gid = k.item AND il.location_gid = k.loc
 AND il.deleted_at IS NULL AND il.version = k.version
WHERE NOT EXISTS (
    SELECT 1 FROM applier_attempts a JOIN plan_deltas p ON p.id = a.delta_id
    WHERE a.store = $1 AND p.resource = 'inventory_level'
      AND p.desired ->> 'inventory_item_gid' = k.item AND p.desired ->> 'location_gid' = k.loc)
FOR UPDATE OF r
