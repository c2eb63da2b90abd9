-- Two-way: what each destination level read now differs from its baseline
-- was sold (or returned, or adjusted) there. Each difference becomes a
-- ledger row and an adjust_inventory delta moving the source by as much,
-- and the baseline becomes the quantity read, in one statement: a change is
-- counted once, however many webhooks announced it, and concurrent sales in
-- several destinations are separate deltas that add up at the source.
-- $1 destination store, $2 items, $3 locations, $4 available read
-- (parallel arrays), $5 run id.
WITH r AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::int[]) AS r (item, loc, qty)
),
s AS MATERIALIZED (
    SELECT s.link_id, s.source_item_gid, s.source_location_gid, s.destination_store,
           s.destination_item_gid, s.destination_location_gid, s.baseline, r.qty, l.source_store,
           nextval(pg_get_serial_sequence('inventory_ledger', 'id')) AS ledger_id
    FROM r
    JOIN inventory_sync s ON s.destination_store = $1 AND s.destination_item_gid = r.item
     AND s.destination_location_gid = r.loc
    JOIN links l ON l.id = s.link_id AND l.enabled AND l.inventory_mode = 'two_way'
    WHERE s.baseline <> r.qty
),
d AS (
    INSERT INTO plan_deltas (run_id, link_id, target_store, resource, operation, key, source_gid, target_gid,
                             desired, reason)
    SELECT $5, s.link_id, s.source_store, 'inventory_level', 'adjust_inventory', 'ledger ' || s.ledger_id,
           s.destination_item_gid, s.source_item_gid,
           jsonb_build_object('inventory_item_gid', s.source_item_gid, 'location_gid', s.source_location_gid,
                              'delta', s.qty - s.baseline, 'ledger_id', s.ledger_id),
           format('counted in %s: available %s -> %s', s.destination_store, s.baseline, s.qty)
    FROM s
    RETURNING id, (desired ->> 'ledger_id')::bigint AS ledger_id
),
led AS (
    INSERT INTO inventory_ledger
        (id, link_id, destination_store, destination_item_gid, destination_location_gid,
         source_store, source_item_gid, source_location_gid, baseline, observed, delta, delta_id)
    OVERRIDING SYSTEM VALUE
    SELECT s.ledger_id, s.link_id, s.destination_store, s.destination_item_gid, s.destination_location_gid,
           s.source_store, s.source_item_gid, s.source_location_gid, s.baseline, s.qty, s.qty - s.baseline, d.id
    FROM s JOIN d ON d.ledger_id = s.ledger_id
    RETURNING 1
),
moved AS (
    UPDATE inventory_sync x SET baseline = s.qty, revision = x.revision + 1
    FROM s
    WHERE x.link_id = s.link_id AND x.source_item_gid = s.source_item_gid AND x.source_location_gid = s.source_location_gid
)
SELECT count(*)::int FROM led
