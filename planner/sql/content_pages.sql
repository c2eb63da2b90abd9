-- Pages of one link (full plans only), written to the planning transaction's
-- scratch tables like the products family: deltas to plan_stage, handle
-- conflicts to plan_stage_conflicts, pairs found by handle to
-- plan_stage_pairs.
--
-- A page's key is its handle. Its twin is the recorded one (id_map) while
-- that is live, else the one live destination page with its handle that no
-- other live source page has recorded. A page deleted in the source follows
-- the delete policy through its recorded twin only (never one found by
-- handle): delete deletes it, unpublish and archive hide it (pages have no
-- archived state), none leaves it.
-- $1 link id, $2 source store, $3 destination store.
WITH
{{template "content_l" .}},
src_keys AS (
    SELECT handle AS k, count(*) AS n, array_agg(gid ORDER BY gid) AS gids
    FROM pages WHERE store = $2 AND deleted_at IS NULL
    GROUP BY handle
),
dst_keys AS (
    SELECT handle AS k, count(*) AS n, min(gid) AS gid, array_agg(gid ORDER BY gid) AS gids
    FROM pages WHERE store = $3 AND deleted_at IS NULL
    GROUP BY handle
),
res AS MATERIALIZED (
    SELECT s.gid AS sgid, s.deleted_at IS NULL AS live, s.handle AS key, md.gid IS NOT NULL AS by_map,
           CASE WHEN md.gid IS NOT NULL THEN md.gid
                WHEN s.deleted_at IS NULL AND dk.n = 1 AND NOT EXISTS (
                    SELECT 1 FROM id_map c
                    WHERE c.link_id = $1 AND c.resource = 'page' AND c.destination_gid = dk.gid AND c.source_gid <> s.gid
                      AND EXISTS (SELECT 1 FROM pages cs WHERE cs.store = $2 AND cs.gid = c.source_gid AND cs.deleted_at IS NULL))
                THEN dk.gid END AS dgid
    FROM pages s
    CROSS JOIN l
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'page' AND m.source_gid = s.gid
    LEFT JOIN pages md ON md.store = $3 AND md.gid = m.destination_gid AND md.deleted_at IS NULL
    LEFT JOIN dst_keys dk ON dk.k = s.handle
    WHERE s.store = $2 AND l.sync_pages
      -- A deleted page whose handle a live one holds now has nothing left
      -- to do: the live one takes its twin over.
      AND (s.deleted_at IS NULL OR NOT EXISTS (SELECT 1 FROM src_keys sk WHERE sk.k = s.handle))
),
conflicts AS (
    SELECT 'page' AS resource, 'source' AS side, 'duplicate_handle' AS reason, k AS key, gids, ARRAY[k] AS blocked
    FROM src_keys, l WHERE l.sync_pages AND n > 1
    UNION ALL
    SELECT 'page', 'destination', 'duplicate_handle', k, gids, ARRAY[k]
    FROM dst_keys, l WHERE l.sync_pages AND n > 1
    UNION ALL
    SELECT 'page', 'source', 'blank_key', sgid, ARRAY[sgid], ARRAY[key] FROM res WHERE live AND key = ''
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
    FROM l CROSS JOIN LATERAL (VALUES ('title', l.f_title), ('body', l.f_description), ('is_published', l.f_status)) f (col, policy)
),
cmp AS (
    SELECT r.key, r.sgid, d.gid AS dgid, d.version AS d_version,
           jsonb_build_object('handle', s.handle, 'title', s.title, 'body', s.body,
                              'is_published', s.is_published, 'template_suffix', s.template_suffix) AS desired,
           array_remove(ARRAY[
               CASE WHEN s.handle <> d.handle THEN 'handle' END,
               CASE WHEN l.f_title = 'sync' AND s.title <> d.title THEN 'title' END,
               CASE WHEN l.f_description = 'sync' AND s.body <> d.body THEN 'body' END,
               CASE WHEN l.f_status = 'sync' AND s.is_published <> d.is_published THEN 'is_published' END,
               CASE WHEN s.template_suffix IS DISTINCT FROM d.template_suffix THEN 'template_suffix' END
           ], NULL) AS diffs
    FROM pairs r
    CROSS JOIN l
    JOIN pages s ON s.store = $2 AND s.gid = r.sgid
    LEFT JOIN pages d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    WHERE r.live
),
deltas AS (
    SELECT 'page' AS resource, CASE WHEN c.dgid IS NULL THEN 'create' ELSE 'update' END AS operation,
           c.key, c.sgid AS source_gid, c.dgid AS target_gid,
           c.desired - CASE WHEN c.dgid IS NULL THEN o.on_create ELSE o.on_update END AS desired,
           c.d_version AS planned_version,
           CASE WHEN c.dgid IS NULL THEN 'missing in destination' ELSE 'differs: ' || array_to_string(c.diffs, ', ') END AS reason
    FROM cmp c CROSS JOIN o
    WHERE c.dgid IS NULL OR cardinality(c.diffs) > 0
    UNION ALL
    SELECT 'page', x.operation, r.key, r.sgid, d.gid, x.desired, d.version, 'deleted in source'
    FROM pairs r
    CROSS JOIN l
    JOIN pages d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    CROSS JOIN LATERAL (
        SELECT 'delete' AS operation, '{}'::jsonb AS desired WHERE l.delete_policy = 'delete'
        UNION ALL
        SELECT 'unpublish', '{"is_published": false}' WHERE l.delete_policy IN ('unpublish', 'archive') AND d.is_published
    ) x
    WHERE NOT r.live
),
staged_conflicts AS (
    INSERT INTO plan_stage_conflicts (resource, side, reason, key, gids, blocked)
    SELECT resource, side, reason, key, gids, blocked FROM conflicts
),
staged_pairs AS (
    INSERT INTO plan_stage_pairs (resource, source_gid, destination_gid)
    SELECT 'page', sgid, dgid FROM pairs WHERE live AND dgid IS NOT NULL AND NOT by_map
)
INSERT INTO plan_stage (resource, operation, key, source_gid, target_gid, desired, planned_version, reason)
SELECT DISTINCT ON (resource, key) resource, operation, key, source_gid, target_gid, desired, planned_version, reason
FROM deltas
ORDER BY resource, key, operation = 'delete'
