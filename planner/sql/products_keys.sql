-- The products family of one link in one statement: products_match.sql and
-- products_deltas.sql joined through a CTE instead of the plan_work table.
-- Scoped (a few product keys in $4), so that the plan is made once per
-- connection for a few rows; and the full run of a link matching by SKU or
-- barcode, whose deltas reuse the match step's join of every source variant
-- to its recorded twin (vres) instead of joining the same tables again. (See
-- those files for what each part does.)
-- $1 link id, $2 source store, $3 destination store, $4 product keys.
WITH
{{template "l_cte" .}}
{{template "match_ctes" .}}
{{template "match_staged" .}},
{{template "deltas_ctes" .}}
{{template "deltas_staged" .}}
