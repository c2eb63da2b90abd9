-- The change outbox: every mirror change, written in the same transaction as the
-- change itself, waiting for the relay to publish it to Kafka. Postgres is the
-- truth; a change is never lost between the mirror and Kafka, at worst sent twice.

-- +goose Up
CREATE TABLE change_outbox (
    id           bigserial   PRIMARY KEY,
    store        text        NOT NULL,
    resource     text        NOT NULL,
    gid          text        NOT NULL,
    operation    text        NOT NULL,
    before       jsonb,
    after        jsonb,
    version      bigint      NOT NULL,
    source       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    CONSTRAINT change_outbox_resource_check CHECK (resource IN (
        'location', 'product', 'variant', 'inventory_item', 'inventory_level',
        'collection', 'collection_product', 'page', 'blog', 'article',
        'order', 'order_line_item')),
    CONSTRAINT change_outbox_operation_check CHECK (operation IN ('create', 'update', 'delete')),
    CONSTRAINT change_outbox_source_check CHECK (source IN ('bulk', 'webhook', 'reconcile')),
    -- The images a consumer may rely on: create has only after, update has both,
    -- delete has no after (and a before only if the mirror had the row).
    CONSTRAINT change_outbox_images_check CHECK (
        (operation = 'create' AND before IS NULL AND after IS NOT NULL)
        OR (operation = 'update' AND before IS NOT NULL AND after IS NOT NULL)
        OR (operation = 'delete' AND after IS NULL))
);
-- The relay's queue; published rows drop out of it.
CREATE INDEX change_outbox_unpublished ON change_outbox (id) WHERE published_at IS NULL;
CREATE INDEX change_outbox_object ON change_outbox (store, resource, gid, id);

COMMENT ON TABLE change_outbox IS 'Transactional outbox of mirror changes headed for Kafka (one row per changed mirror row). The relay publishes rows in id order and sets published_at; published rows may be pruned.';
COMMENT ON COLUMN change_outbox.id IS 'Sequence number; the relay publishes in id order.';
COMMENT ON COLUMN change_outbox.store IS 'Store domain of the changed row.';
COMMENT ON COLUMN change_outbox.resource IS 'Resource name, e.g. product (the singular of the mirror table); sets the Kafka topic.';
COMMENT ON COLUMN change_outbox.gid IS 'Shopify GID of the changed row (for collection_product: the collection GID and the product GID joined by a space).';
COMMENT ON COLUMN change_outbox.operation IS 'create, update or delete (a tombstone).';
COMMENT ON COLUMN change_outbox.before IS 'The mirror row before the change, as JSON keyed by column name; NULL for creates.';
COMMENT ON COLUMN change_outbox.after IS 'The mirror row after the change; NULL for deletes.';
COMMENT ON COLUMN change_outbox.version IS 'The row''s version after the change (the mirror table''s version column).';
COMMENT ON COLUMN change_outbox.source IS 'What caused the change: bulk (snapshot), webhook, or reconcile.';
COMMENT ON COLUMN change_outbox.created_at IS 'When the change was committed to the mirror.';
COMMENT ON COLUMN change_outbox.published_at IS 'When the relay published it to Kafka; NULL while waiting.';

-- +goose Down
DROP TABLE change_outbox;
