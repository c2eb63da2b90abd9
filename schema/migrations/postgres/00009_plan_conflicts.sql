-- The conflicts the planner found and refused to guess about, and the index
-- its incremental runs need to look products up by handle.

-- +goose Up
CREATE TABLE plan_conflicts (
    link_id     bigint      NOT NULL REFERENCES links (id),
    resource    text        NOT NULL,
    side        text        NOT NULL,
    reason      text        NOT NULL,
    key         text        NOT NULL,
    gids        text[]      NOT NULL,
    blocked     text[]      NOT NULL,
    run_id      text,
    detected_at timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (link_id, resource, side, reason, key),
    CONSTRAINT plan_conflicts_resource_check CHECK (resource IN ('product', 'variant')),
    CONSTRAINT plan_conflicts_side_check CHECK (side IN ('source', 'destination')),
    CONSTRAINT plan_conflicts_reason_check CHECK (reason IN (
        'duplicate_handle', 'duplicate_sku', 'duplicate_barcode', 'blank_key', 'ambiguous_match'))
);
-- Incremental runs replace the conflicts of the keys they plan.
CREATE INDEX plan_conflicts_blocked ON plan_conflicts USING gin (blocked);

COMMENT ON TABLE plan_conflicts IS 'Ambiguities the planner found and refused to guess about, per link: the products they touch are not planned until they are resolved. Replaced by every full plan; incremental plans update the keys they plan.';
COMMENT ON COLUMN plan_conflicts.link_id IS 'The link (links.id).';
COMMENT ON COLUMN plan_conflicts.resource IS 'product or variant: what carries the ambiguous key.';
COMMENT ON COLUMN plan_conflicts.side IS 'source or destination: the store where the ambiguity is.';
COMMENT ON COLUMN plan_conflicts.reason IS 'duplicate_handle, duplicate_sku or duplicate_barcode (several live objects share the match key), blank_key (an object has no match key and no recorded twin), or ambiguous_match (a product''s variants match several products on the other side, or a product another source product already holds).';
COMMENT ON COLUMN plan_conflicts.key IS 'The ambiguous match-key value (handle, SKU or barcode); for blank_key the GID of the object without one; for ambiguous_match the plan key of the source product.';
COMMENT ON COLUMN plan_conflicts.gids IS 'GIDs of the objects involved, in the store named by side.';
COMMENT ON COLUMN plan_conflicts.blocked IS 'The plan keys (plan_deltas.key of resource product) not planned because of this conflict; empty when it blocks nothing yet.';
COMMENT ON COLUMN plan_conflicts.run_id IS 'The planner run that last found it (plan_deltas.run_id).';
COMMENT ON COLUMN plan_conflicts.detected_at IS 'When a plan first found it.';
COMMENT ON COLUMN plan_conflicts.updated_at IS 'When a plan last found it.';

-- Incremental plans of handle-matched links look products up by handle,
-- deleted ones included (products_handle_live has only the live ones).
CREATE INDEX products_handle ON products (store, handle);

-- +goose Down
DROP INDEX products_handle;
DROP TABLE plan_conflicts;
