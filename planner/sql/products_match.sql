-- The products family of one link, step 1 of 2: which source product is
-- which destination product. Writes, to the planning transaction's scratch
-- tables:
--
--   plan_work             the pairs to plan (read by products_deltas.sql)
--   plan_stage_conflicts  the ambiguities found; their products are not planned
--   plan_stage_pairs      product pairs matched by key, to record in id_map
--
-- A full run matching by handle takes two statements (this one and
-- products_deltas.sql) so that it can ANALYZE the pairs in between:
-- PostgreSQL has no statistics for the results of CTEs, and the variant-level
-- joins of step 2 are only planned well on real row counts. Matching by SKU or
-- barcode, step 1 joins every variant to its twin already, and one statement
-- (products_keys.sql, built of the same parts) lets step 2 reuse that join;
-- a scoped run takes that one statement too, for a few rows whose plan is
-- made once.
--
-- A text/template: .Match is the link's match key (handle, sku or barcode),
-- .Scoped restricts the run to the product keys in $4. A scoped run decides
-- for its keys exactly what a full run does: it reads the same context (the
-- neighbours a key's twin may be shared with), and writes only its keys.
-- $1 link id, $2 source store, $3 destination store, $4 product keys.
--
-- Product keys are the handle (match by handle) or the source product GID
-- (match by SKU or barcode, where a product's key is none of its variants'
-- keys). Pairs come from id_map first: a recorded pair holds even when its
-- keys change later. Only objects without a live recorded twin are matched by
-- key, and only to twins no other live source object has recorded. The
-- lookups of what another source object recorded are written without joins,
-- so that they stay index lookups whatever join methods a run allows.
{{define "match_ctes"}}-- Recorded pairs whose source product the mirror no longer has at all: the
-- source deleted them (as far as anyone can tell), and their twins are still
-- there.
orphans AS MATERIALIZED (
    SELECT m.source_gid, m.destination_gid, d.handle
    FROM id_map m
    JOIN products d ON d.store = $3 AND d.gid = m.destination_gid AND d.deleted_at IS NULL
    {{- if and .Scoped (eq .Match "handle")}} AND d.handle = ANY($4::text[]){{end}}
    WHERE m.link_id = $1 AND m.resource = 'product'
      AND NOT EXISTS (SELECT 1 FROM products s WHERE s.store = $2 AND s.gid = m.source_gid)
      {{- if and .Scoped (ne .Match "handle")}} AND m.source_gid = ANY($4::text[]){{end}}
),
-- The source products of the run's keys, live and deleted. Not materialized:
-- the joins over it are estimated from the products table's statistics.
sp0 AS NOT MATERIALIZED (
    SELECT p.gid, p.handle, p.title, p.description_html, p.vendor, p.product_type, p.status,
           p.tags, p.options, p.raw -> 'seo' AS seo, p.deleted_at IS NULL AS live
    FROM products p
    WHERE p.store = $2{{if .Scoped}} AND p.{{.ProductKey}} = ANY($4::text[]){{end}}
),
{{- if eq .Match "handle"}}
sp AS NOT MATERIALIZED (
    SELECT s.*, true AS in_scope FROM sp0 s
),
-- Live products per handle on either side: more than one is ambiguous.
src_keys AS NOT MATERIALIZED (
    SELECT p.handle AS k, count(*) AS n, array_agg(p.gid ORDER BY p.gid) AS gids
    FROM products p
    WHERE p.store = $2 AND p.deleted_at IS NULL{{if .Scoped}} AND p.handle IN (SELECT handle FROM sp0){{end}}
    GROUP BY p.handle
),
dst_keys AS NOT MATERIALIZED (
    SELECT p.handle AS k, count(*) AS n, min(p.gid) AS gid, array_agg(p.gid ORDER BY p.gid) AS gids
    FROM products p
    WHERE p.store = $3 AND p.deleted_at IS NULL AND p.handle <> ''{{if .Scoped}} AND p.handle IN (SELECT handle FROM sp0){{end}}
    GROUP BY p.handle
),
-- Each source product and its twin: the recorded one if it is live, else the
-- one live destination product with its handle that no other live source
-- product has recorded. (The lookups of what another source object recorded
-- are written without joins, so that they stay index lookups whatever join
-- methods the statement is allowed.) A deleted product whose handle a live one has taken
-- over has nothing left to do.
res AS MATERIALIZED (
    SELECT s.gid AS sgid, s.live, true AS in_scope, s.handle AS key, md.gid IS NOT NULL AS by_map,
           CASE WHEN md.gid IS NOT NULL THEN md.gid
                WHEN dk.n = 1 AND NOT EXISTS (
                    SELECT 1 FROM id_map c
                    WHERE c.link_id = $1 AND c.resource = 'product' AND c.destination_gid = dk.gid
                      AND c.source_gid <> s.gid
                      AND (SELECT cs.deleted_at IS NULL FROM products cs WHERE cs.store = $2 AND cs.gid = c.source_gid))
                THEN dk.gid END AS dgid,
           -- A deleted product's twin stays while a live source product has
           -- the twin's handle: that product will take the twin over.
           NOT s.live AND EXISTS (
               SELECT 1 FROM products o
               WHERE o.store = $2 AND o.deleted_at IS NULL AND o.handle = coalesce(md.handle, s.handle)) AS taken
    FROM sp s
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'product' AND m.source_gid = s.gid
    LEFT JOIN products md ON md.store = $3 AND md.gid = m.destination_gid AND md.deleted_at IS NULL
    LEFT JOIN src_keys sk ON sk.k = s.handle
    LEFT JOIN dst_keys dk ON dk.k = s.handle
    WHERE s.live OR sk.n IS NULL
    UNION ALL
    SELECT o.source_gid, false, true, o.handle, true, o.destination_gid,
           EXISTS (SELECT 1 FROM products x WHERE x.store = $2 AND x.deleted_at IS NULL AND x.handle = o.handle)
    FROM orphans o
),
conflicts AS (
    SELECT 'product' AS resource, 'source' AS side, 'duplicate_handle' AS reason, k AS key, gids, ARRAY[k] AS blocked
    FROM src_keys WHERE n > 1
    UNION ALL
    SELECT 'product', 'destination', 'duplicate_handle', k, gids, ARRAY[k]
    FROM dst_keys WHERE n > 1
    UNION ALL
    SELECT 'product', 'source', 'blank_key', sgid, ARRAY[sgid], ARRAY[key]
    FROM res WHERE live AND key = ''
),
{{- else}}
{{- if .Scoped}}
-- The destination products the run's products point at, and the other source
-- products pointing at them: the context that decides whether a twin is
-- shared, read so that a scoped run decides it as a full run does.
near AS (
    SELECT mv.product_gid AS gid
    FROM variants v
    JOIN id_map m ON m.link_id = $1 AND m.resource = 'variant' AND m.source_gid = v.gid
    JOIN variants mv ON mv.store = $3 AND mv.gid = m.destination_gid AND mv.deleted_at IS NULL
    WHERE v.store = $2 AND v.product_gid IN (SELECT gid FROM sp0)
    UNION
    SELECT d.product_gid
    FROM variants v
    JOIN variants d ON d.store = $3 AND d.{{.Match}} = v.{{.Match}} AND d.deleted_at IS NULL
     AND d.{{.Match}} IS NOT NULL AND d.{{.Match}} <> ''
    WHERE v.store = $2 AND v.product_gid IN (SELECT gid FROM sp0) AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
    UNION
    SELECT m.destination_gid FROM id_map m
    WHERE m.link_id = $1 AND m.resource = 'product' AND m.source_gid IN (SELECT gid FROM sp0)
    UNION
    SELECT destination_gid FROM orphans
),
neighbours AS (
    SELECT v.product_gid AS gid
    FROM variants d
    JOIN variants v ON v.store = $2 AND v.{{.Match}} = d.{{.Match}} AND v.deleted_at IS NULL
     AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
    WHERE d.store = $3 AND d.product_gid IN (SELECT gid FROM near) AND d.deleted_at IS NULL
      AND d.{{.Match}} IS NOT NULL AND d.{{.Match}} <> ''
    UNION
    SELECT v.product_gid
    FROM variants d
    JOIN id_map m ON m.link_id = $1 AND m.resource = 'variant' AND m.destination_gid = d.gid
    JOIN variants v ON v.store = $2 AND v.gid = m.source_gid AND v.deleted_at IS NULL
    WHERE d.store = $3 AND d.product_gid IN (SELECT gid FROM near) AND d.deleted_at IS NULL
),
sp AS MATERIALIZED (
    SELECT s.*, true AS in_scope FROM sp0 s
    UNION ALL
    SELECT p.gid, p.handle, p.title, p.description_html, p.vendor, p.product_type, p.status,
           p.tags, p.options, p.raw -> 'seo', p.deleted_at IS NULL, false
    FROM products p
    WHERE p.store = $2 AND p.gid IN (SELECT gid FROM neighbours) AND p.gid NOT IN (SELECT gid FROM sp0)
),
{{- else}}
sp AS NOT MATERIALIZED (
    SELECT s.*, true AS in_scope FROM sp0 s
),
{{- end}}
-- Source variants of the products, live and deleted.
-- Their own columns come along for the deltas of a one-statement run
-- (products_keys.sql), which compares each to its recorded twin here rather
-- than joining the same tables again.
sv AS (
    SELECT v.gid, v.product_gid, v.{{.Match}} AS k, v.deleted_at IS NULL AS live,
           v.sku, v.barcode, v.position, v.options, v.inventory_policy, v.taxable, v.inventory_item_gid,
           v.price, v.compare_at_price
    FROM variants v
    WHERE v.store = $2{{if .Scoped}} AND v.product_gid IN (SELECT gid FROM sp){{end}}
),
-- {{.Match}}s held by more than one live variant on either side: ambiguous.
src_dups AS (
    SELECT v.{{.Match}} AS k
    FROM variants v
    WHERE v.store = $2 AND v.deleted_at IS NULL AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
      {{- if .Scoped}} AND v.{{.Match}} IN (SELECT k FROM sv){{end}}
    GROUP BY 1 HAVING count(*) > 1
),
dst_dups AS (
    SELECT v.{{.Match}} AS k
    FROM variants v
    WHERE v.store = $3 AND v.deleted_at IS NULL AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
      {{- if .Scoped}} AND v.{{.Match}} IN (SELECT k FROM sv){{end}}
    GROUP BY 1 HAVING count(*) > 1
),
-- Each source variant and its twin: the recorded one if it is live (its
-- columns come along: most variants have one), else the one live destination
-- variant with its key that no other live source variant has recorded. A
-- deleted variant whose key a live one holds matches nothing.
vres AS MATERIALIZED (
    SELECT v.*, coalesce(v.mapped, c.gid) AS dv, CASE WHEN v.mapped IS NOT NULL THEN v.m_product ELSE c.product_gid END AS dp
    FROM (
        SELECT v.*, mv.gid AS mapped, mv.product_gid AS m_product,
               mv.sku AS d_sku, mv.barcode AS d_barcode, mv.position AS d_position, mv.options AS d_options,
               mv.inventory_policy AS d_inventory_policy, mv.taxable AS d_taxable, mv.price AS d_price,
               mv.compare_at_price AS d_compare_at_price, mv.inventory_item_gid AS d_item
        FROM sv v
        LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'variant' AND m.source_gid = v.gid
        LEFT JOIN variants mv ON mv.store = $3 AND mv.gid = m.destination_gid AND mv.deleted_at IS NULL
        WHERE v.live OR v.k IS NULL OR v.k = '' OR NOT EXISTS (
            SELECT 1 FROM variants o
            WHERE o.store = $2 AND o.{{.Match}} = v.k AND o.deleted_at IS NULL
              AND o.{{.Match}} IS NOT NULL AND o.{{.Match}} <> '')
    ) v
    -- Each NOT EXISTS below ends in OFFSET 0, which keeps it a lookup per
    -- row by index. Without it PostgreSQL may pull it up into an anti join,
    -- and a full run (nested loops off) then hashes every variant pair the
    -- link has recorded again for each variant looked up: on a 10,000-product
    -- demo store being filled, a full plan's match step ran for more than 11
    -- minutes, holding the link's lock.
    LEFT JOIN LATERAL (
        SELECT d.gid, d.product_gid
        FROM variants d
        WHERE v.mapped IS NULL AND v.k IS NOT NULL AND v.k <> ''
          AND d.store = $3 AND d.{{.Match}} = v.k AND d.deleted_at IS NULL
          AND d.{{.Match}} IS NOT NULL AND d.{{.Match}} <> ''
          AND NOT EXISTS (
              SELECT 1 FROM variants d2
              WHERE d2.store = $3 AND d2.{{.Match}} = v.k AND d2.deleted_at IS NULL
                AND d2.{{.Match}} IS NOT NULL AND d2.{{.Match}} <> '' AND d2.gid <> d.gid
              OFFSET 0)
          AND NOT EXISTS (
              SELECT 1 FROM id_map c
              WHERE c.link_id = $1 AND c.resource = 'variant' AND c.destination_gid = d.gid
                AND c.source_gid <> v.gid
                AND (SELECT cs.deleted_at IS NULL FROM variants cs WHERE cs.store = $2 AND cs.gid = c.source_gid)
              OFFSET 0)
        LIMIT 1
    ) c ON true
),
-- The destination products a source product's variants' twins belong to (one
-- is its match, several are ambiguous), and the source products whose live
-- variants point into each destination product (several are ambiguous).
vagg AS (
    SELECT product_gid, min(dp) AS dp, max(dp) AS dp_max
    FROM vres WHERE dp IS NOT NULL
    GROUP BY product_gid
),
targets AS (
    SELECT v.dp, min(v.product_gid) AS pmin, max(v.product_gid) AS pmax
    FROM vres v JOIN sp s ON s.gid = v.product_gid AND s.live
    WHERE v.dp IS NOT NULL AND v.live
    GROUP BY v.dp
),
-- Each source product and its twin: the recorded one if it is live, else the
-- one destination product its variants' twins belong to, unless another live
-- source product has recorded it.
res AS MATERIALIZED (
    SELECT r.*, NOT r.live AND EXISTS (SELECT 1 FROM targets t WHERE t.dp = r.dgid) AS taken
    FROM (
        SELECT s.gid AS sgid, s.live, s.in_scope, s.gid AS key, md.gid IS NOT NULL AS by_map,
               coalesce(md.gid, va.dp) AS dgid,
               coalesce(CASE WHEN md.gid IS NOT NULL THEN va.dp <> md.gid OR va.dp_max <> md.gid
                    ELSE va.dp <> va.dp_max OR EXISTS (
                        SELECT 1 FROM id_map c
                        WHERE c.link_id = $1 AND c.resource = 'product' AND c.destination_gid = va.dp
                          AND c.source_gid <> s.gid
                          AND (SELECT cs.deleted_at IS NULL FROM products cs WHERE cs.store = $2 AND cs.gid = c.source_gid))
               END, false)
               OR (s.live AND coalesce(t.pmin <> s.gid OR t.pmax <> s.gid, false)) AS ambiguous,
               array_remove(ARRAY[md.gid, va.dp, va.dp_max], NULL) AS candidates
        FROM sp s
        LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'product' AND m.source_gid = s.gid
        LEFT JOIN products md ON md.store = $3 AND md.gid = m.destination_gid AND md.deleted_at IS NULL
        LEFT JOIN vagg va ON va.product_gid = s.gid
        LEFT JOIN targets t ON t.dp = coalesce(md.gid, va.dp)
    ) r
    UNION ALL
    SELECT o.source_gid, false, true, o.source_gid, true, o.destination_gid, false, ARRAY[]::text[],
           EXISTS (SELECT 1 FROM targets t WHERE t.dp = o.destination_gid)
    FROM orphans o
),
-- Source products per key the destination has twice, for its conflicts.
dup_owners AS (
    SELECT v.k, array_agg(DISTINCT v.product_gid) AS pgids
    FROM vres v
    WHERE v.k IN (SELECT k FROM dst_dups)
    GROUP BY v.k
),
conflicts AS (
    SELECT 'variant' AS resource, 'source' AS side, 'duplicate_{{.Match}}' AS reason, d.k AS key, d.gids, d.pgids AS blocked
    FROM (
        SELECT v.{{.Match}} AS k, array_agg(v.gid ORDER BY v.gid) AS gids, array_agg(DISTINCT v.product_gid) AS pgids
        FROM variants v
        WHERE v.store = $2 AND v.deleted_at IS NULL AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
          AND v.{{.Match}} IN (SELECT k FROM src_dups)
        GROUP BY 1
    ) d
    UNION ALL
    SELECT 'variant', 'destination', 'duplicate_{{.Match}}', d.k, d.gids, coalesce(o.pgids, ARRAY[]::text[])
    FROM (
        SELECT v.{{.Match}} AS k, array_agg(v.gid ORDER BY v.gid) AS gids
        FROM variants v
        WHERE v.store = $3 AND v.deleted_at IS NULL AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
          AND v.{{.Match}} IN (SELECT k FROM dst_dups)
        GROUP BY 1
    ) d
    LEFT JOIN dup_owners o ON o.k = d.k
    UNION ALL
    SELECT 'variant', 'source', 'blank_key', v.gid, ARRAY[v.gid], ARRAY[v.product_gid]
    FROM vres v JOIN sp s ON s.gid = v.product_gid AND s.live
    WHERE v.live AND (v.k IS NULL OR v.k = '') AND v.mapped IS NULL
    UNION ALL
    SELECT 'product', 'destination', 'ambiguous_match', r.key,
           ARRAY(SELECT DISTINCT c FROM unnest(r.candidates) c ORDER BY c), ARRAY[r.key]
    FROM res r WHERE r.ambiguous
    UNION ALL
    -- A matched destination product with variants that cannot be told apart:
    -- writing the product's full variant set would drop them.
    SELECT 'variant', 'destination', 'blank_key', dv.gid, ARRAY[dv.gid], ARRAY[r.key]
    FROM res r
    JOIN variants dv ON dv.store = $3 AND dv.product_gid = r.dgid AND dv.deleted_at IS NULL
     AND (dv.{{.Match}} IS NULL OR dv.{{.Match}} = '')
    WHERE r.live AND r.dgid IS NOT NULL AND NOT r.ambiguous
      AND NOT EXISTS (SELECT 1 FROM id_map x WHERE x.link_id = $1 AND x.resource = 'variant' AND x.destination_gid = dv.gid)
),
{{- end}}
blocked AS (
    SELECT DISTINCT b AS key FROM conflicts, unnest(blocked) b
),
-- The pairs to plan: the run's own, conflict-free, and a deleted product only
-- while no live source product takes its twin over.
pairs AS (
    SELECT r.sgid, r.live, r.key, r.dgid, r.by_map
    FROM res r
    WHERE r.in_scope AND r.key <> '' AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.key = r.key)
      AND (r.live OR (r.dgid IS NOT NULL AND NOT r.taken))
),
{{- end}}
{{define "match_staged"}}staged_conflicts AS (
    INSERT INTO plan_stage_conflicts (resource, side, reason, key, gids, blocked)
    SELECT resource, side, reason, key, gids, blocked FROM conflicts
    {{- if .Scoped}}
    -- A scoped run answers for the conflicts that block its keys.
    WHERE blocked && $4::text[]
    {{- end}}
),
-- Product pairs found by key (not yet in id_map), recorded so that they hold
-- when the keys change later.
staged_product_pairs AS (
    INSERT INTO plan_stage_pairs (resource, source_gid, destination_gid)
    SELECT 'product', sgid, dgid FROM pairs WHERE live AND dgid IS NOT NULL AND NOT by_map
)
{{- end}}
WITH
{{template "match_ctes" .}}
{{template "match_staged" .}}
INSERT INTO plan_work (sgid, live, key, dgid, by_map)
SELECT sgid, live, key, dgid, by_map FROM pairs
