-- The conflicts found, keeping when each was first seen.
-- $1 link id, $2 run id.
INSERT INTO plan_conflicts (link_id, resource, side, reason, key, gids, blocked, run_id)
SELECT DISTINCT ON (resource, side, reason, key) $1, resource, side, reason, key, gids, blocked, $2
FROM plan_stage_conflicts
ORDER BY resource, side, reason, key
ON CONFLICT (link_id, resource, side, reason, key)
DO UPDATE SET gids = EXCLUDED.gids, blocked = EXCLUDED.blocked, run_id = EXCLUDED.run_id, updated_at = now()
