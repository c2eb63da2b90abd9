-- The pairing of a content kind keyed by its handle (collections, pages,
-- blogs), shared by content_<kind>s.sql; the dot is the kind, its table the
-- kind's plural. Articles, keyed by their blog's handle and their own, pair
-- in content_articles.sql.
--
-- A source object's key is its handle. Its twin is the recorded one (id_map)
-- while that is live, else the one live destination object with its handle
-- that no other live source object has recorded. A deleted source object
-- keeps only its recorded twin (never one found by handle), for the delete
-- policy. Duplicate handles on either side and blank handles are conflicts,
-- and block their keys.
-- $1 link id, $2 source store, $3 destination store.
{{define "content_pairs_by_handle"}}src_keys AS (
    SELECT handle AS k, count(*) AS n, array_agg(gid ORDER BY gid) AS gids
    FROM {{.}}s WHERE store = $2 AND deleted_at IS NULL
    GROUP BY handle
),
dst_keys AS (
    SELECT handle AS k, count(*) AS n, min(gid) AS gid, array_agg(gid ORDER BY gid) AS gids
    FROM {{.}}s WHERE store = $3 AND deleted_at IS NULL
    GROUP BY handle
),
res AS MATERIALIZED (
    SELECT s.gid AS sgid, s.deleted_at IS NULL AS live, s.handle AS key, md.gid IS NOT NULL AS by_map,
           CASE WHEN md.gid IS NOT NULL THEN md.gid
                WHEN s.deleted_at IS NULL AND dk.n = 1 AND NOT EXISTS (
                    SELECT 1 FROM id_map c
                    WHERE c.link_id = $1 AND c.resource = '{{.}}' AND c.destination_gid = dk.gid AND c.source_gid <> s.gid
                      AND EXISTS (SELECT 1 FROM {{.}}s cs WHERE cs.store = $2 AND cs.gid = c.source_gid AND cs.deleted_at IS NULL))
                THEN dk.gid END AS dgid
    FROM {{.}}s s
    CROSS JOIN l
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = '{{.}}' AND m.source_gid = s.gid
    LEFT JOIN {{.}}s md ON md.store = $3 AND md.gid = m.destination_gid AND md.deleted_at IS NULL
    LEFT JOIN dst_keys dk ON dk.k = s.handle
    WHERE s.store = $2 AND l.sync_{{.}}s
      -- A deleted object whose handle a live one holds now has nothing
      -- left to do: the live one takes its twin over.
      AND (s.deleted_at IS NULL OR NOT EXISTS (SELECT 1 FROM src_keys sk WHERE sk.k = s.handle))
),
conflicts AS (
    SELECT '{{.}}' AS resource, 'source' AS side, 'duplicate_handle' AS reason, k AS key, gids, ARRAY[k] AS blocked
    FROM src_keys, l WHERE l.sync_{{.}}s AND n > 1
    UNION ALL
    SELECT '{{.}}', 'destination', 'duplicate_handle', k, gids, ARRAY[k]
    FROM dst_keys, l WHERE l.sync_{{.}}s AND n > 1
    UNION ALL
    SELECT '{{.}}', 'source', 'blank_key', sgid, ARRAY[sgid], ARRAY[key] FROM res WHERE live AND key = ''
),
-- The keys a conflict blocks, hashable.
blocked AS (
    SELECT DISTINCT b AS key FROM conflicts, unnest(conflicts.blocked) b
),
pairs AS (
    SELECT r.* FROM res r
    WHERE r.key <> '' AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.key = r.key)
      AND (r.live OR r.dgid IS NOT NULL)
){{end}}
