-- The conflicts a run found.
SELECT resource, side, reason, key, gids, blocked
FROM plan_stage_conflicts
ORDER BY resource, side, reason, key
