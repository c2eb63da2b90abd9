-- What inventory writes leave behind, in the outcome's transaction (after
-- the mirror took the answer): a set (or activation) applied moves the
-- pair's baseline to the quantity written and records the sync's lag; every
-- level written is confirmed at its new mirror version; a set refused as
-- stale asks for a read of the level (-1), so the destination is re-read
-- and re-planned rather than overwritten.
-- $1 store, then parallel arrays: $2 op (set or stale), $3 link ids,
-- $4 source items (the link's source item, for set), $5 items and
-- $6 locations of the level written in $1, $7 quantities. Returns the
-- lag of each set (seconds from the source change reaching the mirror).
WITH o AS (
    SELECT * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[])
        AS o (op, link_id, source_item, item, loc, qty)
),
synced AS (
    INSERT INTO inventory_sync AS s (link_id, source_item_gid, source_location_gid, destination_store,
                                     destination_item_gid, destination_location_gid, baseline, last_lag)
    SELECT DISTINCT ON (o.link_id, o.source_item, ll.source_location_gid)
           o.link_id, o.source_item, ll.source_location_gid, $1, o.item, o.loc, o.qty, clock_timestamp() - sl.synced_at
    FROM o
    JOIN links l ON l.id = o.link_id
    JOIN link_locations ll ON ll.link_id = o.link_id AND ll.destination_location_gid = o.loc
    LEFT JOIN inventory_levels sl ON sl.store = l.source_store AND sl.inventory_item_gid = o.source_item
     AND sl.location_gid = ll.source_location_gid AND sl.deleted_at IS NULL
    WHERE o.op = 'set' AND o.qty IS NOT NULL
    ON CONFLICT (link_id, source_item_gid, source_location_gid) DO UPDATE SET
        baseline = EXCLUDED.baseline, destination_item_gid = EXCLUDED.destination_item_gid,
        destination_location_gid = EXCLUDED.destination_location_gid, revision = s.revision + 1,
        synced_at = now(), last_lag = EXCLUDED.last_lag
    RETURNING s.destination_store, extract(epoch FROM s.last_lag)::float8 AS lag
),
confirmed AS (
INSERT INTO inventory_reads AS r (store, inventory_item_gid, location_gid, observed_version, quantity, read_at)
SELECT DISTINCT ON (o.item, o.loc) $1, o.item, o.loc,
       CASE WHEN o.op = 'stale' THEN -1 ELSE coalesce(il.version, -1) END, coalesce(il.available, o.qty), clock_timestamp()
FROM o
LEFT JOIN inventory_levels il ON il.store = $1 AND il.inventory_item_gid = o.item AND il.location_gid = o.loc
 AND il.deleted_at IS NULL
ORDER BY o.item, o.loc, o.op = 'stale' DESC
ON CONFLICT (store, inventory_item_gid, location_gid) DO UPDATE SET
    observed_version = EXCLUDED.observed_version, quantity = EXCLUDED.quantity, read_at = EXCLUDED.read_at
)
-- The lags of the sets, for the metrics.
SELECT lag FROM synced WHERE lag IS NOT NULL
