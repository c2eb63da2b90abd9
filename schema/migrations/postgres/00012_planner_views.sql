-- Views for data teams over the mirror and the plan: how far each destination
-- is from its source (sync_status), which products have no twin on the other
-- side (unmatched_products), and which matched pairs differ from what the
-- link's rules want (drift). Computed when queried, from the same tables the
-- planner reads; the planner itself does not use them.

-- +goose Up
CREATE VIEW sync_status AS
SELECT l.id AS link_id, l.source_store, l.destination_store, l.enabled,
       count(d.id) FILTER (WHERE d.status = 'pending')    AS pending,
       count(d.id) FILTER (WHERE d.status = 'applied')    AS applied,
       count(d.id) FILTER (WHERE d.status = 'failed')     AS failed,
       count(d.id) FILTER (WHERE d.status = 'superseded') AS superseded,
       min(d.created_at) FILTER (WHERE d.status = 'pending') AS oldest_pending_at,
       max(d.applied_at) AS last_applied_at,
       max(d.created_at) AS last_planned_at,
       (SELECT count(*) FROM plan_conflicts c WHERE c.link_id = l.id) AS conflicts
FROM links l
LEFT JOIN plan_deltas d ON d.link_id = l.id
GROUP BY l.id;

COMMENT ON VIEW sync_status IS 'Per link (one per destination): how many deltas are pending, applied, failed and superseded, since when work waits, when the last write succeeded, and how many conflicts hold products back.';
COMMENT ON COLUMN sync_status.link_id IS 'The link (links.id).';
COMMENT ON COLUMN sync_status.source_store IS 'The source store (links.source_store).';
COMMENT ON COLUMN sync_status.destination_store IS 'The destination store (links.destination_store).';
COMMENT ON COLUMN sync_status.enabled IS 'Whether the link is planned and applied (links.enabled).';
COMMENT ON COLUMN sync_status.pending IS 'Deltas waiting for the applier.';
COMMENT ON COLUMN sync_status.applied IS 'Deltas written successfully, ever.';
COMMENT ON COLUMN sync_status.failed IS 'Deltas the applier gave up on (plan_deltas.error says why).';
COMMENT ON COLUMN sync_status.superseded IS 'Deltas replaced by a newer one, or no longer needed, before they were applied.';
COMMENT ON COLUMN sync_status.oldest_pending_at IS 'When the oldest pending delta was planned; NULL when nothing is pending.';
COMMENT ON COLUMN sync_status.last_applied_at IS 'When the last delta was applied; NULL if none ever was.';
COMMENT ON COLUMN sync_status.last_planned_at IS 'When the planner last added a delta.';
COMMENT ON COLUMN sync_status.conflicts IS 'Conflicts (plan_conflicts) keeping products of the link from being planned.';

CREATE VIEW unmatched_products AS
SELECT l.id AS link_id, l.destination_store, 'source' AS side, p.store, p.gid, p.handle, p.title
FROM links l
JOIN products p ON p.store = l.source_store AND p.deleted_at IS NULL
WHERE NOT EXISTS (
        SELECT 1 FROM id_map m
        JOIN products d ON d.store = l.destination_store AND d.gid = m.destination_gid AND d.deleted_at IS NULL
        WHERE m.link_id = l.id AND m.resource = 'product' AND m.source_gid = p.gid)
  AND NOT (l.match_key = 'handle' AND EXISTS (
        SELECT 1 FROM products d
        WHERE d.store = l.destination_store AND d.handle = p.handle AND d.deleted_at IS NULL))
  AND NOT (l.match_key = 'sku' AND EXISTS (
        SELECT 1 FROM variants v
        JOIN variants d ON d.store = l.destination_store AND d.sku = v.sku AND d.sku <> '' AND d.deleted_at IS NULL
        WHERE v.store = p.store AND v.product_gid = p.gid AND v.deleted_at IS NULL))
  AND NOT (l.match_key = 'barcode' AND EXISTS (
        SELECT 1 FROM variants v
        JOIN variants d ON d.store = l.destination_store AND d.barcode = v.barcode AND d.barcode <> '' AND d.deleted_at IS NULL
        WHERE v.store = p.store AND v.product_gid = p.gid AND v.deleted_at IS NULL))
UNION ALL
SELECT l.id, l.destination_store, 'destination', d.store, d.gid, d.handle, d.title
FROM links l
JOIN products d ON d.store = l.destination_store AND d.deleted_at IS NULL
WHERE NOT EXISTS (
        SELECT 1 FROM id_map m
        JOIN products s ON s.store = l.source_store AND s.gid = m.source_gid AND s.deleted_at IS NULL
        WHERE m.link_id = l.id AND m.resource = 'product' AND m.destination_gid = d.gid)
  AND NOT (l.match_key = 'handle' AND EXISTS (
        SELECT 1 FROM products s
        WHERE s.store = l.source_store AND s.handle = d.handle AND s.deleted_at IS NULL))
  AND NOT (l.match_key = 'sku' AND EXISTS (
        SELECT 1 FROM variants v
        JOIN variants s ON s.store = l.source_store AND s.sku = v.sku AND s.sku <> '' AND s.deleted_at IS NULL
        WHERE v.store = d.store AND v.product_gid = d.gid AND v.deleted_at IS NULL))
  AND NOT (l.match_key = 'barcode' AND EXISTS (
        SELECT 1 FROM variants v
        JOIN variants s ON s.store = l.source_store AND s.barcode = v.barcode AND s.barcode <> '' AND s.deleted_at IS NULL
        WHERE v.store = d.store AND v.product_gid = d.gid AND v.deleted_at IS NULL));

