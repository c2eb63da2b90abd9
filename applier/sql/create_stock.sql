-- The stock a product create carries (productSet's inventoryQuantities), so
-- the destination's levels are stocked by the create itself instead of one
-- inventoryActivate per level afterwards: per source variant of the create,
-- the source's available quantity at every mapped location of a link that
-- syncs inventory, when the planner would set it (shopsync_inventory_settled
-- with no destination level yet). $1 destination store, then parallel
-- arrays: $2 link ids, $3 source variant GIDs.
SELECT x.link_id, x.variant_gid, v.inventory_item_gid, ll.destination_location_gid, sl.available
FROM unnest($2::bigint[], $3::text[]) AS x (link_id, variant_gid)
JOIN links l ON l.id = x.link_id AND l.inventory_mode <> 'none'
JOIN variants v ON v.store = l.source_store AND v.gid = x.variant_gid AND v.deleted_at IS NULL
JOIN link_locations ll ON ll.link_id = l.id
JOIN inventory_levels sl ON sl.store = l.source_store AND sl.inventory_item_gid = v.inventory_item_gid
 AND sl.location_gid = ll.source_location_gid AND sl.deleted_at IS NULL
WHERE sl.available IS NOT NULL
  AND shopsync_inventory_settled(l.id, l.inventory_mode, l.source_store, sl.inventory_item_gid, sl.location_gid, sl.version,
                                 $1, NULL, ll.destination_location_gid, NULL, NULL)
ORDER BY x.link_id, x.variant_gid, ll.destination_location_gid
