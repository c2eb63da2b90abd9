-- The levels read are confirmed at their mirror version (after the read was
-- mirrored), and each is announced again on the change outbox: the planner
-- may have held a set back while the level was unconfirmed
-- (shopsync_inventory_settled), and a read that found what the mirror held
-- changes no mirror row, so nothing else would tell it to plan again.
-- $1 store, $2 items, $3 locations, $4 available read (parallel arrays).
WITH c AS (
    UPDATE inventory_reads r
    SET observed_version = il.version, quantity = k.qty, read_at = clock_timestamp()
    FROM unnest($2::text[], $3::text[], $4::int[]) AS k (item, loc, qty)
    JOIN inventory_levels il ON il.store = $1 AND il.inventory_item_gid = k.item AND il.location_gid = k.loc
     AND il.deleted_at IS NULL
    WHERE r.store = $1 AND r.inventory_item_gid = k.item AND r.location_gid = k.loc
    RETURNING il.gid
)
INSERT INTO change_outbox (store, resource, gid, operation, before, after, version, source)
SELECT il.store, 'inventory_level', il.gid, 'update', to_jsonb(il) - 'raw', to_jsonb(il) - 'raw', il.version, 'reconcile'
FROM c
JOIN inventory_levels il ON il.store = $1 AND il.gid = c.gid
