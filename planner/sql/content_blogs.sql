-- Blogs of one link (full plans only), like content_pages.sql: key the
-- handle, twin the recorded one or the one live destination blog with the
-- handle (content_pairs.sql). Blogs have no published state: of the delete
-- policies only delete does anything (and deletes the blog's articles with
-- it, as Shopify does). Runs before content_articles.sql, which reads the
-- blog pairs it stages.
-- $1 link id, $2 source store, $3 destination store.
WITH
{{template "content_l" .}},
{{template "content_pairs_by_handle" "blog"}},
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
    {{template "content_upserts" "blog"}}
    WHERE c.dgid IS NULL OR cardinality(c.diffs) > 0
    UNION ALL
    {{template "content_deletes" "blog"}}
),
{{template "content_stage" "blog"}}
