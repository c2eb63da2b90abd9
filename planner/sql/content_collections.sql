-- Collections of one link (full plans only), after the products family's
-- statements: key the handle, twin the recorded one or the one live
-- destination collection with the handle (content_pairs.sql).
--
-- A smart collection carries its rules (the destination computes its own
-- members from them). A custom collection carries its members, mapped
-- through the product pairs: id_map, and the pairs the products family
-- found by key in this same run. A member whose product has no twin yet (its
-- create is pending) is left out and waits: once the applier records the
-- created product in id_map, the next plan adds it (resource
-- collection_product). Members are added and removed with a delta of their
-- own (key the collection's handle); a destination member is removed only
-- when it is the twin of a source product the source collection does not
-- hold, so products only the destination has stay where the destination
-- put them. Collections have no published state in the mirror: of the
-- delete policies only delete does anything.
-- $1 link id, $2 source store, $3 destination store.
WITH
{{template "content_l" .}},
{{template "content_pairs_by_handle" "collection"}},
-- The live members of the live custom collections, with their product's
-- twin when it has one.
members AS MATERIALIZED (
    SELECT r.key, r.dgid, cp.product_gid AS sprod, coalesce(mp.destination_gid, sp2.destination_gid) AS dprod
    FROM pairs r
    JOIN collections s ON s.store = $2 AND s.gid = r.sgid AND s.rules IS NULL
    JOIN collection_products cp ON cp.store = $2 AND cp.collection_gid = r.sgid AND cp.deleted_at IS NULL
    JOIN products sp ON sp.store = $2 AND sp.gid = cp.product_gid AND sp.deleted_at IS NULL
    LEFT JOIN (
        SELECT m.source_gid, m.destination_gid FROM id_map m
        JOIN products x ON x.store = $3 AND x.gid = m.destination_gid AND x.deleted_at IS NULL
        WHERE m.link_id = $1 AND m.resource = 'product'
    ) mp ON mp.source_gid = cp.product_gid
    LEFT JOIN plan_stage_pairs sp2 ON sp2.resource = 'product' AND sp2.source_gid = cp.product_gid
    WHERE r.live
),
-- The live members of the paired destination custom collections, and
-- whether each is the twin of a source product (only those are removed).
dmembers AS MATERIALIZED (
    SELECT r.key, dm.product_gid AS dprod, EXISTS (
               SELECT 1 FROM id_map x
               WHERE x.link_id = $1 AND x.resource = 'product' AND x.destination_gid = dm.product_gid) AS synced
    FROM pairs r
    JOIN collections s ON s.store = $2 AND s.gid = r.sgid AND s.rules IS NULL
    JOIN collections d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL AND d.rules IS NULL
    JOIN collection_products dm ON dm.store = $3 AND dm.collection_gid = r.dgid AND dm.deleted_at IS NULL
    WHERE r.live
),
-- What each paired destination custom collection lacks, and holds beyond
-- the source's members (twins of source products only).
adds AS (
    SELECT m.key, jsonb_agg(DISTINCT m.dprod) AS add
    FROM members m
    LEFT JOIN dmembers dm ON dm.key = m.key AND dm.dprod = m.dprod
    WHERE m.dgid IS NOT NULL AND m.dprod IS NOT NULL AND dm.dprod IS NULL
    GROUP BY m.key
),
removes AS (
    SELECT dm.key, jsonb_agg(dm.dprod ORDER BY dm.dprod) AS remove
    FROM dmembers dm
    LEFT JOIN members m ON m.key = dm.key AND m.dprod = dm.dprod
    WHERE dm.synced AND m.key IS NULL
    GROUP BY dm.key
),
waiting AS (
    SELECT key, count(*) AS n FROM members WHERE dprod IS NULL GROUP BY key
),
member_diff AS (
    SELECT r.key, r.sgid, r.dgid, coalesce(a.add, '[]') AS add, coalesce(x.remove, '[]') AS remove, coalesce(w.n, 0) AS waiting
    FROM pairs r
    LEFT JOIN adds a ON a.key = r.key
    LEFT JOIN removes x ON x.key = r.key
    LEFT JOIN waiting w ON w.key = r.key
    WHERE r.live AND r.dgid IS NOT NULL AND (a.key IS NOT NULL OR x.key IS NOT NULL)
      AND EXISTS (SELECT 1 FROM collections d WHERE d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL AND d.rules IS NULL)
),
-- The members a collection is created with.
create_members AS (
    SELECT key, jsonb_agg(DISTINCT dprod) AS products FROM members
    WHERE dgid IS NULL AND dprod IS NOT NULL
    GROUP BY key
),
o AS (
    SELECT coalesce(array_agg(f.col) FILTER (WHERE f.policy = 'ignore'), '{}') AS on_create,
           coalesce(array_agg(f.col) FILTER (WHERE f.policy <> 'sync'), '{}') AS on_update
    FROM l CROSS JOIN LATERAL (VALUES ('title', l.f_title), ('description_html', l.f_description)) f (col, policy)
),
cmp AS (
    SELECT r.key, r.sgid, d.gid AS dgid, d.version AS d_version,
           jsonb_build_object('handle', s.handle, 'title', s.title, 'description_html', s.description_html,
                              'sort_order', s.sort_order, 'template_suffix', s.template_suffix)
           || CASE WHEN s.rules IS NOT NULL THEN jsonb_build_object('rules', s.rules)
                   WHEN d.gid IS NULL THEN jsonb_build_object('products', coalesce(cm.products, '[]'))
                   ELSE '{}' END AS desired,
           array_remove(ARRAY[
               CASE WHEN s.handle <> d.handle THEN 'handle' END,
               CASE WHEN l.f_title = 'sync' AND s.title <> d.title THEN 'title' END,
               CASE WHEN l.f_description = 'sync' AND s.description_html <> d.description_html THEN 'description_html' END,
               CASE WHEN s.sort_order IS NOT NULL AND s.sort_order IS DISTINCT FROM d.sort_order THEN 'sort_order' END,
               CASE WHEN s.template_suffix IS DISTINCT FROM d.template_suffix THEN 'template_suffix' END,
               CASE WHEN s.rules IS DISTINCT FROM d.rules THEN 'rules' END
           ], NULL) AS diffs
    FROM pairs r
    CROSS JOIN l
    JOIN collections s ON s.store = $2 AND s.gid = r.sgid
    LEFT JOIN collections d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    LEFT JOIN create_members cm ON cm.key = r.key
    WHERE r.live
),
deltas AS (
    {{template "content_upserts" "collection"}}
    WHERE c.dgid IS NULL OR cardinality(c.diffs) > 0
    UNION ALL
    SELECT 'collection_product', 'update', m.key, m.sgid, m.dgid,
           jsonb_build_object('add', m.add, 'remove', m.remove), NULL,
           concat_ws(', ',
               CASE WHEN jsonb_array_length(m.add) > 0 THEN jsonb_array_length(m.add) || ' to add' END,
               CASE WHEN jsonb_array_length(m.remove) > 0 THEN jsonb_array_length(m.remove) || ' to remove' END,
               CASE WHEN m.waiting > 0 THEN m.waiting || ' waiting for their product' END)
    FROM member_diff m
    WHERE jsonb_array_length(m.add) > 0 OR jsonb_array_length(m.remove) > 0
    UNION ALL
    {{template "content_deletes" "collection"}}
),
{{template "content_stage" "collection"}}