COMMENT ON VIEW unmatched_products IS 'Live products without a twin on the other side of a link: source products the destination lacks (the planner creates them unless a conflict holds them back) and destination products no source product matches (the destination''s own; left alone). A twin is a recorded pair (id_map) or a product with the link''s match key (handle, or a variant''s SKU or barcode).';
COMMENT ON COLUMN unmatched_products.link_id IS 'The link (links.id).';
COMMENT ON COLUMN unmatched_products.destination_store IS 'The link''s destination store.';
COMMENT ON COLUMN unmatched_products.side IS 'source (a product the destination lacks) or destination (a product with no source).';
COMMENT ON COLUMN unmatched_products.store IS 'The store the product is in.';
COMMENT ON COLUMN unmatched_products.gid IS 'The product''s GID in that store.';
COMMENT ON COLUMN unmatched_products.handle IS 'The product''s handle.';
COMMENT ON COLUMN unmatched_products.title IS 'The product''s title.';

CREATE VIEW drift AS
SELECT l.id AS link_id, l.destination_store, 'product' AS resource, m.source_gid, m.destination_gid,
       f.field, f.desired, f.actual
FROM links l
JOIN id_map m ON m.link_id = l.id AND m.resource = 'product'
JOIN products s ON s.store = l.source_store AND s.gid = m.source_gid AND s.deleted_at IS NULL
JOIN products d ON d.store = l.destination_store AND d.gid = m.destination_gid AND d.deleted_at IS NULL
CROSS JOIN LATERAL (VALUES
    ('title', 'title', s.title, d.title),
    ('description', 'description_html', s.description_html, d.description_html),
    ('vendor', 'vendor', s.vendor, d.vendor),
    ('product_type', 'product_type', s.product_type, d.product_type),
    ('tags', 'tags', array_to_string(s.tags, ', '), array_to_string(d.tags, ', ')),
    ('options', 'options', s.options::text, d.options::text),
    ('status', 'status', s.status, d.status),
    ('seo', 'seo', (s.raw -> 'seo')::text, (d.raw -> 'seo')::text)
) AS f (policy, field, desired, actual)
WHERE coalesce(l.field_policies ->> f.policy, 'sync') = 'sync' AND f.desired IS DISTINCT FROM f.actual
UNION ALL
SELECT l.id, l.destination_store, 'variant', m.source_gid, m.destination_gid, f.field, f.desired, f.actual
FROM links l
JOIN id_map m ON m.link_id = l.id AND m.resource = 'variant'
JOIN variants s ON s.store = l.source_store AND s.gid = m.source_gid AND s.deleted_at IS NULL
JOIN variants d ON d.store = l.destination_store AND d.gid = m.destination_gid AND d.deleted_at IS NULL
CROSS JOIN LATERAL (
    SELECT shopsync_price(s.price, l) AS price, shopsync_compare_at_price(s.compare_at_price, l) AS compare_at_price
) p
CROSS JOIN LATERAL (VALUES
    ('price', p.price::text, d.price::text, p.price IS NOT NULL AND p.price <> d.price),
    ('compare_at_price', p.compare_at_price::text, d.compare_at_price::text,
        p.compare_at_price IS DISTINCT FROM d.compare_at_price),
    ('sku', s.sku, d.sku, s.sku IS DISTINCT FROM d.sku),
    ('barcode', s.barcode, d.barcode, s.barcode IS DISTINCT FROM d.barcode)
) AS f (field, desired, actual, differs)
WHERE f.differs;

COMMENT ON VIEW drift IS 'Matched pairs (id_map) whose destination differs from what the link''s rules want, one row per field: product fields with policy sync, and variant prices (after the price rule), compare-at prices, SKUs and barcodes. The planner plans these differences; rows that stay here long point at failing writes or edits made in the destination.';
COMMENT ON COLUMN drift.link_id IS 'The link (links.id).';
COMMENT ON COLUMN drift.destination_store IS 'The link''s destination store.';
COMMENT ON COLUMN drift.resource IS 'product or variant.';
COMMENT ON COLUMN drift.source_gid IS 'The object in the source.';
COMMENT ON COLUMN drift.destination_gid IS 'Its twin in the destination.';
COMMENT ON COLUMN drift.field IS 'The mirror column that differs.';
COMMENT ON COLUMN drift.desired IS 'What the destination should have, as text: the source''s value after the link''s rules.';
COMMENT ON COLUMN drift.actual IS 'What the destination has, as text.';

-- +goose Down
DROP VIEW drift;
DROP VIEW unmatched_products;
DROP VIEW sync_status;
