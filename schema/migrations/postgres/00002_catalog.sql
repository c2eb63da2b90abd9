-- The catalogue half of the mirror: locations, products, variants, inventory
-- items and inventory levels.
--
-- Every mirror table follows one pattern, so that the mirror module can upsert
-- all of them with the same statement shape and data teams can query them alike:
--   store, gid      the key: a store's domain and the Shopify GID of the object
--   ...             the object's fields that shopsync joins or filters on
--   raw             the object as Shopify sent it (GraphQL shape), for everything else
--   content_hash    digest of the normalised content; an equal hash means no change
--   version         bumped by the mirror on every content change (optimistic checks)
--   updated_at      Shopify's updatedAt, never our clock: a snapshot must not
--                   overwrite a row that a newer webhook already wrote
--   synced_at       when shopsync last changed the row
--   deleted_at      tombstone: the object was deleted in Shopify (rows are kept so
--                   that deletes can be planned and published)

-- +goose Up
CREATE TABLE locations (
    store                  text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid                    text        NOT NULL CHECK (gid LIKE 'gid://shopify/Location/%'),
    name                   text        NOT NULL,
    is_active              boolean     NOT NULL DEFAULT true,
    fulfills_online_orders boolean     NOT NULL DEFAULT true,
    raw                    jsonb       NOT NULL DEFAULT '{}',
    content_hash           bytea       NOT NULL,
    version                bigint      NOT NULL DEFAULT 1,
    updated_at             timestamptz,
    synced_at              timestamptz NOT NULL DEFAULT now(),
    deleted_at             timestamptz,
    PRIMARY KEY (store, gid)
);
CREATE INDEX locations_name_live ON locations (store, name) WHERE deleted_at IS NULL;

COMMENT ON TABLE locations IS 'Mirror: the locations of each store, where inventory is held. Links map source locations to destination locations (link_locations).';
COMMENT ON COLUMN locations.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN locations.gid IS 'Shopify GID, gid://shopify/Location/<id>.';
COMMENT ON COLUMN locations.name IS 'Location name as shown in the admin.';
COMMENT ON COLUMN locations.is_active IS 'Whether the location is active (deactivated locations keep no stock).';
COMMENT ON COLUMN locations.fulfills_online_orders IS 'Whether the location fulfils online orders.';
COMMENT ON COLUMN locations.raw IS 'The Location object as read from Shopify (GraphQL field names).';
COMMENT ON COLUMN locations.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN locations.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN locations.updated_at IS 'Shopify''s updatedAt of the location.';
COMMENT ON COLUMN locations.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN locations.deleted_at IS 'Tombstone: when shopsync learned the location was deleted; NULL while it exists.';

CREATE TABLE products (
    store            text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid              text        NOT NULL CHECK (gid LIKE 'gid://shopify/Product/%'),
    handle           text        NOT NULL,
    title            text        NOT NULL,
    description_html text        NOT NULL DEFAULT '',
    vendor           text        NOT NULL DEFAULT '',
    product_type     text        NOT NULL DEFAULT '',
    status           text        NOT NULL,
    tags             text[]      NOT NULL DEFAULT '{}',
    options          jsonb       NOT NULL DEFAULT '[]',
    template_suffix  text,
    published_at     timestamptz,
    created_at       timestamptz,
    raw              jsonb       NOT NULL DEFAULT '{}',
    content_hash     bytea       NOT NULL,
    version          bigint      NOT NULL DEFAULT 1,
    updated_at       timestamptz,
    synced_at        timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    PRIMARY KEY (store, gid)
);
-- Not unique: while webhooks arrive out of order, two live rows can briefly
-- share a handle (one product renamed, another given its old handle).
CREATE INDEX products_handle_live ON products (store, handle) WHERE deleted_at IS NULL;

