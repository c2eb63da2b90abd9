-- Orders and their line items. Orders flow the other way from the catalogue: an
-- order placed in a destination is recreated in the source for fulfilment.
-- Same row pattern as the catalogue (00002_catalog.sql).

-- +goose Up
CREATE TABLE orders (
    store              text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid                text        NOT NULL CHECK (gid LIKE 'gid://shopify/Order/%'),
    name               text        NOT NULL,
    email              text,
    currency           text        NOT NULL,
    subtotal_price     numeric,
    total_tax          numeric,
    total_price        numeric     NOT NULL,
    financial_status   text,
    fulfillment_status text,
    test               boolean     NOT NULL DEFAULT false,
    cancelled_at       timestamptz,
    closed_at          timestamptz,
    processed_at       timestamptz,
    created_at         timestamptz,
    raw                jsonb       NOT NULL DEFAULT '{}',
    content_hash       bytea       NOT NULL,
    version            bigint      NOT NULL DEFAULT 1,
    updated_at         timestamptz,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    PRIMARY KEY (store, gid),
    CONSTRAINT orders_currency_check CHECK (currency ~ '^[A-Z]{3}$')
);
CREATE INDEX orders_created ON orders (store, created_at);

COMMENT ON TABLE orders IS 'Mirror: orders of every store. Orders of destinations are recreated in the source (id_map links the two).';
COMMENT ON COLUMN orders.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN orders.gid IS 'Shopify GID, gid://shopify/Order/<id>.';
COMMENT ON COLUMN orders.name IS 'Order name as shown to the merchant, e.g. #1001 (unique per store, not across stores).';
COMMENT ON COLUMN orders.email IS 'Customer e-mail (personal data: do not copy into logs).';
COMMENT ON COLUMN orders.currency IS 'Shop currency of the amounts below, ISO 4217.';
COMMENT ON COLUMN orders.subtotal_price IS 'Current subtotal of the line items, after discounts, before tax and shipping.';
COMMENT ON COLUMN orders.total_tax IS 'Current total tax.';
COMMENT ON COLUMN orders.total_price IS 'Current total price, including tax and shipping.';
COMMENT ON COLUMN orders.financial_status IS 'Shopify OrderDisplayFinancialStatus, e.g. PAID or PENDING.';
COMMENT ON COLUMN orders.fulfillment_status IS 'Shopify OrderDisplayFulfillmentStatus, e.g. UNFULFILLED or FULFILLED.';
COMMENT ON COLUMN orders.test IS 'Whether it is a test order.';
COMMENT ON COLUMN orders.cancelled_at IS 'When the order was cancelled, NULL otherwise.';
COMMENT ON COLUMN orders.closed_at IS 'When the order was closed (archived), NULL otherwise.';
COMMENT ON COLUMN orders.processed_at IS 'processedAt: when the order was placed (may predate createdAt for imported orders).';
COMMENT ON COLUMN orders.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN orders.raw IS 'The Order object as read from Shopify (GraphQL field names), without its line items; contains customer data.';
COMMENT ON COLUMN orders.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN orders.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN orders.updated_at IS 'Shopify''s updatedAt.';
COMMENT ON COLUMN orders.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN orders.deleted_at IS 'Tombstone: when shopsync learned the order was deleted; NULL while it exists.';

CREATE TABLE order_line_items (
    store         text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid           text        NOT NULL CHECK (gid LIKE 'gid://shopify/LineItem/%'),
    order_gid     text        NOT NULL,
    product_gid   text,
    variant_gid   text,
    sku           text,
    title         text        NOT NULL,
    variant_title text,
    quantity      integer     NOT NULL CHECK (quantity >= 0),
    unit_price    numeric     NOT NULL,
    position      integer,
    raw           jsonb       NOT NULL DEFAULT '{}',
    content_hash  bytea       NOT NULL,
    version       bigint      NOT NULL DEFAULT 1,
    updated_at    timestamptz,
    synced_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    PRIMARY KEY (store, gid)
);
CREATE INDEX order_line_items_order ON order_line_items (store, order_gid);
CREATE INDEX order_line_items_sku ON order_line_items (store, sku) WHERE sku IS NOT NULL AND sku <> '';

COMMENT ON TABLE order_line_items IS 'Mirror: line items of orders. When an order is recreated in the source, each line is matched to a source variant through id_map or the link''s match key.';
COMMENT ON COLUMN order_line_items.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN order_line_items.gid IS 'Shopify GID, gid://shopify/LineItem/<id>.';
COMMENT ON COLUMN order_line_items.order_gid IS 'The order (orders.gid).';
COMMENT ON COLUMN order_line_items.product_gid IS 'The product sold, NULL if it was deleted since or was a custom item.';
COMMENT ON COLUMN order_line_items.variant_gid IS 'The variant sold, NULL if it was deleted since or was a custom item.';
COMMENT ON COLUMN order_line_items.sku IS 'SKU at the time of sale.';
COMMENT ON COLUMN order_line_items.title IS 'Product title at the time of sale.';
COMMENT ON COLUMN order_line_items.variant_title IS 'Variant title at the time of sale.';
COMMENT ON COLUMN order_line_items.quantity IS 'Quantity ordered (current, after edits and refunds).';
COMMENT ON COLUMN order_line_items.unit_price IS 'Original unit price, in the order''s currency.';
COMMENT ON COLUMN order_line_items.position IS 'Position of the line in the order, from 1.';
COMMENT ON COLUMN order_line_items.raw IS 'The LineItem object as read from Shopify (GraphQL field names).';
COMMENT ON COLUMN order_line_items.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN order_line_items.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN order_line_items.updated_at IS 'The order''s updatedAt when this line was read (line items have none of their own).';
COMMENT ON COLUMN order_line_items.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN order_line_items.deleted_at IS 'Tombstone: when the line or its order was deleted; NULL while it exists.';

-- +goose Down
DROP TABLE order_line_items;
DROP TABLE orders;
