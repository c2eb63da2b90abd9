-- Conflicts this run answers for that it did not find again: resolved.
-- $1 link id, $2 resources planned, $3 (scoped runs) the product keys planned.
DELETE FROM plan_conflicts c
WHERE c.link_id = $1 AND c.resource = ANY($2::text[])
{{- if .Scoped}}
  AND (c.blocked && $3::text[] OR c.key = ANY($3::text[]))
{{- end}}
  AND NOT EXISTS (
      SELECT 1 FROM plan_stage_conflicts n
      WHERE n.resource = c.resource AND n.side = c.side AND n.reason = c.reason AND n.key = c.key)