COMMENT ON TABLE products IS 'Mirror: products of every store. Matched across stores by handle, or through their variants by SKU or barcode.';
COMMENT ON COLUMN products.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN products.gid IS 'Shopify GID, gid://shopify/Product/<id>.';
COMMENT ON COLUMN products.handle IS 'URL handle, unique per store in Shopify; a match key.';
COMMENT ON COLUMN products.title IS 'Product title.';
COMMENT ON COLUMN products.description_html IS 'descriptionHtml.';
COMMENT ON COLUMN products.vendor IS 'Vendor.';
COMMENT ON COLUMN products.product_type IS 'productType.';
COMMENT ON COLUMN products.status IS 'Shopify ProductStatus in GraphQL spelling: ACTIVE, ARCHIVED, DRAFT or UNLISTED (webhooks'' lower case is normalised). Not constrained: Shopify adds values.';
COMMENT ON COLUMN products.tags IS 'Tags, in Shopify''s order.';
COMMENT ON COLUMN products.options IS 'Product options as a JSON array of {"name", "position", "values": [...]}.';
COMMENT ON COLUMN products.template_suffix IS 'Theme template suffix, NULL for the default template.';
COMMENT ON COLUMN products.published_at IS 'publishedAt (online store), NULL when unpublished.';
COMMENT ON COLUMN products.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN products.raw IS 'The Product object as read from Shopify (GraphQL field names), without its variants.';
COMMENT ON COLUMN products.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN products.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN products.updated_at IS 'Shopify''s updatedAt: a snapshot never overwrites a row with a newer one.';
COMMENT ON COLUMN products.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN products.deleted_at IS 'Tombstone: when shopsync learned the product was deleted; NULL while it exists.';

CREATE TABLE variants (
    store              text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid                text        NOT NULL CHECK (gid LIKE 'gid://shopify/ProductVariant/%'),
    product_gid        text        NOT NULL,
    title              text        NOT NULL DEFAULT '',
    sku                text,
    barcode            text,
    price              numeric     NOT NULL CHECK (price >= 0),
    compare_at_price   numeric     CHECK (compare_at_price >= 0),
    position           integer     NOT NULL DEFAULT 1,
    options            jsonb       NOT NULL DEFAULT '[]',
    inventory_item_gid text,
    inventory_policy   text,
    taxable            boolean     NOT NULL DEFAULT true,
    created_at         timestamptz,
    raw                jsonb       NOT NULL DEFAULT '{}',
    content_hash       bytea       NOT NULL,
    version            bigint      NOT NULL DEFAULT 1,
    updated_at         timestamptz,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    PRIMARY KEY (store, gid)
);
-- The SKU and barcode match keys. SKUs and barcodes are not unique in Shopify
-- (InventoryItem.duplicateSkuCount), so neither index is unique; empty values
-- never match anything and are left out.
CREATE INDEX variants_sku_live ON variants (store, sku) WHERE deleted_at IS NULL AND sku IS NOT NULL AND sku <> '';
CREATE INDEX variants_barcode_live ON variants (store, barcode) WHERE deleted_at IS NULL AND barcode IS NOT NULL AND barcode <> '';
CREATE INDEX variants_product ON variants (store, product_gid);
CREATE INDEX variants_inventory_item ON variants (store, inventory_item_gid) WHERE inventory_item_gid IS NOT NULL;

COMMENT ON TABLE variants IS 'Mirror: product variants of every store. Matched across stores by SKU or barcode (case-sensitive, not unique).';
COMMENT ON COLUMN variants.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN variants.gid IS 'Shopify GID, gid://shopify/ProductVariant/<id>.';
COMMENT ON COLUMN variants.product_gid IS 'The product this variant belongs to (products.gid in the same store).';
COMMENT ON COLUMN variants.title IS 'Variant title, e.g. "Small / Red".';
COMMENT ON COLUMN variants.sku IS 'SKU, case-sensitive, may be NULL or shared by several variants; a match key.';
COMMENT ON COLUMN variants.barcode IS 'Barcode (ISBN, UPC, GTIN...), may be NULL or shared; a match key.';
COMMENT ON COLUMN variants.price IS 'Price in the store''s currency. numeric keeps Shopify''s decimal string exactly (no float rounding; some currencies have 3 decimals).';
COMMENT ON COLUMN variants.compare_at_price IS 'Compare-at ("was") price, NULL when none.';
COMMENT ON COLUMN variants.position IS 'Position of the variant in its product, from 1.';
COMMENT ON COLUMN variants.options IS 'selectedOptions as a JSON array of {"name", "value"}, in option order.';
COMMENT ON COLUMN variants.inventory_item_gid IS 'The variant''s inventory item (inventory_items.gid, 1:1).';
COMMENT ON COLUMN variants.inventory_policy IS 'DENY or CONTINUE selling when out of stock.';
COMMENT ON COLUMN variants.taxable IS 'Whether tax is charged.';
COMMENT ON COLUMN variants.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN variants.raw IS 'The ProductVariant object as read from Shopify (GraphQL field names).';
COMMENT ON COLUMN variants.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN variants.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN variants.updated_at IS 'Shopify''s updatedAt.';
COMMENT ON COLUMN variants.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN variants.deleted_at IS 'Tombstone: when shopsync learned the variant was deleted (or dropped from its product); NULL while it exists.';

