-- Pairs found by key, recorded so that they hold when their keys change.
-- $1 link id.
INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
SELECT $1, p.resource, p.source_gid, p.destination_gid
FROM plan_stage_pairs p
ON CONFLICT (link_id, resource, source_gid)
DO UPDATE SET destination_gid = EXCLUDED.destination_gid, updated_at = now()
WHERE id_map.destination_gid <> EXCLUDED.destination_gid
