-- The products family of one link for a few product keys ($4), in one
-- statement: products_match.sql and products_deltas.sql joined through a CTE
-- instead of the plan_work table, so that the plan is made once per
-- connection for a few rows (see those files for what each part does).
-- $1 link id, $2 source store, $3 destination store, $4 product keys.
WITH
{{template "l_cte" .}}
{{template "match_ctes" .}}
{{template "match_staged" .}},
{{template "deltas_ctes" .}}
{{template "deltas_staged" .}}