CREATE TABLE inventory_items (
    store             text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid               text        NOT NULL CHECK (gid LIKE 'gid://shopify/InventoryItem/%'),
    sku               text,
    tracked           boolean     NOT NULL DEFAULT true,
    requires_shipping boolean     NOT NULL DEFAULT true,
    unit_cost         numeric     CHECK (unit_cost >= 0),
    created_at        timestamptz,
    raw               jsonb       NOT NULL DEFAULT '{}',
    content_hash      bytea       NOT NULL,
    version           bigint      NOT NULL DEFAULT 1,
    updated_at        timestamptz,
    synced_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at        timestamptz,
    PRIMARY KEY (store, gid)
);
CREATE INDEX inventory_items_sku_live ON inventory_items (store, sku) WHERE deleted_at IS NULL AND sku IS NOT NULL AND sku <> '';

COMMENT ON TABLE inventory_items IS 'Mirror: inventory items, one per variant (variants.inventory_item_gid); what inventory levels count.';
COMMENT ON COLUMN inventory_items.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN inventory_items.gid IS 'Shopify GID, gid://shopify/InventoryItem/<id>.';
COMMENT ON COLUMN inventory_items.sku IS 'SKU as Shopify keeps it on the item (mirrors the variant''s).';
COMMENT ON COLUMN inventory_items.tracked IS 'Whether Shopify tracks quantities for this item.';
COMMENT ON COLUMN inventory_items.requires_shipping IS 'Whether the item is physical and ships.';
COMMENT ON COLUMN inventory_items.unit_cost IS 'Unit cost in the store''s currency, NULL when unset.';
COMMENT ON COLUMN inventory_items.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN inventory_items.raw IS 'The InventoryItem object as read from Shopify (GraphQL field names).';
COMMENT ON COLUMN inventory_items.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN inventory_items.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN inventory_items.updated_at IS 'Shopify''s updatedAt.';
COMMENT ON COLUMN inventory_items.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN inventory_items.deleted_at IS 'Tombstone: when shopsync learned the item was deleted; NULL while it exists.';

CREATE TABLE inventory_levels (
    store              text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid                text        NOT NULL CHECK (gid LIKE 'gid://shopify/InventoryLevel/%'),
    inventory_item_gid text        NOT NULL,
    location_gid       text        NOT NULL,
    available          integer,
    on_hand            integer,
    raw                jsonb       NOT NULL DEFAULT '{}',
    content_hash       bytea       NOT NULL,
    version            bigint      NOT NULL DEFAULT 1,
    updated_at         timestamptz,
    synced_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    PRIMARY KEY (store, gid)
);
-- One live level per item and location. Partial, because a level disconnected
-- and connected again may come back under another GID while the tombstone stays.
CREATE UNIQUE INDEX inventory_levels_item_location_live ON inventory_levels (store, inventory_item_gid, location_gid) WHERE deleted_at IS NULL;
CREATE INDEX inventory_levels_location ON inventory_levels (store, location_gid);

COMMENT ON TABLE inventory_levels IS 'Mirror: stock of one inventory item at one location (an item is "stocked" at a location when a live level exists).';
COMMENT ON COLUMN inventory_levels.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN inventory_levels.gid IS 'Shopify GID, gid://shopify/InventoryLevel/<n>?inventory_item_id=<item>; opaque (<n> is not always the location id).';
COMMENT ON COLUMN inventory_levels.inventory_item_gid IS 'The item counted (inventory_items.gid).';
COMMENT ON COLUMN inventory_levels.location_gid IS 'Where (locations.gid).';
COMMENT ON COLUMN inventory_levels.available IS 'Quantity "available" (sellable); NULL when not yet known.';
COMMENT ON COLUMN inventory_levels.on_hand IS 'Quantity "on_hand" (physically present, including committed and unavailable); NULL when not yet known: webhooks carry only available.';
COMMENT ON COLUMN inventory_levels.raw IS 'The InventoryLevel object as read from Shopify.';
COMMENT ON COLUMN inventory_levels.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN inventory_levels.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN inventory_levels.updated_at IS 'Shopify''s updatedAt of the level.';
COMMENT ON COLUMN inventory_levels.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN inventory_levels.deleted_at IS 'Tombstone: when the item was disconnected from the location (or deleted); NULL while stocked.';

-- +goose Down
DROP TABLE inventory_levels;
DROP TABLE inventory_items;
DROP TABLE variants;
DROP TABLE products;
DROP TABLE locations;
