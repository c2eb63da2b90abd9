-- Blogs of one link (full plans only), like content_pages.sql: key the
-- handle, twin the recorded one or the one live destination blog with the
-- handle. Blogs have no published state: of the delete policies only delete
-- does anything (and deletes the blog's articles with it, as Shopify does).
-- Runs before content_articles.sql, which reads the blog pairs it stages.
-- $1 link id, $2 source store, $3 destination store.
WITH
{{template "content_l" .}},
src_keys AS (
    SELECT handle AS k, count(*) AS n, array_agg(gid ORDER BY gid) AS gids
    FROM blogs WHERE store = $2 AND deleted_at IS NULL
    GROUP BY handle
),
dst_keys AS (
    SELECT handle AS k, count(*) AS n, min(gid) AS gid, array_agg(gid ORDER BY gid) AS gids
    FROM blogs WHERE store = $3 AND deleted_at IS NULL
    GROUP BY handle
),
res AS MATERIALIZED (
    SELECT s.gid AS sgid, s.deleted_at IS NULL AS live, s.handle AS key, md.gid IS NOT NULL AS by_map,
           CASE WHEN md.gid IS NOT NULL THEN md.gid
                WHEN s.deleted_at IS NULL AND dk.n = 1 AND NOT EXISTS (
                    SELECT 1 FROM id_map c
                    WHERE c.link_id = $1 AND c.resource = 'blog' AND c.destination_gid = dk.gid AND c.source_gid <> s.gid
                      AND EXISTS (SELECT 1 FROM blogs cs WHERE cs.store = $2 AND cs.gid = c.source_gid AND cs.deleted_at IS NULL))
                THEN dk.gid END AS dgid
    FROM blogs s
    CROSS JOIN l
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'blog' AND m.source_gid = s.gid
    LEFT JOIN blogs md ON md.store = $3 AND md.gid = m.destination_gid AND md.deleted_at IS NULL
    LEFT JOIN dst_keys dk ON dk.k = s.handle
    WHERE s.store = $2 AND l.sync_blogs
      AND (s.deleted_at IS NULL OR NOT EXISTS (SELECT 1 FROM src_keys sk WHERE sk.k = s.handle))
),
conflicts AS (
    SELECT 'blog' AS resource, 'source' AS side, 'duplicate_handle' AS reason, k AS key, gids, ARRAY[k] AS blocked
    FROM src_keys, l WHERE l.sync_blogs AND n > 1
    UNION ALL
    SELECT 'blog', 'destination', 'duplicate_handle', k, gids, ARRAY[k]
    FROM dst_keys, l WHERE l.sync_blogs AND n > 1
    UNION ALL
    SELECT 'blog', 'source', 'blank_key', sgid, ARRAY[sgid], ARRAY[key] FROM res WHERE live AND key = ''
),
-- The keys a conflict blocks, hashable.
blocked AS (
    SELECT DISTINCT b AS key FROM conflicts, unnest(conflicts.blocked) b
),
pairs AS (
    SELECT r.* FROM res r
    WHERE r.key <> '' AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.key = r.key)
      AND (r.live OR r.dgid IS NOT NULL)
),
o AS (
    SELECT coalesce(array_agg(f.col) FILTER (WHERE f.policy = 'ignore'), '{}') AS on_create,
           coalesce(array_agg(f.col) FILTER (WHERE f.policy <> 'sync'), '{}') AS on_update
    FROM l CROSS JOIN LATERAL (VALUES ('title', l.f_title)) f (col, policy)
),
cmp AS (
    SELECT r.key, r.sgid, d.gid AS dgid, d.version AS d_version,
           jsonb_build_object('handle', s.handle, 'title', s.title, 'comment_policy', s.comment_policy,
                              'template_suffix', s.template_suffix) AS desired,
           array_remove(ARRAY[
               CASE WHEN s.handle <> d.handle THEN 'handle' END,
               CASE WHEN l.f_title = 'sync' AND s.title <> d.title THEN 'title' END,
               CASE WHEN s.comment_policy IS NOT NULL AND s.comment_policy IS DISTINCT FROM d.comment_policy THEN 'comment_policy' END,
               CASE WHEN s.template_suffix IS DISTINCT FROM d.template_suffix THEN 'template_suffix' END
           ], NULL) AS diffs
    FROM pairs r
    CROSS JOIN l
    JOIN blogs s ON s.store = $2 AND s.gid = r.sgid
    LEFT JOIN blogs d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    WHERE r.live
),
deltas AS (
    SELECT 'blog' AS resource, CASE WHEN c.dgid IS NULL THEN 'create' ELSE 'update' END AS operation,
           c.key, c.sgid AS source_gid, c.dgid AS target_gid,
           c.desired - CASE WHEN c.dgid IS NULL THEN o.on_create ELSE o.on_update END AS desired,
           c.d_version AS planned_version,
           CASE WHEN c.dgid IS NULL THEN 'missing in destination' ELSE 'differs: ' || array_to_string(c.diffs, ', ') END AS reason
    FROM cmp c CROSS JOIN o
    WHERE c.dgid IS NULL OR cardinality(c.diffs) > 0
    UNION ALL
    SELECT 'blog', 'delete', r.key, r.sgid, d.gid, '{}'::jsonb, d.version, 'deleted in source'
    FROM pairs r
    CROSS JOIN l
    JOIN blogs d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    WHERE NOT r.live AND l.delete_policy = 'delete'
),
staged_conflicts AS (
    INSERT INTO plan_stage_conflicts (resource, side, reason, key, gids, blocked)
    SELECT resource, side, reason, key, gids, blocked FROM conflicts
),
staged_pairs AS (
    INSERT INTO plan_stage_pairs (resource, source_gid, destination_gid)
    SELECT 'blog', sgid, dgid FROM pairs WHERE live AND dgid IS NOT NULL AND NOT by_map
)
INSERT INTO plan_stage (resource, operation, key, source_gid, target_gid, desired, planned_version, reason)
SELECT DISTINCT ON (resource, key) resource, operation, key, source_gid, target_gid, desired, planned_version, reason
FROM deltas
ORDER BY resource, key, operation = 'delete'
