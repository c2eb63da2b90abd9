-- The products family of one link, step 2 of 2: what each pair of
-- products_match.sql needs, set-based, written to the planning transaction's
-- scratch tables:
--
--   plan_stage            the deltas (product, variant and inventory_level)
--   plan_stage_pairs      variant pairs matched by key, to record in id_map
--   plan_stage_scope      (scoped runs) the keys the run answers for
--
-- Run alone, after products_match.sql, only when matching by handle: matching
-- by SKU or barcode its variant comparison (vd) reads the match step's vres,
-- so it runs inside products_keys.sql.
--
-- A text/template like products_match.sql: .Match and .Scoped.
-- $1 link id, $2 source store, $3 destination store, $4 product keys.
{{define "l_cte"}}l AS MATERIALIZED (
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
{{- end}}
{{define "deltas_ctes"}}-- The link's price rule, evaluated once per distinct amount of the run's
-- source variants rather than once per variant (prices repeat; the rule's
-- arithmetic is what costs). Read from the variants table, so that its size
-- is estimated from the table's statistics and the joins below hash it, not
-- the variants.
amounts AS MATERIALIZED (
    SELECT a.amount,
           shopsync_price(a.amount, l.currency_factor, l.price_multiplier, l.price_offset, l.round_to) AS price,
           shopsync_compare_at_price(a.amount, l.compare_at_mode, l.currency_factor,
                                     l.price_multiplier, l.price_offset, l.round_to) AS compare_at
    FROM (
        SELECT v.price AS amount FROM variants v
        WHERE v.store = $2 AND v.deleted_at IS NULL{{template "scoped_variants" .}}
        UNION
        SELECT v.compare_at_price FROM variants v
        WHERE v.store = $2 AND v.deleted_at IS NULL AND v.compare_at_price IS NOT NULL{{template "scoped_variants" .}}
    ) a
    CROSS JOIN l
),
-- Every live source variant beside its recorded twin, compared, after the
-- price rule. Its own columns come along, for the variant sets built below.
{{- if eq .Match "handle"}}
-- Fenced (OFFSET 0) so that PostgreSQL plans this join over the base tables
-- on their statistics: it hashes id_map and the destination's variants and
-- streams the source's, rather than trusting an estimate of the pairs.
vd AS (
    SELECT v.gid, v.product_gid, v.sku, v.barcode, v.position, v.options, v.inventory_policy, v.taxable,
           v.inventory_item_gid, a.price, ac.compare_at AS compare_at_price,
           d.gid AS mapped, d.product_gid AS m_product, d.price AS d_price,
           d.compare_at_price AS d_compare_at_price, d.inventory_item_gid AS d_item,
           d.sku IS DISTINCT FROM v.sku OR d.barcode IS DISTINCT FROM v.barcode
           OR d.position <> v.position OR d.inventory_policy IS DISTINCT FROM v.inventory_policy
           OR d.taxable <> v.taxable OR ((SELECT f_options FROM l) = 'sync' AND d.options <> v.options) AS d_differs
    FROM variants v
    JOIN amounts a ON a.amount = v.price
    LEFT JOIN amounts ac ON ac.amount = v.compare_at_price
    LEFT JOIN id_map m ON m.link_id = $1 AND m.resource = 'variant' AND m.source_gid = v.gid
    LEFT JOIN variants d ON d.store = $3 AND d.gid = m.destination_gid AND d.deleted_at IS NULL
    WHERE v.store = $2 AND v.deleted_at IS NULL{{template "scoped_variants" .}}
    OFFSET 0
),
{{- else}}
-- Matching by {{.Match}}, the match step's vres joined every source variant to
-- its recorded twin already, with both sides' columns: this statement is
-- products_keys.sql, the two steps in one.
vd AS (
    SELECT v.gid, v.product_gid, v.sku, v.barcode, v.position, v.options, v.inventory_policy, v.taxable,
           v.inventory_item_gid, a.price, ac.compare_at AS compare_at_price,
           v.mapped, v.m_product, v.d_price, v.d_compare_at_price, v.d_item,
           v.d_sku IS DISTINCT FROM v.sku OR v.d_barcode IS DISTINCT FROM v.barcode
           OR v.d_position <> v.position OR v.d_inventory_policy IS DISTINCT FROM v.inventory_policy
           OR v.d_taxable <> v.taxable OR ((SELECT f_options FROM l) = 'sync' AND v.d_options <> v.options) AS d_differs
    FROM vres v
    JOIN amounts a ON a.amount = v.price
    LEFT JOIN amounts ac ON ac.amount = v.compare_at_price
    WHERE v.live
),
{{- end}}
-- Every live source variant of a live pair beside its twin in the paired
-- destination product: the recorded one if it is there (most), else the one
-- found by option values (unique within a product) when matching by handle,
-- by key otherwise (products_match.sql made sure such a twin is in the
-- pair). The lookup runs only for the few variants without a recorded twin;
-- its NOT EXISTS end in OFFSET 0 to stay lookups by index
-- (products_match.sql, vres, says why). One pass, materialized once.
vcmp AS MATERIALIZED (
    SELECT c.*,
           c.dgid IS NOT NULL AND (
               (c.price IS NOT NULL AND c.price <> c.d_price)
               OR c.compare_at_price IS DISTINCT FROM c.d_compare_at_price) AS price_diff
    FROM (
        SELECT r.key, v.gid, v.sku, v.barcode, v.position, v.options, v.inventory_policy, v.taxable,
               v.inventory_item_gid, v.price, v.compare_at_price, x.by_map,
               CASE WHEN x.by_map THEN v.mapped ELSE o.gid END AS dgid,
               CASE WHEN x.by_map THEN v.d_price ELSE o.price END AS d_price,
               CASE WHEN x.by_map THEN v.d_compare_at_price ELSE o.compare_at_price END AS d_compare_at_price,
               CASE WHEN x.by_map THEN v.d_item ELSE o.inventory_item_gid END AS d_item,
               CASE WHEN x.by_map THEN v.d_differs ELSE coalesce(o.differs, false) END AS other_diff
        FROM pairs r
        JOIN vd v ON v.product_gid = r.sgid
        CROSS JOIN LATERAL (SELECT coalesce(v.m_product = r.dgid, false) AS by_map) x
        LEFT JOIN LATERAL (
            SELECT o.gid, o.price, o.compare_at_price, o.inventory_item_gid,
                   o.sku IS DISTINCT FROM v.sku OR o.barcode IS DISTINCT FROM v.barcode
                   OR o.position <> v.position OR o.inventory_policy IS DISTINCT FROM v.inventory_policy
                   OR o.taxable <> v.taxable OR ((SELECT f_options FROM l) = 'sync' AND o.options <> v.options) AS differs
            FROM variants o
            WHERE NOT x.by_map AND r.dgid IS NOT NULL
              AND o.store = $3 AND o.product_gid = r.dgid AND o.deleted_at IS NULL
{{- if eq .Match "handle"}}
              AND o.options = v.options
              AND NOT EXISTS (
                  SELECT 1 FROM id_map c
                  WHERE c.link_id = $1 AND c.resource = 'variant' AND c.destination_gid = o.gid
                    AND c.source_gid <> v.gid
                    AND (SELECT cs.deleted_at IS NULL FROM variants cs WHERE cs.store = $2 AND cs.gid = c.source_gid)
                  OFFSET 0)
{{- else}}
              -- The one live destination variant with the key, unless another
              -- live source variant has recorded it.
              AND o.{{.Match}} = v.{{.Match}} AND o.{{.Match}} IS NOT NULL AND o.{{.Match}} <> ''
              AND NOT EXISTS (
                  SELECT 1 FROM variants d2
                  WHERE d2.store = $3 AND d2.{{.Match}} = v.{{.Match}} AND d2.deleted_at IS NULL
                    AND d2.{{.Match}} IS NOT NULL AND d2.{{.Match}} <> '' AND d2.gid <> o.gid
                  OFFSET 0)
              AND NOT EXISTS (
                  SELECT 1 FROM id_map c
                  WHERE c.link_id = $1 AND c.resource = 'variant' AND c.destination_gid = o.gid
                    AND c.source_gid <> v.gid
                    AND (SELECT cs.deleted_at IS NULL FROM variants cs WHERE cs.store = $2 AND cs.gid = c.source_gid)
                  OFFSET 0)
{{- end}}
            LIMIT 1
        ) o ON true
        WHERE r.live
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
               s.handle, s.title, s.description_html, s.vendor, s.product_type, s.status, s.tags, s.options,
               s.raw -> 'seo' AS seo,
               array_remove(ARRAY[
                   CASE WHEN {{if eq .Match "handle"}}s.handle <> d.handle{{else}}false{{end}} THEN 'handle' END,
                   CASE WHEN l.f_title = 'sync' AND s.title <> d.title THEN 'title' END,
                   CASE WHEN l.f_description = 'sync' AND s.description_html <> d.description_html THEN 'description_html' END,
                   CASE WHEN l.f_vendor = 'sync' AND s.vendor <> d.vendor THEN 'vendor' END,
                   CASE WHEN l.f_product_type = 'sync' AND s.product_type <> d.product_type THEN 'product_type' END,
                   CASE WHEN l.f_tags = 'sync' AND s.tags <> d.tags THEN 'tags' END,
                   CASE WHEN l.f_options = 'sync' AND s.options <> d.options THEN 'options' END,
                   CASE WHEN l.f_status = 'sync' AND s.status <> d.status THEN 'status' END,
                   CASE WHEN l.f_seo = 'sync' AND -- an absent seo and one whose fields are all null are the same
                       nullif(jsonb_strip_nulls(coalesce(nullif(s.raw -> 'seo', 'null'::jsonb), '{}')), '{}')
                       IS DISTINCT FROM nullif(jsonb_strip_nulls(coalesce(nullif(d.raw -> 'seo', 'null'::jsonb), '{}')), '{}') THEN 'seo' END,
                   CASE WHEN vs.added > 0 THEN 'variants added' END,
                   CASE WHEN coalesce(dc.n, 0) > coalesce(vs.matched, 0) THEN 'variants removed' END,
                   CASE WHEN vs.changed > 0 THEN 'variants' END
               ], NULL) AS diffs,
               coalesce(vs.repriced, 0) AS repriced
        FROM pairs r
        CROSS JOIN l
        JOIN products s ON s.store = $2 AND s.gid = r.sgid
        LEFT JOIN products d ON d.store = $3 AND d.gid = r.dgid AND d.deleted_at IS NULL
        LEFT JOIN vsum vs ON vs.key = r.key
        LEFT JOIN dcount dc ON dc.product_gid = r.dgid
        WHERE r.live
    ) c
),
-- The full variant set of each product to create or update. Built as json
-- text and parsed into jsonb once, in the product's desired fields: jsonb
-- objects built one by one are taken apart again by every aggregate and
-- enclosing object (most of what building them cost). A variant whose price
-- the rule leaves undefined has no price key.
variant_sets AS (
    SELECT c.key, json_agg(CASE WHEN c.price IS NULL THEN json_build_object(
               'gid', c.dgid, 'source_gid', c.gid, 'sku', c.sku, 'barcode', c.barcode,
               'compare_at_price', c.compare_at_price::text,
               'position', c.position, 'options', c.options,
               'inventory_policy', c.inventory_policy, 'taxable', c.taxable)
           ELSE json_build_object(
               'gid', c.dgid, 'source_gid', c.gid, 'sku', c.sku, 'barcode', c.barcode,
               'price', c.price::text, 'compare_at_price', c.compare_at_price::text,
               'position', c.position, 'options', c.options,
               'inventory_policy', c.inventory_policy, 'taxable', c.taxable) END
               ORDER BY c.position, c.gid) AS variants
    FROM vcmp c
    WHERE c.key IN (SELECT key FROM pop WHERE op IN ('create', 'update'))
    GROUP BY c.key
),
-- The new prices of the variants whose prices alone differ (json, as above).
price_sets AS (
    SELECT c.key, json_agg(CASE WHEN c.price IS NULL THEN json_build_object(
               'gid', c.dgid, 'source_gid', c.gid, 'compare_at_price', c.compare_at_price::text)
           ELSE json_build_object(
               'gid', c.dgid, 'source_gid', c.gid,
               'price', c.price::text, 'compare_at_price', c.compare_at_price::text) END
               ORDER BY c.position, c.gid) AS variants
    FROM vcmp c
    WHERE c.price_diff AND c.key IN (SELECT key FROM pop WHERE op = 'price')
    GROUP BY c.key
),
product_deltas AS (
    SELECT 'product' AS resource, p.op AS operation, p.key, p.sgid AS source_gid, p.dgid AS target_gid,
           json_build_object(
               'handle', p.handle, 'title', p.title, 'description_html', p.description_html,
               'vendor', p.vendor, 'product_type', p.product_type, 'status', p.status,
               'tags', to_json(p.tags), 'options', p.options, 'seo', p.seo,
               'variants', coalesce(vs.variants, '[]'::json)
           )::jsonb - CASE WHEN p.op = 'create' THEN l.omit_on_create ELSE l.omit_on_update END AS desired,
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
           json_build_object('variants', ps.variants)::jsonb AS desired,
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
        -- The applier unpublishes by setting the status to DRAFT (hidden
        -- from every sales channel), and an archived product is hidden too:
        -- either is unpublished already, whatever published_at says.
        SELECT 'unpublish', '{"status": "DRAFT"}' WHERE l.delete_policy = 'unpublish'
           AND d.published_at IS NOT NULL AND d.status NOT IN ('DRAFT', 'ARCHIVED')
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
      -- Not before the applier confirmed the levels by a read, nor (two-way)
      -- before destination sales reached the source: migration 00013.
      AND shopsync_inventory_settled($1, l.inventory_mode, $2, sl.inventory_item_gid, sl.location_gid, sl.version,
                                     $3, c.d_item, ll.destination_location_gid, dl.version, dl.available)
),
{{- end}}
{{define "scoped_variants"}}
{{- if .Scoped}}
      AND v.product_gid IN (SELECT p.gid FROM products p WHERE p.store = $2 AND p.{{.ProductKey}} = ANY($4::text[]))
{{- end}}
{{- end}}
{{define "deltas_staged"}}-- Variant pairs found by key (not yet in id_map), recorded so that they hold
-- when the keys change later.
staged_variant_pairs AS (
    INSERT INTO plan_stage_pairs (resource, source_gid, destination_gid)
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
    WHERE v.store = $2 AND v.inventory_item_gid IS NOT NULL
      AND v.product_gid IN (SELECT p.gid FROM products p WHERE p.store = $2 AND p.{{.ProductKey}} = ANY($4::text[]))
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
{{- end}}
WITH
{{template "l_cte" .}}
-- The pairs of step 1, analyzed: not materialized, so that the joins over
-- them are planned on plan_work's statistics.
pairs AS NOT MATERIALIZED (
    SELECT sgid, live, key, dgid, by_map FROM plan_work
),
{{template "deltas_ctes" .}}
{{template "deltas_staged" .}}
