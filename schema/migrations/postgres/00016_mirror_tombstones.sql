-- Ingest, second pass: deletions of objects the mirror never held, and the
-- webhook inbox's queue index in the order the processor claims.

-- +goose Up
-- A delete webhook can arrive before (or instead of) anything that created the
-- object in the mirror: reordered deliveries, or an object created and
-- deleted while a snapshot ran. With no row to tombstone the deletion would be
-- forgotten, and a later, older create or update would bring the object back.
-- The deletion is kept here instead; a mirror write inserting a row for the
-- object (or for a child of it) that is not newer than the deletion is stale.
CREATE TABLE mirror_tombstones (
    store       text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid         text        NOT NULL,
    resource    text        NOT NULL,
    deleted_at  timestamptz,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, gid)
);

COMMENT ON TABLE mirror_tombstones IS 'Deletions of objects that had no mirror row when the deletion arrived: a later insert of the object (or of a child of it) that is not newer than the deletion is refused as stale.';
COMMENT ON COLUMN mirror_tombstones.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN mirror_tombstones.gid IS 'GID of the deleted object (for a collection membership: collection and product GIDs separated by a space).';
COMMENT ON COLUMN mirror_tombstones.resource IS 'Resource of the object (product, variant, ...).';
COMMENT ON COLUMN mirror_tombstones.deleted_at IS 'When Shopify deleted it (X-Shopify-Triggered-At of the delete webhook); NULL when unknown, which refuses every later insert.';
COMMENT ON COLUMN mirror_tombstones.recorded_at IS 'When shopsync recorded the deletion.';

-- The processor claims pending deliveries oldest trigger first: this index
-- returns them in that order without sorting the whole queue.
CREATE INDEX webhook_deliveries_claim ON webhook_deliveries ((coalesce(triggered_at, received_at)), received_at, webhook_id)
    WHERE status IN ('received', 'failed');

-- +goose Down
DROP INDEX webhook_deliveries_claim;
DROP TABLE mirror_tombstones;
