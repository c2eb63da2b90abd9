-- The delta and staging blocks every content kind shares, used by
-- content_<kind>s.sql; the dot is the kind (its table the kind's plural).
-- They read the kind's CTEs: pairs (sgid, dgid, key, live, by_map), cmp
-- (key, sgid, dgid, d_version, desired, diffs), o (on_create, on_update:
-- the fields the link's field policies keep out) and conflicts.

-- content_upserts: a create for a live object without a twin, an update for
-- a twin that differs, each without the fields its policies keep out. The
-- caller adds the WHERE (which of them to plan).
{{define "content_upserts"}}SELECT '{{.}}' AS resource, CASE WHEN c.dgid IS NULL THEN 'create' ELSE 'update' END AS operation,
           c.key, c.sgid AS source_gid, c.dgid AS target_gid,
           c.desired - CASE WHEN c.dgid IS NULL THEN o.on_create ELSE o.on_update END AS desired,
           c.d_version AS planned_version,
           CASE WHEN c.dgid IS NULL THEN 'missing in destination' ELSE 'differs: ' || array_to_string(c.diffs, ', ') END AS reason
    FROM cmp c CROSS JOIN o{{end}}

-- content_deletes_or_unpublishes: the live twin of an object deleted in the
-- source, under the delete policy: delete deletes it; unpublish and archive
-- hide it (a kind with a published state, without an archived one); none
-- leaves it.
{{define "content_deletes_or_unpublishes"}}SELECT '{{.}}', x.operation, r.key, r.sgid, d.gid, x.desired, d.version, 'deleted in source'
    FROM pairs r
    CROSS JOIN l
    JOIN {{.}}s d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    CROSS JOIN LATERAL (
        SELECT 'delete' AS operation, '{}'::jsonb AS desired WHERE l.delete_policy = 'delete'
        UNION ALL
        SELECT 'unpublish', '{"is_published": false}' WHERE l.delete_policy IN ('unpublish', 'archive') AND d.is_published
    ) x
    WHERE NOT r.live{{end}}

-- content_deletes: the same for a kind without a published state: only the
-- delete policy does anything.
{{define "content_deletes"}}SELECT '{{.}}', 'delete', r.key, r.sgid, d.gid, '{}'::jsonb, d.version, 'deleted in source'
    FROM pairs r
    CROSS JOIN l
    JOIN {{.}}s d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    WHERE NOT r.live AND l.delete_policy = 'delete'{{end}}

-- content_stage: the kind's conflicts, the pairs it found by key (for
-- id_map) and its deltas (one per key; a delete loses to anything else) to
-- the planning transaction's scratch tables.
{{define "content_stage"}}staged_conflicts AS (
    INSERT INTO plan_stage_conflicts (resource, side, reason, key, gids, blocked)
    SELECT resource, side, reason, key, gids, blocked FROM conflicts
),
staged_pairs AS (
    INSERT INTO plan_stage_pairs (resource, source_gid, destination_gid)
    SELECT '{{.}}', sgid, dgid FROM pairs WHERE live AND dgid IS NOT NULL AND NOT by_map
)
INSERT INTO plan_stage (resource, operation, key, source_gid, target_gid, desired, planned_version, reason)
SELECT DISTINCT ON (resource, key) resource, operation, key, source_gid, target_gid, desired, planned_version, reason
FROM deltas
ORDER BY resource, key, operation = 'delete'{{end}}
