-- Sync state: the links between stores and their rules, the map of which object
-- in a source is which in a destination, and the plan (the deltas the planner
-- computed and the applier carries out).
--
-- resource names are the singular of the mirror table names; the same list is in
-- schema/events (Go) and in every CHECK below.

-- +goose Up
CREATE TABLE links (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_store      text        NOT NULL,
    source_role       text        NOT NULL DEFAULT 'source',
    destination_store text        NOT NULL,
    destination_role  text        NOT NULL DEFAULT 'destination',
    match_key         text        NOT NULL DEFAULT 'handle',
    price_multiplier  numeric     NOT NULL DEFAULT 1,
    price_offset      numeric     NOT NULL DEFAULT 0,
    field_policies    jsonb       NOT NULL DEFAULT '{}',
    delete_policy     text        NOT NULL DEFAULT 'archive',
    inventory_mode    text        NOT NULL DEFAULT 'one_way',
    sync_orders       boolean     NOT NULL DEFAULT true,
    enabled           boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT links_pair_key UNIQUE (source_store, destination_store),
    -- The role columns exist only for these two foreign keys: together they make
    -- the database refuse a link whose ends do not have the right roles, and refuse
    -- to change a linked store's role.
    CONSTRAINT links_source_role_check CHECK (source_role = 'source'),
    CONSTRAINT links_destination_role_check CHECK (destination_role = 'destination'),
    CONSTRAINT links_source_fkey FOREIGN KEY (source_store, source_role) REFERENCES stores (domain, role),
    CONSTRAINT links_destination_fkey FOREIGN KEY (destination_store, destination_role) REFERENCES stores (domain, role),
    CONSTRAINT links_match_key_check CHECK (match_key IN ('handle', 'sku', 'barcode')),
    CONSTRAINT links_price_multiplier_check CHECK (price_multiplier > 0),
    CONSTRAINT links_field_policies_check CHECK (
        jsonb_typeof(field_policies) = 'object'
        AND NOT jsonb_path_exists(field_policies, '$.* ? (@ != "sync" && @ != "create_only" && @ != "ignore")')
    ),
    CONSTRAINT links_delete_policy_check CHECK (delete_policy IN ('delete', 'archive', 'ignore')),
    CONSTRAINT links_inventory_mode_check CHECK (inventory_mode IN ('off', 'one_way', 'two_way'))
);
CREATE INDEX links_destination ON links (destination_store);

COMMENT ON TABLE links IS 'One row per source -> destination pair, with the rules the planner applies. Written from the configuration file. Disable a link (enabled = false) rather than deleting it: id_map and plan_deltas keep referring to it.';
COMMENT ON COLUMN links.id IS 'Link id, referred to by link_locations, id_map and plan_deltas.';
COMMENT ON COLUMN links.source_store IS 'The source store (stores.domain, role source).';
COMMENT ON COLUMN links.source_role IS 'Always ''source''; exists so that a foreign key checks the source store''s role.';
COMMENT ON COLUMN links.destination_store IS 'The destination store (stores.domain, role destination).';
COMMENT ON COLUMN links.destination_role IS 'Always ''destination''; exists so that a foreign key checks the destination store''s role.';
COMMENT ON COLUMN links.match_key IS 'How products are matched between the two stores: handle (products.handle), sku or barcode (variants.sku / variants.barcode).';
COMMENT ON COLUMN links.price_multiplier IS 'Destination price = round(source price * price_multiplier + price_offset, 2); 1.10 is a 10 % markup. Also applied to compare-at prices.';
COMMENT ON COLUMN links.price_offset IS 'Amount added after the multiplier, in the destination''s currency (may be negative).';
COMMENT ON COLUMN links.field_policies IS 'Per-field write policy, {"<field>": "sync" | "create_only" | "ignore"}; fields not listed are "sync". Field names are the mirror column names (e.g. "title", "description_html", "tags").';
COMMENT ON COLUMN links.delete_policy IS 'What a deletion in the source does in the destination: delete, archive (status ARCHIVED) or ignore.';
COMMENT ON COLUMN links.inventory_mode IS 'off, one_way (source levels overwrite the destination) or two_way (sales in either store move both).';
COMMENT ON COLUMN links.sync_orders IS 'Whether orders placed in the destination are recreated in the source.';
COMMENT ON COLUMN links.enabled IS 'Disabled links are neither planned nor applied.';
COMMENT ON COLUMN links.created_at IS 'When the link was first configured.';
COMMENT ON COLUMN links.updated_at IS 'When the link''s rules last changed.';

CREATE TABLE link_locations (
    link_id                  bigint NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    source_location_gid      text   NOT NULL,
    destination_location_gid text   NOT NULL,
    PRIMARY KEY (link_id, source_location_gid),
    -- One to one, so that two-way inventory knows where a destination sale goes.
    CONSTRAINT link_locations_destination_key UNIQUE (link_id, destination_location_gid)
);

COMMENT ON TABLE link_locations IS 'The location map of a link: which source location''s stock is the stock of which destination location. Locations not listed are not synced.';
COMMENT ON COLUMN link_locations.link_id IS 'The link (links.id).';
COMMENT ON COLUMN link_locations.source_location_gid IS 'A location of the link''s source (locations.gid).';
COMMENT ON COLUMN link_locations.destination_location_gid IS 'The matching location of the link''s destination (locations.gid).';

CREATE TABLE id_map (
    link_id         bigint      NOT NULL REFERENCES links (id),
    resource        text        NOT NULL,
    source_gid      text        NOT NULL,
    destination_gid text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (link_id, resource, source_gid),
    CONSTRAINT id_map_destination_key UNIQUE (link_id, resource, destination_gid),
    CONSTRAINT id_map_resource_check CHECK (resource IN (
        'location', 'product', 'variant', 'inventory_item', 'inventory_level',
        'collection', 'collection_product', 'page', 'blog', 'article',
        'order', 'order_line_item'))
);

