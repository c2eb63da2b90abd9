-- A destination's pending deltas that this applier carries out, oldest
-- first, with what the destination mirror holds of each target now: its
-- version (to skip deltas planned against an older one), its image before
-- the write (for the audit), the options of a product (productSet needs them
-- when the link does not sync options) and whether a create's handle is
-- already taken by a live product. A product create's target is the live
-- product id_map already pairs with its source product, if any: one an
-- earlier delta of the key created (a newer plan can supersede a create
-- while it is under way, then plan the key again from a mirror that did not
-- hold the product yet).
-- $1 target store, $2 delta ids to leave out (under way or waiting to be
-- retried), $3 how many.
SELECT d.id, coalesce(d.run_id, ''), d.link_id, l.source_store, d.resource, d.operation, d.key,
       d.source_gid,
       CASE WHEN d.resource = 'product' AND d.operation = 'create' AND d.target_gid IS NULL THEN (
           SELECT x.gid FROM id_map m
           JOIN products x ON x.store = d.target_store AND x.gid = m.destination_gid AND x.deleted_at IS NULL
           WHERE m.link_id = d.link_id AND m.resource = 'product' AND m.source_gid = d.source_gid)
            ELSE d.target_gid END AS target_gid,
       d.desired, d.planned_version, d.attempts,
       CASE WHEN d.resource = 'inventory_level' THEN il.version
            WHEN d.resource IN ('collection', 'collection_product', 'page', 'blog', 'article') THEN ct.version
            ELSE p.version END AS current_version,
       CASE WHEN d.resource = 'inventory_level' THEN to_jsonb(il) - 'raw' - 'content_hash'
            WHEN d.resource = 'variant' THEN (
                SELECT jsonb_build_object('product_gid', d.target_gid, 'variants', coalesce(jsonb_agg(
                           jsonb_build_object('gid', v.gid, 'price', v.price, 'compare_at_price', v.compare_at_price)
                           ORDER BY v.position, v.gid), '[]'))
                FROM variants v
                WHERE v.store = d.target_store AND v.product_gid = d.target_gid AND v.deleted_at IS NULL)
            WHEN d.resource IN ('collection', 'collection_product', 'page', 'blog', 'article') THEN ct.image
            ELSE to_jsonb(p) - 'raw' - 'content_hash' END AS before,
       p.options AS target_options,
       p.status AS target_status,
       d.operation = 'create' AND EXISTS (
           SELECT 1 FROM products x
           WHERE x.store = d.target_store AND x.handle = d.desired ->> 'handle' AND x.deleted_at IS NULL) AS handle_taken
FROM plan_deltas d
JOIN links l ON l.id = d.link_id
LEFT JOIN products p
  ON d.resource IN ('product', 'variant') AND p.store = d.target_store AND p.gid = d.target_gid AND p.deleted_at IS NULL
LEFT JOIN inventory_levels il
  ON d.resource = 'inventory_level' AND il.store = d.target_store
 AND il.inventory_item_gid = d.desired ->> 'inventory_item_gid' AND il.location_gid = d.desired ->> 'location_gid'
 AND il.deleted_at IS NULL
-- Content targets (content_*.sql of the planner): a membership change's
-- target is its collection.
LEFT JOIN LATERAL (
    SELECT c.version, to_jsonb(c) - 'raw' - 'content_hash' AS image FROM collections c
    WHERE d.resource IN ('collection', 'collection_product') AND c.store = d.target_store AND c.gid = d.target_gid AND c.deleted_at IS NULL
    UNION ALL
    SELECT c.version, to_jsonb(c) - 'raw' - 'content_hash' FROM pages c
    WHERE d.resource = 'page' AND c.store = d.target_store AND c.gid = d.target_gid AND c.deleted_at IS NULL
    UNION ALL
    SELECT c.version, to_jsonb(c) - 'raw' - 'content_hash' FROM blogs c
    WHERE d.resource = 'blog' AND c.store = d.target_store AND c.gid = d.target_gid AND c.deleted_at IS NULL
    UNION ALL
    SELECT c.version, to_jsonb(c) - 'raw' - 'content_hash' FROM articles c
    WHERE d.resource = 'article' AND c.store = d.target_store AND c.gid = d.target_gid AND c.deleted_at IS NULL
) ct ON true
WHERE d.target_store = $1 AND d.status = 'pending' AND l.enabled
  AND NOT (d.id = ANY($2::bigint[]))
  AND ((d.resource = 'product' AND d.operation IN ('create', 'update', 'delete', 'archive', 'unpublish'))
    OR (d.resource = 'variant' AND d.operation = 'update')
    OR (d.resource = 'inventory_level' AND d.operation IN ('set_inventory', 'adjust_inventory'))
    OR (d.resource = 'order' AND d.operation IN ('create_order', 'cancel_order'))
    OR (d.resource IN ('collection', 'page', 'blog', 'article') AND d.operation IN ('create', 'update', 'delete', 'unpublish'))
    OR (d.resource = 'collection_product' AND d.operation = 'update'))
ORDER BY d.id
LIMIT $3
