-- Articles of one link (full plans only), after content_blogs.sql. An
-- article's key is its blog's handle and its own, "<blog>/<article>"
-- (article handles are unique within a blog). Its blog is mapped first: the
-- destination blog recorded for the source blog, or the one content_blogs.sql
-- just paired by handle. An article whose blog has no twin yet waits (the
-- blog's create is planned; the next plan finds the blog in id_map). Its
-- twin is the recorded one, else the one live article with its handle in
-- that destination blog. An article deleted in the source (or whose blog
-- was) follows the delete policy through its recorded twin: delete, or
-- unpublish (also for archive), or none.
-- $1 link id, $2 source store, $3 destination store.
WITH
{{template "content_l" .}},
sa AS MATERIALIZED (
    SELECT a.gid, a.handle, b.handle || '/' || a.handle AS key,
           a.deleted_at IS NULL AND b.deleted_at IS NULL AS live,
           coalesce(
               (SELECT m.destination_gid FROM id_map m
                JOIN blogs x ON x.store = $3 AND x.gid = m.destination_gid AND x.deleted_at IS NULL
                WHERE m.link_id = $1 AND m.resource = 'blog' AND m.source_gid = a.blog_gid),
               (SELECT p.destination_gid FROM plan_stage_pairs p WHERE p.resource = 'blog' AND p.source_gid = a.blog_gid)
           ) AS dblog
    FROM articles a
    CROSS JOIN l
    JOIN blogs b ON b.store = $2 AND b.gid = a.blog_gid
    WHERE a.store = $2 AND l.sync_blogs
),
src_keys AS (
    SELECT key AS k, count(*) AS n, array_agg(gid ORDER BY gid) AS gids
    FROM sa WHERE live
    GROUP BY key
),
dst_keys AS (
    SELECT d.blog_gid, d.handle AS k, count(*) AS n, min(d.gid) AS gid, array_agg(d.gid ORDER BY d.gid) AS gids,
           min(b.handle) || '/' || d.handle AS key
    FROM articles d
    JOIN blogs b ON b.store = $3 AND b.gid = d.blog_gid AND b.deleted_at IS NULL
    WHERE d.store = $3 AND d.deleted_at IS NULL
    GROUP BY d.blog_gid, d.handle
),
res AS MATERIALIZED (
    SELECT s.gid AS sgid, s.live, s.key, s.dblog, md.gid IS NOT NULL AS by_map,
           CASE WHEN md.gid IS NOT NULL THEN md.gid
                WHEN s.live AND dk.n = 1 AND NOT EXISTS (
                    SELECT 1 FROM id_map c
                    WHERE c.link_id = $1 AND c.resource = 'article' AND c.destination_gid = dk.gid AND c.source_gid <> s.gid
                      AND EXISTS (SELECT 1 FROM articles cs WHERE cs.store = $2 AND cs.gid = c.source_gid AND cs.deleted_at IS NULL))
                THEN dk.gid END AS dgid
    FROM sa s
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'article' AND m.source_gid = s.gid
    LEFT JOIN articles md ON md.store = $3 AND md.gid = m.destination_gid AND md.deleted_at IS NULL
    LEFT JOIN dst_keys dk ON dk.blog_gid = s.dblog AND dk.k = s.handle
    WHERE s.live OR NOT EXISTS (SELECT 1 FROM src_keys sk WHERE sk.k = s.key)
),
conflicts AS (
    SELECT 'article' AS resource, 'source' AS side, 'duplicate_handle' AS reason, k AS key, gids, ARRAY[k] AS blocked
    FROM src_keys WHERE n > 1
    UNION ALL
    SELECT 'article', 'destination', 'duplicate_handle', key, gids, ARRAY[key]
    FROM dst_keys, l WHERE l.sync_blogs AND n > 1
    UNION ALL
    SELECT 'article', 'source', 'blank_key', sgid, ARRAY[sgid], ARRAY[key] FROM res WHERE live AND key LIKE '%/'
),
-- The keys a conflict blocks, hashable.
blocked AS (
    SELECT DISTINCT b AS key FROM conflicts, unnest(conflicts.blocked) b
),
pairs AS (
    SELECT r.* FROM res r
    WHERE r.key NOT LIKE '%/' AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.key = r.key)
      AND (r.live OR r.dgid IS NOT NULL)
),
o AS (
    SELECT coalesce(array_agg(f.col) FILTER (WHERE f.policy = 'ignore'), '{}') AS on_create,
           coalesce(array_agg(f.col) FILTER (WHERE f.policy <> 'sync'), '{}') AS on_update
    FROM l CROSS JOIN LATERAL (VALUES ('title', l.f_title), ('body', l.f_description), ('summary', l.f_description),
                                      ('tags', l.f_tags), ('is_published', l.f_status)) f (col, policy)
),
cmp AS (
    SELECT r.key, r.sgid, d.gid AS dgid, d.version AS d_version, r.dblog,
           jsonb_build_object('handle', s.handle, 'title', s.title, 'body', s.body, 'summary', s.summary,
                              'author_name', s.author_name, 'tags', to_jsonb(s.tags), 'is_published', s.is_published,
                              'template_suffix', s.template_suffix, 'blog_gid', coalesce(r.dblog, d.blog_gid)) AS desired,
           array_remove(ARRAY[
               CASE WHEN s.handle <> d.handle THEN 'handle' END,
               CASE WHEN r.dblog IS NOT NULL AND r.dblog <> d.blog_gid THEN 'blog' END,
               CASE WHEN l.f_title = 'sync' AND s.title <> d.title THEN 'title' END,
               CASE WHEN l.f_description = 'sync' AND s.body <> d.body THEN 'body' END,
               CASE WHEN l.f_description = 'sync' AND s.summary IS DISTINCT FROM d.summary THEN 'summary' END,
               CASE WHEN s.author_name IS NOT NULL AND s.author_name IS DISTINCT FROM d.author_name THEN 'author_name' END,
               CASE WHEN l.f_tags = 'sync' AND s.tags <> d.tags THEN 'tags' END,
               CASE WHEN l.f_status = 'sync' AND s.is_published <> d.is_published THEN 'is_published' END,
               CASE WHEN s.template_suffix IS DISTINCT FROM d.template_suffix THEN 'template_suffix' END
           ], NULL) AS diffs
    FROM pairs r
    CROSS JOIN l
    JOIN articles s ON s.store = $2 AND s.gid = r.sgid
    LEFT JOIN articles d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    WHERE r.live
),
deltas AS (
    {{template "content_upserts" "article"}}
    -- A create waits for its blog's twin.
    WHERE (c.dgid IS NULL AND c.dblog IS NOT NULL) OR (c.dgid IS NOT NULL AND cardinality(c.diffs) > 0)
    UNION ALL
    {{template "content_deletes_or_unpublishes" "article"}}
),
{{template "content_stage" "article"}}
