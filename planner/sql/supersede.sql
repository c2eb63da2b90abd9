-- Pending deltas this run answers for that it did not plan again exactly as
-- they are: superseded, by a newer delta for the same key or because the key
-- is in sync now (or blocked by a conflict).
-- $1 link id, $2 resources planned.
UPDATE plan_deltas d
SET status = 'superseded', updated_at = now()
{{- if .Scoped}}
-- A scoped run looks its keys up one by one, by plan_deltas_one_pending. The
-- LIMIT (a key has one pending delta at most) keeps the LATERAL a lookup:
-- without it PostgreSQL pulls it up into a join, which reads every pending
-- delta of the link once per run. (planner.go, scopedWriteSettings, says
-- how the lookup stays one by index when plan_deltas is young.)
WHERE d.id IN (
    SELECT p.id
    FROM plan_stage_scope s
    CROSS JOIN LATERAL (
        SELECT p.id FROM plan_deltas p
        WHERE p.link_id = $1 AND p.status = 'pending' AND p.resource = s.resource AND p.key = s.key
        LIMIT 1
    ) p
    WHERE s.resource = ANY($2::text[]))
{{- else}}
WHERE d.link_id = $1 AND d.status = 'pending' AND d.resource = ANY($2::text[])
{{- end}}
  -- A counted two-way destination change is applied once, never replaced.
  AND d.operation <> 'adjust_inventory'
  AND NOT EXISTS (
      SELECT 1 FROM plan_stage n
      WHERE n.resource = d.resource AND n.key = d.key AND n.operation = d.operation
        AND n.target_gid IS NOT DISTINCT FROM d.target_gid
        AND n.planned_version IS NOT DISTINCT FROM d.planned_version
        AND n.desired = d.desired)
RETURNING d.operation
