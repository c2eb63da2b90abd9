-- The location map entries of the given links (all links when NULL), each
-- side resolved to a GID: a GID stands for itself (its location may not be
-- mirrored yet); a name is looked up among the store's live mirrored
-- locations and resolves only when exactly one has it.
SELECT l.id, m.source_ref, m.destination_ref,
       CASE WHEN m.source_ref LIKE 'gid://shopify/Location/%' THEN m.source_ref ELSE (
           SELECT min(gid) FROM locations
           WHERE store = l.source_store AND name = m.source_ref AND deleted_at IS NULL
           HAVING count(*) = 1) END AS source_gid,
       CASE WHEN m.destination_ref LIKE 'gid://shopify/Location/%' THEN m.destination_ref ELSE (
           SELECT min(gid) FROM locations
           WHERE store = l.destination_store AND name = m.destination_ref AND deleted_at IS NULL
           HAVING count(*) = 1) END AS destination_gid
FROM links l
CROSS JOIN LATERAL jsonb_each_text(l.location_map) AS m(source_ref, destination_ref)
WHERE @link_ids::bigint[] IS NULL OR l.id = ANY (@link_ids::bigint[])
ORDER BY l.id, m.source_ref
