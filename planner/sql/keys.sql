-- The product keys of one link that some changed mirror rows affect, for an
-- incremental plan. A text/template on .Match.
-- $1 link id, $2 source store, $3 destination store,
-- $4 source product GIDs, $5 source variant GIDs, $6 source inventory item GIDs,
-- $7 destination product GIDs, $8 destination variant GIDs,
-- $9 destination inventory item GIDs,
-- $10 match-key values the changes had before or after (handles, or SKUs or
--     barcodes): products that held them may have lost or gained a twin or a
--     conflict.
WITH
-- Source products changed, directly or through a variant or stock.
sp AS (
    SELECT unnest($4::text[]) AS gid
    UNION
    SELECT v.product_gid FROM variants v WHERE v.store = $2 AND v.gid = ANY($5::text[])
    UNION
    SELECT v.product_gid FROM variants v
    WHERE v.store = $2 AND v.inventory_item_gid IS NOT NULL AND v.inventory_item_gid = ANY($6::text[])
),
-- Destination products changed, directly or through a variant or stock.
dp AS (
    SELECT unnest($7::text[]) AS gid
    UNION
    SELECT v.product_gid FROM variants v WHERE v.store = $3 AND v.gid = ANY($8::text[])
    UNION
    SELECT v.product_gid FROM variants v
    WHERE v.store = $3 AND v.inventory_item_gid IS NOT NULL AND v.inventory_item_gid = ANY($9::text[])
),
-- The source products of the destination's changes, through recorded pairs.
mapped AS (
    SELECT gid FROM sp
    UNION
    SELECT m.source_gid FROM id_map m
    WHERE m.link_id = $1 AND m.resource = 'product' AND m.destination_gid IN (SELECT gid FROM dp)
    UNION
    SELECT v.product_gid FROM id_map m
    JOIN variants dv ON dv.store = $3 AND dv.gid = m.destination_gid
    JOIN variants v ON v.store = $2 AND v.gid = m.source_gid
    WHERE m.link_id = $1 AND m.resource = 'variant' AND dv.product_gid IN (SELECT gid FROM dp)
{{- if eq .Match "handle"}}
)
SELECT p.handle FROM products p WHERE p.store = $2 AND p.gid IN (SELECT gid FROM mapped)
UNION
-- A destination product is planned under its own handle too: the key a
-- source product would match it by.
SELECT p.handle FROM products p WHERE p.store = $3 AND p.gid IN (SELECT gid FROM dp)
UNION
SELECT unnest($10::text[])
{{- else}}
    UNION
    -- Source products with a live variant holding a key value the changes had.
    SELECT v.product_gid FROM variants v
    WHERE v.store = $2 AND v.deleted_at IS NULL AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
      AND v.{{.Match}} = ANY($10::text[])
    UNION
    -- Source products with a live variant holding a key of a changed
    -- destination product's variants: the products that may match it.
    SELECT v.product_gid FROM variants d
    JOIN variants v ON v.store = $2 AND v.{{.Match}} = d.{{.Match}} AND v.deleted_at IS NULL
     AND v.{{.Match}} IS NOT NULL AND v.{{.Match}} <> ''
    WHERE d.store = $3 AND d.product_gid IN (SELECT gid FROM dp) AND d.deleted_at IS NULL
      AND d.{{.Match}} IS NOT NULL AND d.{{.Match}} <> ''
)
SELECT gid FROM mapped
{{- end}}
