-- The products family of one link: products with their variants, and their
-- inventory levels. One statement computes, set-based, what the destination
-- lacks, and writes it to the planning transaction's temporary tables:
--
--   plan_stage            the deltas (product, variant and inventory_level)
--   plan_stage_conflicts  the ambiguities found; their products are not planned
--   plan_stage_pairs      pairs matched by key, to record in id_map
--   plan_stage_scope      (scoped runs) the keys the run answers for
--
-- A text/template: .Match is the link's match key (handle, sku or barcode),
-- .Scoped restricts the run to the product keys in $4. A scoped run computes
-- for its keys exactly what a full run does: it reads the same context (the
-- neighbours a key's twin may be shared with), and writes only its keys.
-- $1 link id, $2 source store, $3 destination store, $4 product keys.
--
-- Product keys are the handle (match by handle) or the source product GID
-- (match by SKU or barcode, where a product's key is none of its variants'
-- keys). Pairs come from id_map first: a recorded pair holds even when its
-- keys change later. Only objects without a live recorded twin are matched by
-- key, and only to twins no other live source object has recorded.
WITH
l AS MATERIALIZED (
    SELECT k.delete_policy, k.inventory_mode, k.currency_factor, k.price_multiplier, k.price_offset,
           k.round_to, k.compare_at_mode, p.*, o.*
    FROM links k
    CROSS JOIN LATERAL (
        SELECT coalesce(k.field_policies ->> 'title', 'sync')        AS f_title,
               coalesce(k.field_policies ->> 'description', 'sync')  AS f_description,
               coalesce(k.field_policies ->> 'vendor', 'sync')       AS f_vendor,
               coalesce(k.field_policies ->> 'product_type', 'sync') AS f_product_type,
               coalesce(k.field_policies ->> 'tags', 'sync')         AS f_tags,
               coalesce(k.field_policies ->> 'options', 'sync')      AS f_options,
               coalesce(k.field_policies ->> 'status', 'sync')       AS f_status,
               coalesce(k.field_policies ->> 'seo', 'sync')          AS f_seo
    ) p
    -- The desired fields a create and an update leave out. The handle is the
    -- identity of a product matched by handle; otherwise it is only created.
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(f.col) FILTER (WHERE f.policy = 'ignore'), '{}') AS omit_on_create,
               coalesce(array_agg(f.col) FILTER (WHERE f.policy <> 'sync'), '{}') AS omit_on_update
        FROM (VALUES ('title', p.f_title), ('description_html', p.f_description), ('vendor', p.f_vendor),
                     ('product_type', p.f_product_type), ('tags', p.f_tags), ('options', p.f_options),
                     ('status', p.f_status), ('seo', p.f_seo),
                     ('handle', {{if eq .Match "handle"}}'sync'{{else}}'create_only'{{end}})) f (col, policy)
    ) o
    WHERE k.id = $1
),
-- Recorded pairs whose source product the mirror no longer has at all: the
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
-- Source variants of the products, live and deleted, with what the plan
-- needs of them.
sv AS (
    SELECT v.gid, v.product_gid, v.{{.Match}} AS k, v.deleted_at IS NULL AS live,
           v.sku, v.barcode, v.price, v.compare_at_price, v.position, v.options,
           v.inventory_policy, v.taxable, v.inventory_item_gid
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
        SELECT v.*, mv.gid AS mapped, mv.product_gid AS m_product, mv.price AS d_price,
               mv.compare_at_price AS d_compare_at_price, mv.inventory_item_gid AS d_item,
               mv.sku IS DISTINCT FROM v.sku OR mv.barcode IS DISTINCT FROM v.barcode
               OR mv.position <> v.position OR mv.inventory_policy IS DISTINCT FROM v.inventory_policy
               OR mv.taxable <> v.taxable OR ((SELECT f_options FROM l) = 'sync' AND mv.options <> v.options) AS d_differs
        FROM sv v
        LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'variant' AND m.source_gid = v.gid
        LEFT JOIN variants mv ON mv.store = $3 AND mv.gid = m.destination_gid AND mv.deleted_at IS NULL
        WHERE v.live OR v.k IS NULL OR v.k = '' OR NOT EXISTS (
            SELECT 1 FROM variants o
            WHERE o.store = $2 AND o.{{.Match}} = v.k AND o.deleted_at IS NULL
              AND o.{{.Match}} IS NOT NULL AND o.{{.Match}} <> '')
    ) v
    LEFT JOIN LATERAL (
        SELECT d.gid, d.product_gid
        FROM variants d
        WHERE v.mapped IS NULL AND v.k IS NOT NULL AND v.k <> ''
          AND d.store = $3 AND d.{{.Match}} = v.k AND d.deleted_at IS NULL
          AND d.{{.Match}} IS NOT NULL AND d.{{.Match}} <> ''
          AND NOT EXISTS (
              SELECT 1 FROM variants d2
              WHERE d2.store = $3 AND d2.{{.Match}} = v.k AND d2.deleted_at IS NULL
                AND d2.{{.Match}} IS NOT NULL AND d2.{{.Match}} <> '' AND d2.gid <> d.gid)
          AND NOT EXISTS (
              SELECT 1 FROM id_map c
              WHERE c.link_id = $1 AND c.resource = 'variant' AND c.destination_gid = d.gid
                AND c.source_gid <> v.gid
                AND (SELECT cs.deleted_at IS NULL FROM variants cs WHERE cs.store = $2 AND cs.gid = c.source_gid))
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
pairs AS MATERIALIZED (
    SELECT r.sgid, r.live, r.key, r.dgid, r.by_map
    FROM res r
    WHERE r.in_scope AND r.key <> '' AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.key = r.key)
      AND (r.live OR (r.dgid IS NOT NULL AND NOT r.taken))
),
{{- if eq .Match "handle"}}
-- Every live source variant beside its recorded twin, compared. Fenced
-- (OFFSET 0) so that PostgreSQL plans this join over the base tables on
-- their statistics: it hashes id_map and the destination's variants and
-- streams the source's, rather than trusting an estimate of the pairs.
vd AS (
    SELECT v.gid, v.product_gid, v.sku, v.barcode, v.price, v.compare_at_price, v.position, v.options,
           v.inventory_policy, v.taxable, v.inventory_item_gid,
           d.gid AS mapped, d.product_gid AS m_product, d.price AS d_price,
           d.compare_at_price AS d_compare_at_price, d.inventory_item_gid AS d_item,
           d.sku IS DISTINCT FROM v.sku OR d.barcode IS DISTINCT FROM v.barcode
           OR d.position <> v.position OR d.inventory_policy IS DISTINCT FROM v.inventory_policy
           OR d.taxable <> v.taxable OR ((SELECT f_options FROM l) = 'sync' AND d.options <> v.options) AS d_differs
    FROM variants v
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'variant' AND m.source_gid = v.gid
    LEFT JOIN variants d ON d.store = $3 AND d.gid = m.destination_gid AND d.deleted_at IS NULL
    WHERE v.store = $2 AND v.deleted_at IS NULL{{if .Scoped}} AND v.product_gid IN (SELECT gid FROM sp0){{end}}
    OFFSET 0
),
{{- end}}
-- Live source variants of the live pairs, with their recorded twin in the
-- paired destination product if they have one (most do).
pv AS MATERIALIZED (
    SELECT r.key, r.dgid AS dprod, v.gid, v.sku, v.barcode, v.price, v.compare_at_price, v.position,
           v.options, v.inventory_policy, v.taxable, v.inventory_item_gid,
           CASE WHEN v.m_product = r.dgid THEN v.mapped END AS mapped,
           {{- if eq .Match "handle"}} NULL::text{{else}} v.dv{{end}} AS dv,
           v.d_price, v.d_compare_at_price, v.d_item, v.d_differs
    FROM pairs r
    JOIN {{if eq .Match "handle"}}vd{{else}}vres{{end}} v ON v.product_gid = r.sgid{{if ne .Match "handle"}} AND v.live{{end}}
    WHERE r.live
),
-- Twins in the paired product of the variants without a recorded one: by
-- option values (unique within a product) when matching by handle, by key
-- otherwise. Looked up one by one: after the first plan, few variants lack a
-- recorded twin.
found AS (
    SELECT pv.gid AS source_gid, o.gid, o.price, o.compare_at_price, o.inventory_item_gid,
           o.sku IS DISTINCT FROM pv.sku OR o.barcode IS DISTINCT FROM pv.barcode
           OR o.position <> pv.position OR o.inventory_policy IS DISTINCT FROM pv.inventory_policy
           OR o.taxable <> pv.taxable OR ((SELECT f_options FROM l) = 'sync' AND o.options <> pv.options) AS differs
    FROM pv
    CROSS JOIN LATERAL (
        SELECT o.gid, o.sku, o.barcode, o.price, o.compare_at_price, o.position, o.options,
               o.inventory_policy, o.taxable, o.inventory_item_gid
        FROM variants o
        WHERE o.store = $3 AND o.product_gid = pv.dprod AND o.deleted_at IS NULL
{{- if eq .Match "handle"}}
          AND o.options = pv.options
          AND NOT EXISTS (
              SELECT 1 FROM id_map c
              WHERE c.link_id = $1 AND c.resource = 'variant' AND c.destination_gid = o.gid
                AND c.source_gid <> pv.gid
                AND (SELECT cs.deleted_at IS NULL FROM variants cs WHERE cs.store = $2 AND cs.gid = c.source_gid))
{{- else}}
          AND o.gid = pv.dv
{{- end}}
        LIMIT 1
    ) o
    WHERE pv.mapped IS NULL AND pv.dprod IS NOT NULL
),
-- The link's price rule, evaluated once per distinct amount rather than once
-- per variant (prices repeat; the rule's arithmetic is what costs).
amounts AS MATERIALIZED (
    SELECT a.amount,
           shopsync_price(a.amount, l.currency_factor, l.price_multiplier, l.price_offset, l.round_to) AS price,
           shopsync_compare_at_price(a.amount, l.compare_at_mode, l.currency_factor,
                                     l.price_multiplier, l.price_offset, l.round_to) AS compare_at
    FROM (SELECT price AS amount FROM pv UNION SELECT compare_at_price FROM pv WHERE compare_at_price IS NOT NULL) a
    CROSS JOIN l
),
-- Every live source variant of a live pair beside its twin, after the price
-- rule.
vcmp AS MATERIALIZED (
    SELECT c.*,
           c.dgid IS NOT NULL AND (
               (c.price IS NOT NULL AND c.price <> c.d_price)
               OR c.compare_at_price IS DISTINCT FROM c.d_compare_at_price) AS price_diff
    FROM (
        SELECT pv.key, pv.gid, pv.sku, pv.barcode, pv.position, pv.options, pv.inventory_policy, pv.taxable,
               pv.inventory_item_gid, pv.mapped IS NOT NULL AS by_map,
               a.price, ac.compare_at AS compare_at_price,
               coalesce(pv.mapped, f.gid) AS dgid,
               CASE WHEN pv.mapped IS NOT NULL THEN pv.d_price ELSE f.price END AS d_price,
               CASE WHEN pv.mapped IS NOT NULL THEN pv.d_compare_at_price ELSE f.compare_at_price END AS d_compare_at_price,
               CASE WHEN pv.mapped IS NOT NULL THEN pv.d_item ELSE f.inventory_item_gid END AS d_item,
               CASE WHEN pv.mapped IS NOT NULL THEN pv.d_differs ELSE coalesce(f.differs, false) END AS other_diff
        FROM pv
        JOIN amounts a ON a.amount = pv.price
        LEFT JOIN amounts ac ON ac.amount = pv.compare_at_price
        LEFT JOIN found f ON f.source_gid = pv.gid
        -- A fence: each column above is computed once, not once per use.
        OFFSET 0
    ) c
),
vsum AS (
    SELECT key, count(*) FILTER (WHERE dgid IS NULL) AS added,
           count(*) FILTER (WHERE dgid IS NOT NULL) AS matched,
           count(*) FILTER (WHERE other_diff) AS changed,
           count(*) FILTER (WHERE price_diff) AS repriced
    FROM vcmp GROUP BY key
),
-- How many live variants each paired destination product has: those no
-- source variant matched are to go.
dcount AS (
    SELECT d.product_gid, count(*) AS n
    FROM variants d
    WHERE d.store = $3 AND d.deleted_at IS NULL
    {{- if .Scoped}}
      AND d.product_gid IN (SELECT dgid FROM pairs WHERE live AND dgid IS NOT NULL)
    {{- end}}
    GROUP BY d.product_gid
),
-- Each live pair against its twin: which synced fields differ, and what the
-- product needs: create, update (the whole product) or new prices.
pop AS MATERIALIZED (
    SELECT c.*,
           CASE WHEN c.dgid IS NULL THEN 'create'
                WHEN cardinality(c.diffs) > 0 THEN 'update'
                WHEN c.repriced > 0 THEN 'price' END AS op
    FROM (
        SELECT r.key, r.sgid, d.gid AS dgid, d.version AS d_version,
               s.handle, s.title, s.description_html, s.vendor, s.product_type, s.status, s.tags, s.options, s.seo,
               array_remove(ARRAY[
                   CASE WHEN {{if eq .Match "handle"}}s.handle <> d.handle{{else}}false{{end}} THEN 'handle' END,
                   CASE WHEN l.f_title = 'sync' AND s.title <> d.title THEN 'title' END,
                   CASE WHEN l.f_description = 'sync' AND s.description_html <> d.description_html THEN 'description_html' END,
                   CASE WHEN l.f_vendor = 'sync' AND s.vendor <> d.vendor THEN 'vendor' END,
                   CASE WHEN l.f_product_type = 'sync' AND s.product_type <> d.product_type THEN 'product_type' END,
                   CASE WHEN l.f_tags = 'sync' AND s.tags <> d.tags THEN 'tags' END,
                   CASE WHEN l.f_options = 'sync' AND s.options <> d.options THEN 'options' END,
                   CASE WHEN l.f_status = 'sync' AND s.status <> d.status THEN 'status' END,
                   CASE WHEN l.f_seo = 'sync' AND s.seo IS DISTINCT FROM d.raw -> 'seo' THEN 'seo' END,
                   CASE WHEN vs.added > 0 THEN 'variants added' END,
                   CASE WHEN coalesce(dc.n, 0) > coalesce(vs.matched, 0) THEN 'variants removed' END,
                   CASE WHEN vs.changed > 0 THEN 'variants' END
               ], NULL) AS diffs,
               coalesce(vs.repriced, 0) AS repriced
        FROM pairs r
        CROSS JOIN l
        JOIN sp s ON s.gid = r.sgid
        LEFT JOIN products d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
        LEFT JOIN vsum vs ON vs.key = r.key
        LEFT JOIN dcount dc ON dc.product_gid = r.dgid
        WHERE r.live
    ) c
),
-- The full variant set of each product to create or update.
variant_sets AS (
    SELECT c.key, jsonb_agg(jsonb_build_object(
               'gid', c.dgid, 'source_gid', c.gid, 'sku', c.sku, 'barcode', c.barcode,
               'price', c.price::text, 'compare_at_price', c.compare_at_price::text,
               'position', c.position, 'options', c.options,
               'inventory_policy', c.inventory_policy, 'taxable', c.taxable)
               - CASE WHEN c.price IS NULL THEN 'price' ELSE '' END
               ORDER BY c.position, c.gid) AS variants
    FROM vcmp c
    WHERE c.key IN (SELECT key FROM pop WHERE op IN ('create', 'update'))
    GROUP BY c.key
),
-- The new prices of the variants whose prices alone differ.
price_sets AS (
    SELECT c.key, jsonb_agg(jsonb_build_object(
               'gid', c.dgid, 'source_gid', c.gid,
               'price', c.price::text, 'compare_at_price', c.compare_at_price::text)
               - CASE WHEN c.price IS NULL THEN 'price' ELSE '' END
               ORDER BY c.position, c.gid) AS variants
    FROM vcmp c
    WHERE c.price_diff AND c.key IN (SELECT key FROM pop WHERE op = 'price')
    GROUP BY c.key
),
product_deltas AS (
    SELECT 'product' AS resource, p.op AS operation, p.key, p.sgid AS source_gid, p.dgid AS target_gid,
           jsonb_build_object(
               'handle', p.handle, 'title', p.title, 'description_html', p.description_html,
               'vendor', p.vendor, 'product_type', p.product_type, 'status', p.status,
               'tags', to_jsonb(p.tags), 'options', p.options, 'seo', p.seo,
               'variants', coalesce(vs.variants, '[]')
           ) - CASE WHEN p.op = 'create' THEN l.omit_on_create ELSE l.omit_on_update END AS desired,
           p.d_version AS planned_version,
           CASE WHEN p.op = 'create' THEN 'missing in destination'
                ELSE 'differs: ' || array_to_string(p.diffs, ', ') END AS reason
    FROM pop p
    CROSS JOIN l
    LEFT JOIN variant_sets vs ON vs.key = p.key
    WHERE p.op IN ('create', 'update')
),
-- Only prices differ: the variants' new prices, for a bulk variant update.
price_deltas AS (
    SELECT 'variant' AS resource, 'update' AS operation, p.key, p.sgid AS source_gid, p.dgid AS target_gid,
           jsonb_build_object('variants', ps.variants) AS desired,
           p.d_version AS planned_version,
           'price differs on ' || p.repriced || CASE WHEN p.repriced = 1 THEN ' variant' ELSE ' variants' END AS reason
    FROM pop p
    JOIN price_sets ps ON ps.key = p.key
    WHERE p.op = 'price'
),
-- Products deleted in the source whose twin is still there: the delete policy.
delete_deltas AS (
    SELECT 'product' AS resource, x.operation, r.key, r.sgid AS source_gid, d.gid AS target_gid,
           x.desired, d.version AS planned_version, 'deleted in source' AS reason
    FROM pairs r
    CROSS JOIN l
    JOIN products d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
    CROSS JOIN LATERAL (
        SELECT 'delete' AS operation, '{}'::jsonb AS desired WHERE l.delete_policy = 'delete'
        UNION ALL
        SELECT 'archive', '{"status": "ARCHIVED"}' WHERE l.delete_policy = 'archive' AND d.status <> 'ARCHIVED'
        UNION ALL
        SELECT 'unpublish', '{"published_at": null}' WHERE l.delete_policy = 'unpublish' AND d.published_at IS NOT NULL
    ) x
    WHERE NOT r.live
),
-- Stock of every matched variant at every mapped location, when the link
-- syncs inventory: the destination's level is set to the source's.
inventory_deltas AS (
    SELECT 'inventory_level' AS resource, 'set_inventory' AS operation,
           c.inventory_item_gid || ' ' || ll.destination_location_gid AS key,
           c.inventory_item_gid AS source_gid, c.d_item AS target_gid,
           jsonb_build_object('inventory_item_gid', c.d_item, 'location_gid', ll.destination_location_gid,
                              'available', sl.available, 'change_from', dl.available) AS desired,
           dl.version AS planned_version,
           CASE WHEN dl.gid IS NULL THEN 'not stocked at the destination location'
                ELSE 'available differs' END AS reason
    FROM vcmp c
    CROSS JOIN l
    JOIN link_locations ll ON ll.link_id = $1
    JOIN inventory_levels sl ON sl.store = $2 AND sl.inventory_item_gid = c.inventory_item_gid
     AND sl.location_gid = ll.source_location_gid AND sl.deleted_at IS NULL
    LEFT JOIN inventory_levels dl ON dl.store = $3 AND dl.inventory_item_gid = c.d_item
     AND dl.location_gid = ll.destination_location_gid AND dl.deleted_at IS NULL
    WHERE l.inventory_mode <> 'none' AND c.d_item IS NOT NULL AND sl.available IS NOT NULL
      AND dl.available IS DISTINCT FROM sl.available
),
staged_conflicts AS (
    INSERT INTO plan_stage_conflicts (resource, side, reason, key, gids, blocked)
    SELECT resource, side, reason, key, gids, blocked FROM conflicts
    {{- if .Scoped}}
    -- A scoped run answers for the conflicts that block its keys.
    WHERE blocked && $4::text[]
    {{- end}}
),
-- Pairs found by key (not yet in id_map), recorded so that they hold when the
-- keys change later.
staged_pairs AS (
    INSERT INTO plan_stage_pairs (resource, source_gid, destination_gid)
    SELECT 'product', sgid, dgid FROM pairs WHERE live AND dgid IS NOT NULL AND NOT by_map
    UNION ALL
    SELECT 'variant', gid, dgid FROM vcmp WHERE dgid IS NOT NULL AND NOT by_map
),
{{- if .Scoped}}
-- The keys this run answers for: its product keys, and the inventory keys of
-- every variant of its products, so that their stale pending deltas go.
staged_scope AS (
    INSERT INTO plan_stage_scope (resource, key)
    SELECT r.resource, k FROM unnest($4::text[]) k CROSS JOIN (VALUES ('product'), ('variant')) r (resource)
    UNION ALL
    SELECT 'inventory_level', v.inventory_item_gid || ' ' || ll.destination_location_gid
    FROM variants v JOIN link_locations ll ON ll.link_id = $1
    WHERE v.store = $2 AND v.inventory_item_gid IS NOT NULL AND v.product_gid IN (SELECT gid FROM sp0)
),
{{- end}}
deltas AS (
    SELECT * FROM product_deltas
    UNION ALL SELECT * FROM price_deltas
    UNION ALL SELECT * FROM delete_deltas
    UNION ALL SELECT * FROM inventory_deltas
)
INSERT INTO plan_stage (resource, operation, key, source_gid, target_gid, desired, planned_version, reason)
SELECT resource, operation, key, source_gid, target_gid, desired, planned_version, reason FROM deltas
