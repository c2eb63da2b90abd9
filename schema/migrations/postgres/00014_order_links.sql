-- Orders placed in a destination and recreated in the source, side by side.
-- id_map (resource 'order') already holds the pair once the applier created the
-- source order: source_gid is the order in the source, destination_gid the one
-- placed in the destination. This view joins both mirror rows to it, so data
-- teams see every destination order with its source twin, or the lack of one,
-- and the state of the delta that creates or cancels it.

-- +goose Up
-- A mirrored MailingAddress (GraphQL field names, in orders.raw) as the
-- address of a create_order delta (planner/sql/orders_stage.sql): the fields
-- orderCreate's MailingAddressInput takes, NULL when there is none.
-- +goose StatementBegin
CREATE FUNCTION shopsync_order_address(a jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof(a) = 'object' THEN nullif(jsonb_strip_nulls(jsonb_build_object(
        'address1', a ->> 'address1', 'address2', a ->> 'address2', 'city', a ->> 'city',
        'company', a ->> 'company', 'country_code', coalesce(a ->> 'countryCodeV2', a ->> 'countryCode'),
        'first_name', a ->> 'firstName', 'last_name', a ->> 'lastName', 'phone', a ->> 'phone',
        'province_code', a ->> 'provinceCode', 'zip', a ->> 'zip')), '{}'::jsonb) END;
-- +goose StatementEnd
COMMENT ON FUNCTION shopsync_order_address(jsonb) IS 'A mirrored MailingAddress (orders.raw, GraphQL names) as a create_order delta''s address (snake_case keys of MailingAddressInput); NULL when absent.';

CREATE VIEW order_links AS
SELECT l.id                 AS link_id,
       l.source_store,
       l.destination_store,
       d.gid                AS destination_order_gid,
       d.name               AS destination_order_name,
       d.total_price        AS destination_total_price,
       d.currency           AS destination_currency,
       d.cancelled_at       AS destination_cancelled_at,
       m.source_gid         AS source_order_gid,
       s.name               AS source_order_name,
       s.total_price        AS source_total_price,
       s.cancelled_at       AS source_cancelled_at,
       m.created_at         AS linked_at,
       (SELECT p.status FROM plan_deltas p
        WHERE p.link_id = l.id AND p.resource = 'order' AND p.key = d.gid
        ORDER BY p.id DESC LIMIT 1) AS last_delta_status
FROM links l
JOIN orders d ON d.store = l.destination_store AND d.deleted_at IS NULL
LEFT JOIN id_map m ON m.link_id = l.id AND m.resource = 'order' AND m.destination_gid = d.gid
LEFT JOIN orders s ON s.store = l.source_store AND s.gid = m.source_gid;

COMMENT ON VIEW order_links IS 'Every order of a destination with the order shopsync created for it in the source (id_map resource order), or NULLs while it has none yet.';
COMMENT ON COLUMN order_links.link_id IS 'The link (links.id).';
COMMENT ON COLUMN order_links.source_store IS 'The link''s source store, where the order is recreated.';
COMMENT ON COLUMN order_links.destination_store IS 'The destination store the order was placed in.';
COMMENT ON COLUMN order_links.destination_order_gid IS 'The order in the destination (orders.gid).';
COMMENT ON COLUMN order_links.destination_order_name IS 'Its name in the destination, e.g. #1001.';
COMMENT ON COLUMN order_links.destination_total_price IS 'Its current total in the destination.';
COMMENT ON COLUMN order_links.destination_currency IS 'The currency of the destination''s amounts.';
COMMENT ON COLUMN order_links.destination_cancelled_at IS 'When it was cancelled in the destination, NULL otherwise.';
COMMENT ON COLUMN order_links.source_order_gid IS 'The order shopsync created in the source; NULL until it exists.';
COMMENT ON COLUMN order_links.source_order_name IS 'Its name in the source; NULL until the source order is mirrored.';
COMMENT ON COLUMN order_links.source_total_price IS 'Its current total in the source.';
COMMENT ON COLUMN order_links.source_cancelled_at IS 'When the source order was cancelled, NULL otherwise.';
COMMENT ON COLUMN order_links.linked_at IS 'When the pair was recorded (id_map.created_at).';
COMMENT ON COLUMN order_links.last_delta_status IS 'Status of the latest create_order or cancel_order delta of the order (pending, applied, failed, superseded), NULL if none was planned.';

-- +goose Down
DROP VIEW order_links;
DROP FUNCTION shopsync_order_address(jsonb);
