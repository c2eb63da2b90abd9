-- Starts tracking the synced inventory pairs a store takes part in (as the
-- destination of a one-way or two-way link, or as the source of a two-way
-- one) that are not tracked yet: the pair's baseline when both levels agree
-- (until then there is nothing to count from: the first set makes it), and
-- the store's levels as confirmed at their current mirror version.
-- $1 store.
WITH pairs AS (
    SELECT l.id AS link_id, l.source_store, l.destination_store,
           sv.inventory_item_gid AS s_item, ll.source_location_gid AS s_loc,
           dv.inventory_item_gid AS d_item, ll.destination_location_gid AS d_loc
    FROM links l
    JOIN link_locations ll ON ll.link_id = l.id
    JOIN id_map m ON m.link_id = l.id AND m.resource = 'variant'
    JOIN variants sv ON sv.store = l.source_store AND sv.gid = m.source_gid AND sv.deleted_at IS NULL
    JOIN variants dv ON dv.store = l.destination_store AND dv.gid = m.destination_gid AND dv.deleted_at IS NULL
    WHERE l.enabled AND l.inventory_mode <> 'none'
      AND (l.destination_store = $1 OR (l.source_store = $1 AND l.inventory_mode = 'two_way'))
      AND sv.inventory_item_gid IS NOT NULL AND dv.inventory_item_gid IS NOT NULL
),
seeded AS (
    INSERT INTO inventory_sync (link_id, source_item_gid, source_location_gid, destination_store,
                                destination_item_gid, destination_location_gid, baseline)
    SELECT p.link_id, p.s_item, p.s_loc, p.destination_store, p.d_item, p.d_loc, dl.available
    FROM pairs p
    JOIN inventory_levels sl ON sl.store = p.source_store AND sl.inventory_item_gid = p.s_item
     AND sl.location_gid = p.s_loc AND sl.deleted_at IS NULL
    JOIN inventory_levels dl ON dl.store = p.destination_store AND dl.inventory_item_gid = p.d_item
     AND dl.location_gid = p.d_loc AND dl.deleted_at IS NULL
    WHERE p.destination_store = $1 AND sl.available = dl.available
      AND NOT EXISTS (SELECT 1 FROM inventory_sync s
                      WHERE s.link_id = p.link_id AND s.source_item_gid = p.s_item AND s.source_location_gid = p.s_loc)
    ON CONFLICT DO NOTHING
)
INSERT INTO inventory_reads (store, inventory_item_gid, location_gid, observed_version, quantity)
SELECT DISTINCT $1, il.inventory_item_gid, il.location_gid, il.version, il.available
FROM pairs p
JOIN inventory_levels il ON il.store = $1 AND il.deleted_at IS NULL
 AND il.inventory_item_gid = CASE WHEN p.destination_store = $1 THEN p.d_item ELSE p.s_item END
 AND il.location_gid = CASE WHEN p.destination_store = $1 THEN p.d_loc ELSE p.s_loc END
WHERE NOT EXISTS (SELECT 1 FROM inventory_reads r
                  WHERE r.store = $1 AND r.inventory_item_gid = il.inventory_item_gid AND r.location_gid = il.location_gid)
ON CONFLICT DO NOTHING
