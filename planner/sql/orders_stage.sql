-- The orders family (see orders.go): what the source needs for the orders
-- placed in one link's destination, staged in a transaction-local table.
--
--   create_order: a live destination order with line items, placed since the
--     link was made (not the destination's history), not cancelled, with no
--     source twin in id_map yet.
--   cancel_order: a destination order cancelled there whose source twin
--     (id_map) is not cancelled in the source mirror and was not cancelled by
--     an applied delta already.
--
-- Each line goes back to a source variant: first through the variant pair
-- id_map holds (recorded by the products family), else by the link's match
-- key (the line's SKU; the destination variant's barcode; the destination
-- variant's product handle and options). Only a single candidate counts; a
-- line without one is sent as a custom line item (title, price, quantity),
-- and the applier audits it with a warning.
--
-- Amounts are the destination's, in its currency, so that the source order
-- costs what the destination charged:
--   - the lines at their unit price before discounts;
--   - item_discount: what the lines' sum exceeds the subtotal by (Shopify's
--     subtotal is after discounts);
--   - taxes_included: whether prices hold the tax (then the subtotal and the
--     shipping do too, and the total is subtotal + shipping);
--   - shipping: its price before discounts (totalShippingPriceSet) and as
--     charged (currentShippingPriceSet), else what the total holds beyond
--     the subtotal and, unless included, the tax;
--   - the tax as one tax line; discount_codes as the destination lists them.
-- The applier (applier/orders_discount.go) gives orderCreate the one
-- discount code it takes and says in the note and the audit what it could
-- not carry.
--
-- $1 link id, $2 destination order GIDs to plan (NULL: every order).
CREATE TEMP TABLE plan_orders_stage ON COMMIT DROP AS
WITH link AS (
    SELECT * FROM links WHERE id = $1 AND enabled AND sync_orders
),
-- Orders placed since the link was made, not the destination's history
-- (Shopify's times are whole seconds); an index range (orders_created).
dorders AS (
    SELECT o.*
    FROM link l
    JOIN orders o ON o.store = l.destination_store AND o.deleted_at IS NULL
    WHERE ($2::text[] IS NULL OR o.gid = ANY($2::text[]))
      AND o.created_at >= date_trunc('second', l.created_at)
),
pairs AS (
    SELECT m.destination_gid, m.source_gid
    FROM id_map m
    WHERE m.link_id = $1 AND m.resource = 'order'
),
lines AS (
    SELECT li.order_gid, li.gid, li.title, li.variant_title, li.sku, li.quantity, li.unit_price,
           coalesce(li.position, 0) AS position, mt.variant_gid AS source_variant_gid, mt.how AS matched_by
    FROM link l
    JOIN dorders o ON true
    JOIN order_line_items li ON li.store = o.store AND li.order_gid = o.gid AND li.deleted_at IS NULL AND li.quantity > 0
    LEFT JOIN LATERAL (
        SELECT c.variant_gid, c.how
        FROM (
            SELECT m.source_gid AS variant_gid, 'id_map' AS how, 1 AS rank
            FROM id_map m
            WHERE m.link_id = l.id AND m.resource = 'variant' AND m.destination_gid = li.variant_gid
            UNION ALL
            SELECT min(v.gid), 'sku', 2
            FROM variants v
            WHERE l.match_key = 'sku' AND v.store = l.source_store AND v.sku = li.sku AND li.sku <> ''
              AND v.deleted_at IS NULL
            HAVING count(*) = 1
            UNION ALL
            SELECT min(v.gid), 'barcode', 3
            FROM variants dv
            JOIN variants v ON v.store = l.source_store AND v.barcode = dv.barcode AND v.deleted_at IS NULL
            WHERE l.match_key = 'barcode' AND dv.store = l.destination_store AND dv.gid = li.variant_gid
              AND dv.barcode <> ''
            HAVING count(*) = 1
            UNION ALL
            SELECT min(v.gid), 'handle', 4
            FROM variants dv
            JOIN products dp ON dp.store = dv.store AND dp.gid = dv.product_gid
            JOIN products sp ON sp.store = l.source_store AND sp.handle = dp.handle AND sp.deleted_at IS NULL
            JOIN variants v ON v.store = sp.store AND v.product_gid = sp.gid AND v.deleted_at IS NULL
                           AND v.options = dv.options
            WHERE l.match_key = 'handle' AND dv.store = l.destination_store AND dv.gid = li.variant_gid
            HAVING count(*) = 1
        ) c
        -- The pair must still name a live source variant.
        JOIN variants sv ON sv.store = l.source_store AND sv.gid = c.variant_gid AND sv.deleted_at IS NULL
        ORDER BY c.rank
        LIMIT 1
    ) mt ON true
    -- Lines are matched only for the orders to create.
    WHERE o.cancelled_at IS NULL AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.destination_gid = o.gid)
),
order_lines AS (
    SELECT order_gid,
           jsonb_agg(jsonb_build_object(
               'destination_line_gid', gid,
               'variant_gid', source_variant_gid,
               'matched_by', matched_by,
               'title', title,
               'variant_title', variant_title,
               'sku', sku,
               'quantity', quantity,
               'price', round(unit_price, 2)::text)
               ORDER BY position, gid) AS lines,
           count(*) FILTER (WHERE source_variant_gid IS NULL) AS unmatched,
           sum(round(unit_price, 2) * quantity) AS lines_total
    FROM lines
    GROUP BY order_gid
),
creates AS (
    SELECT o.gid AS key, o.gid AS source_gid, NULL::text AS target_gid,
           'create_order' AS operation,
           CASE WHEN ol.unmatched > 0
                THEN format('order %s placed in %s; %s line(s) without a source variant become custom line items',
                            o.name, l.destination_store, ol.unmatched)
                ELSE format('order %s placed in %s', o.name, l.destination_store) END AS reason,
           jsonb_build_object(
               'destination', l.destination_store,
               'destination_order_gid', o.gid,
               'destination_order_name', o.name,
               'tag', 'shopsync-order-' || split_part(o.gid, '/', 5) || '@' || l.destination_store,
               'tags', jsonb_build_array('shopsync-order-' || split_part(o.gid, '/', 5) || '@' || l.destination_store,
                                         l.destination_store || ' ' || o.name),
               'inventory_mode', l.inventory_mode,
               'inventory_behaviour', CASE l.inventory_mode WHEN 'two_way' THEN 'BYPASS' ELSE 'DECREMENT_IGNORING_POLICY' END,
               'currency', o.currency,
               'email', o.email,
               'phone', o.raw ->> 'phone',
               'customer', CASE WHEN o.email IS NOT NULL OR o.raw -> 'customer' ->> 'firstName' IS NOT NULL
                                     OR o.raw -> 'customer' ->> 'lastName' IS NOT NULL
                                THEN jsonb_strip_nulls(jsonb_build_object(
                                    'email', o.email,
                                    'first_name', o.raw -> 'customer' ->> 'firstName',
                                    'last_name', o.raw -> 'customer' ->> 'lastName')) END,
               'billing_address', shopsync_order_address(o.raw -> 'billingAddress'),
               'shipping_address', shopsync_order_address(o.raw -> 'shippingAddress'),
               'financial_status', o.financial_status,
               'test', o.test,
               'processed_at', o.processed_at,
               'lines', ol.lines,
               'unmatched', ol.unmatched,
               'taxes_included', m.taxes_included,
               'subtotal', round(m.subtotal, 2)::text,
               'tax', CASE WHEN m.tax > 0 THEN round(m.tax, 2)::text END,
               'tax_rate', CASE WHEN m.tax > 0 AND m.subtotal - CASE WHEN m.taxes_included THEN m.tax ELSE 0 END > 0
                                THEN round(m.tax / (m.subtotal - CASE WHEN m.taxes_included THEN m.tax ELSE 0 END), 4)::text END,
               'shipping', CASE WHEN greatest(m.shipping_price, m.shipping_charged) > 0
                                THEN round(greatest(m.shipping_price, m.shipping_charged), 2)::text END,
               'shipping_charged', round(m.shipping_charged, 2)::text,
               'item_discount', CASE WHEN m.item_discount > 0 THEN round(m.item_discount, 2)::text END,
               'shipping_discount', CASE WHEN m.shipping_price > m.shipping_charged
                                         THEN round(m.shipping_price - m.shipping_charged, 2)::text END,
               'discount_codes', m.discount_codes,
               'total', round(o.total_price, 2)::text) AS desired
    FROM link l
    JOIN dorders o ON true
    JOIN order_lines ol ON ol.order_gid = o.gid
    CROSS JOIN LATERAL (
        SELECT t.*,
               -- As charged: the current shipping, else what is left.
               coalesce(t.shipping_current,
                        greatest(o.total_price - t.subtotal - CASE WHEN t.taxes_included THEN 0 ELSE t.tax END, 0)) AS shipping_charged,
               coalesce(t.shipping_original,
                        t.shipping_current,
                        greatest(o.total_price - t.subtotal - CASE WHEN t.taxes_included THEN 0 ELSE t.tax END, 0)) AS shipping_price
        FROM (
            -- orders.raw keeps these under their GraphQL names, from a bulk
            -- read and from the order webhooks alike (absent from a row
            -- mirrored before they were read: then derived as before).
            SELECT coalesce((o.raw ->> 'taxesIncluded')::boolean, false) AS taxes_included,
                   coalesce(o.subtotal_price, ol.lines_total) AS subtotal,
                   coalesce(o.total_tax, 0) AS tax,
                   greatest(ol.lines_total - coalesce(o.subtotal_price, ol.lines_total), 0) AS item_discount,
                   (o.raw #>> '{currentShippingPriceSet,shopMoney,amount}')::numeric AS shipping_current,
                   (o.raw #>> '{totalShippingPriceSet,shopMoney,amount}')::numeric AS shipping_original,
                   CASE WHEN jsonb_typeof(o.raw -> 'discountCodes') = 'array' THEN o.raw -> 'discountCodes'
                        ELSE '[]'::jsonb END AS discount_codes
        ) t
    ) m
    WHERE o.cancelled_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.destination_gid = o.gid)
),
cancels AS (
    SELECT o.gid AS key, o.gid AS source_gid, p.source_gid AS target_gid,
           'cancel_order' AS operation,
           format('order %s cancelled in %s', o.name, l.destination_store) AS reason,
           jsonb_build_object(
               'destination', l.destination_store,
               'destination_order_gid', o.gid,
               'destination_order_name', o.name,
               'reason', CASE WHEN o.raw ->> 'cancelReason' IN ('CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'STAFF', 'OTHER')
                              THEN o.raw ->> 'cancelReason' ELSE 'OTHER' END,
               'inventory_mode', l.inventory_mode,
               'restock', l.inventory_mode <> 'two_way') AS desired
    FROM link l
    JOIN dorders o ON true
    JOIN pairs p ON p.destination_gid = o.gid
    LEFT JOIN orders s ON s.store = l.source_store AND s.gid = p.source_gid
    WHERE o.cancelled_at IS NOT NULL
      AND (s.gid IS NULL OR s.cancelled_at IS NULL)
      AND NOT EXISTS (
          SELECT 1 FROM plan_deltas x
          WHERE x.link_id = $1 AND x.resource = 'order' AND x.key = o.gid
            AND x.operation = 'cancel_order' AND x.status = 'applied')
)
SELECT 'order'::text AS resource, operation, key, source_gid, target_gid, desired, NULL::bigint AS planned_version, reason
FROM creates
UNION ALL
SELECT 'order', operation, key, source_gid, target_gid, desired, NULL::bigint, reason
FROM cancels
