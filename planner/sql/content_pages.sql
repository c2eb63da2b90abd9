-- Pages of one link (full plans only), written to the planning transaction's
-- scratch tables like the products family: deltas to plan_stage, handle
-- conflicts to plan_stage_conflicts, pairs found by handle to
-- plan_stage_pairs.
--
-- A page's key is its handle, its twin found as content_pairs.sql says. A
-- page deleted in the source follows the delete policy through its recorded
-- twin only (never one found by handle): delete deletes it, unpublish and
-- archive hide it (pages have no archived state), none leaves it.
-- $1 link id, $2 source store, $3 destination store.
WITH
{{template "content_l" .}},
{{template "content_pairs_by_handle" "page"}},
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
    {{template "content_upserts" "page"}}
    WHERE c.dgid IS NULL OR cardinality(c.diffs) > 0
    UNION ALL
    {{template "content_deletes_or_unpublishes" "page"}}
),
{{template "content_stage" "page"}}