COMMENT ON TABLE id_map IS 'Which object in a link''s source is which object in its destination, once matched or created. The applier records a pair as soon as a write returns, so a retry updates instead of creating a duplicate.';
COMMENT ON COLUMN id_map.link_id IS 'The link (links.id).';
COMMENT ON COLUMN id_map.resource IS 'Resource name, e.g. product or variant (the singular of the mirror table).';
COMMENT ON COLUMN id_map.source_gid IS 'GID of the object in the link''s source store. For orders, the order shopsync created in the source.';
COMMENT ON COLUMN id_map.destination_gid IS 'GID of the object in the link''s destination store. For orders, the order placed there.';
COMMENT ON COLUMN id_map.created_at IS 'When the pair was first recorded.';
COMMENT ON COLUMN id_map.updated_at IS 'When the pair last changed (e.g. a destination object recreated after deletion).';

CREATE TABLE plan_deltas (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          text,
    link_id         bigint      NOT NULL REFERENCES links (id),
    target_store    text        NOT NULL REFERENCES stores (domain),
    resource        text        NOT NULL,
    operation       text        NOT NULL,
    key             text        NOT NULL,
    source_gid      text,
    target_gid      text,
    desired         jsonb       NOT NULL DEFAULT '{}',
    planned_version bigint,
    reason          text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    applied_at      timestamptz,
    CONSTRAINT plan_deltas_resource_check CHECK (resource IN (
        'location', 'product', 'variant', 'inventory_item', 'inventory_level',
        'collection', 'collection_product', 'page', 'blog', 'article',
        'order', 'order_line_item')),
    CONSTRAINT plan_deltas_operation_check CHECK (operation IN ('create', 'update', 'delete')),
    CONSTRAINT plan_deltas_status_check CHECK (status IN ('pending', 'applied', 'failed', 'superseded')),
    CONSTRAINT plan_deltas_desired_check CHECK (jsonb_typeof(desired) = 'object'),
    CONSTRAINT plan_deltas_target_check CHECK (operation = 'create' OR target_gid IS NOT NULL),
    CONSTRAINT plan_deltas_applied_check CHECK (status <> 'applied' OR applied_at IS NOT NULL),
    CONSTRAINT plan_deltas_failed_check CHECK (status <> 'failed' OR error IS NOT NULL),
    CONSTRAINT plan_deltas_attempts_check CHECK (attempts >= 0)
);
-- At most one pending delta per object: planning a newer one supersedes the old.
CREATE UNIQUE INDEX plan_deltas_one_pending ON plan_deltas (link_id, resource, key) WHERE status = 'pending';
-- The applier's queue: one writer per target store takes its pending deltas in order.
CREATE INDEX plan_deltas_pending ON plan_deltas (target_store, id) WHERE status = 'pending';
CREATE INDEX plan_deltas_link_status ON plan_deltas (link_id, status, updated_at);

COMMENT ON TABLE plan_deltas IS 'The plan: one row per change a store needs (create, update or delete one object), computed by the planner with SQL joins over the mirror and carried out by the applier. Kept after applying, as the record of what was planned and why.';
COMMENT ON COLUMN plan_deltas.id IS 'Delta id; the applier processes a store''s pending deltas in id order.';
COMMENT ON COLUMN plan_deltas.run_id IS 'The planner run that produced the delta (also in the ClickHouse audit).';
COMMENT ON COLUMN plan_deltas.link_id IS 'The link whose rules produced the delta (links.id).';
COMMENT ON COLUMN plan_deltas.target_store IS 'The store the delta writes to: the link''s destination, or its source for orders.';
COMMENT ON COLUMN plan_deltas.resource IS 'Resource name, e.g. product (the singular of the mirror table).';
COMMENT ON COLUMN plan_deltas.operation IS 'create, update or delete.';
COMMENT ON COLUMN plan_deltas.key IS 'Identifies the object within (link, resource) on both sides: the match-key value (handle, SKU or barcode) or, where no match key applies, the source GID. At most one pending delta per (link_id, resource, key).';
COMMENT ON COLUMN plan_deltas.source_gid IS 'GID of the object in the store the change comes from (NULL for deletes of objects the source no longer has).';
COMMENT ON COLUMN plan_deltas.target_gid IS 'GID of the object in target_store; NULL only for creates.';
COMMENT ON COLUMN plan_deltas.desired IS 'The fields to write, as a JSON object keyed by mirror column name, after price rules and field policies.';
COMMENT ON COLUMN plan_deltas.planned_version IS 'The version of the target''s mirror row the delta was planned against (NULL for creates); the applier skips a delta whose target has changed since.';
COMMENT ON COLUMN plan_deltas.reason IS 'Why the delta exists, for people: e.g. "missing in destination", "price differs".';
COMMENT ON COLUMN plan_deltas.status IS 'pending (to apply), applied, failed (error says why) or superseded (a newer delta for the same object replaced it).';
COMMENT ON COLUMN plan_deltas.attempts IS 'How many times the applier tried it.';
COMMENT ON COLUMN plan_deltas.error IS 'Last error (Shopify userErrors or transport), NULL unless failed or retried.';
COMMENT ON COLUMN plan_deltas.created_at IS 'When the delta was planned.';
COMMENT ON COLUMN plan_deltas.updated_at IS 'When its status last changed.';
COMMENT ON COLUMN plan_deltas.applied_at IS 'When the applier''s write succeeded.';

-- +goose Down
DROP TABLE plan_deltas;
DROP TABLE id_map;
DROP TABLE link_locations;
DROP TABLE links;
