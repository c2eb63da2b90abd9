-- The full rule of a link, as the configuration file states it (schema/config):
-- the price rule (currency factor, markup, amount, rounding to an ending,
-- compare-at handling) with the SQL function that applies it inside Postgres,
-- the delete policies none/unpublish/archive/delete, the inventory modes
-- none/one_way/two_way, the configured location map and which content is
-- synced; and the operations the planner and applier need in plan_deltas.
--
-- The price rule is written twice, here and in Go (schema/config
-- PriceRule.Apply); a test compares the two over many values.

-- +goose Up
ALTER TABLE links
    ADD COLUMN currency_factor  numeric NOT NULL DEFAULT 1,
    ADD COLUMN round_to         numeric,
    ADD COLUMN compare_at_mode  text    NOT NULL DEFAULT 'scale',
    ADD COLUMN location_map     jsonb   NOT NULL DEFAULT '{}',
    ADD COLUMN sync_collections boolean NOT NULL DEFAULT true,
    ADD COLUMN sync_pages       boolean NOT NULL DEFAULT true,
    ADD COLUMN sync_blogs       boolean NOT NULL DEFAULT true,
    ADD CONSTRAINT links_currency_factor_check CHECK (currency_factor > 0),
    ADD CONSTRAINT links_round_to_check CHECK (round_to >= 0 AND scale(round_to) <= 2),
    ADD CONSTRAINT links_compare_at_mode_check CHECK (compare_at_mode IN ('keep', 'scale', 'clear')),
    ADD CONSTRAINT links_location_map_check CHECK (
        jsonb_typeof(location_map) = 'object'
        AND NOT jsonb_path_exists(location_map, '$.* ? (@.type() != "string")')
    );

-- Delete policies: 'ignore' is now called 'none', and 'unpublish' is new.
ALTER TABLE links DROP CONSTRAINT links_delete_policy_check;
UPDATE links SET delete_policy = 'none' WHERE delete_policy = 'ignore';
ALTER TABLE links ADD CONSTRAINT links_delete_policy_check CHECK (delete_policy IN ('none', 'unpublish', 'archive', 'delete'));

-- Inventory modes: 'off' is now called 'none', which is also the default (a
-- link syncs stock only once it has a location map).
ALTER TABLE links DROP CONSTRAINT links_inventory_mode_check;
UPDATE links SET inventory_mode = 'none' WHERE inventory_mode = 'off';
ALTER TABLE links ALTER COLUMN inventory_mode SET DEFAULT 'none';
ALTER TABLE links ADD CONSTRAINT links_inventory_mode_check CHECK (inventory_mode IN ('none', 'one_way', 'two_way'));

-- Field policies are keyed by the configuration's field names, one list for
-- the planner and the file.
UPDATE links SET field_policies = field_policies - 'description_html' || jsonb_build_object('description', field_policies -> 'description_html')
    WHERE field_policies ? 'description_html';
ALTER TABLE links ADD CONSTRAINT links_field_policies_keys_check CHECK (
    NOT jsonb_path_exists(field_policies,
        '$.keyvalue() ? (!(@.key like_regex "^(title|description|vendor|product_type|tags|images|options|status|seo|metafields)$"))')
);

COMMENT ON COLUMN links.price_multiplier IS '1 + markup_percent / 100 of the configuration (1.10 is a 10 % markup, 0.80 a 20 % discount). Step 1 of the price rule: see shopsync_price.';
COMMENT ON COLUMN links.price_offset IS 'The configuration''s add_amount: added after the currency factor and the markup, in the destination''s currency (may be negative).';
COMMENT ON COLUMN links.currency_factor IS 'Converts a source price into the destination''s currency (e.g. 0.92 for USD to EUR); applied first. 1 for the same currency.';
COMMENT ON COLUMN links.round_to IS 'The ending prices are rounded up to, e.g. 0.99 (12.99), 0 (whole amounts) or 9.99 (19.99, 29.99); NULL rounds to the cent only. See shopsync_price.';
COMMENT ON COLUMN links.compare_at_mode IS 'What happens to compare-at prices: keep (copied unchanged), scale (the same rule as prices) or clear (none in the destination).';
COMMENT ON COLUMN links.location_map IS 'The location map as configured, {"<source location>": "<destination location>"}, each a location GID or name. link_locations holds the pairs resolved to GIDs; a name is resolved once that store''s locations are mirrored.';
COMMENT ON COLUMN links.sync_collections IS 'Whether collections (and which products they hold) are synced.';
COMMENT ON COLUMN links.sync_pages IS 'Whether online store pages are synced.';
COMMENT ON COLUMN links.sync_blogs IS 'Whether blogs and their articles are synced.';
COMMENT ON COLUMN links.field_policies IS 'Per-field write policy, {"<field>": "sync" | "create_only" | "ignore"}, over the fields title, description, vendor, product_type, tags, images, options, status, seo, metafields; fields not listed are "sync". create_only writes the field when the product is created and never after.';
COMMENT ON COLUMN links.delete_policy IS 'What a deletion in the source does in the destination: none, unpublish (from every sales channel), archive (status ARCHIVED) or delete.';
COMMENT ON COLUMN links.inventory_mode IS 'none, one_way (source levels overwrite the destination''s) or two_way (sales in the destination also move the source), over the locations of link_locations.';

-- The price rule. Exact decimal arithmetic, in this order:
--   1. y = price * currency_factor * price_multiplier + price_offset
--   2. c = round(y, 2)             (halves away from zero)
--   3. c < 0 (or a negative price) gives NULL: no price; 0 stays 0.00
--   4. with round_to = e: the smallest amount >= c ending in e, modulo the
--      step s (1 for e < 1, else the power of ten above e's integer part):
--      e + s * ceil((c - e) / s)
-- Each function is one expression, so the planner inlines them into its queries.
-- +goose StatementBegin
CREATE FUNCTION shopsync_price_step(ending numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ending < 1 THEN 1 ELSE 10::numeric ^ length(trunc(ending)::text) END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION shopsync_price_ending(amount numeric, ending numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN amount < 0 THEN NULL
        WHEN ending IS NULL OR amount = 0 THEN round(amount, 2)
        ELSE round(ending + shopsync_price_step(ending) * ceil((amount - ending) / shopsync_price_step(ending)), 2)
    END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION shopsync_price(price numeric, currency_factor numeric, price_multiplier numeric, price_offset numeric, round_to numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN shopsync_price_ending(
        CASE WHEN price >= 0 THEN round(price * currency_factor * price_multiplier + price_offset, 2) END,
        round_to);
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION shopsync_compare_at_price(compare_at numeric, compare_at_mode text, currency_factor numeric, price_multiplier numeric, price_offset numeric, round_to numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE compare_at_mode
        WHEN 'keep' THEN compare_at
        WHEN 'scale' THEN shopsync_price(compare_at, currency_factor, price_multiplier, price_offset, round_to)
    END;
-- +goose StatementEnd

-- The same, taking the link's row: shopsync_price(v.price, l).
-- +goose StatementBegin
CREATE FUNCTION shopsync_price(price numeric, link links) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN shopsync_price(price, link.currency_factor, link.price_multiplier, link.price_offset, link.round_to);
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION shopsync_compare_at_price(compare_at numeric, link links) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN shopsync_compare_at_price(compare_at, link.compare_at_mode, link.currency_factor, link.price_multiplier, link.price_offset, link.round_to);
-- +goose StatementEnd

COMMENT ON FUNCTION shopsync_price_step(numeric) IS 'The step of a round_to ending: 1 below 1, else the power of ten above its integer part (9.99 gives 10).';
COMMENT ON FUNCTION shopsync_price_ending(numeric, numeric) IS 'The smallest amount >= the given one that ends in the ending (NULL: the amount to the cent); 0 stays 0, negative gives NULL.';
COMMENT ON FUNCTION shopsync_price(numeric, numeric, numeric, numeric, numeric) IS 'A link''s price rule: round(price * currency_factor * price_multiplier + price_offset, 2), then rounded up to the round_to ending; NULL when negative. Same as schema/config PriceRule.Apply.';
COMMENT ON FUNCTION shopsync_compare_at_price(numeric, text, numeric, numeric, numeric, numeric) IS 'A link''s compare-at price: keep returns it unchanged, scale applies shopsync_price, clear gives NULL.';
COMMENT ON FUNCTION shopsync_price(numeric, links) IS 'shopsync_price with the rule of the given links row.';
COMMENT ON FUNCTION shopsync_compare_at_price(numeric, links) IS 'shopsync_compare_at_price with the rule of the given links row.';

-- Operations: besides create, update and delete, what the delete policies,
-- inventory sync and order sync write.
ALTER TABLE plan_deltas DROP CONSTRAINT plan_deltas_operation_check;
ALTER TABLE plan_deltas ADD CONSTRAINT plan_deltas_operation_check CHECK (operation IN (
    'create', 'update', 'delete', 'archive', 'unpublish',
    'set_inventory', 'adjust_inventory', 'create_order', 'cancel_order'));
ALTER TABLE plan_deltas DROP CONSTRAINT plan_deltas_target_check;
ALTER TABLE plan_deltas ADD CONSTRAINT plan_deltas_target_check CHECK (operation IN ('create', 'create_order') OR target_gid IS NOT NULL);
COMMENT ON COLUMN plan_deltas.operation IS 'create, update, delete; archive or unpublish (delete policies); set_inventory (one-way: set the level to the source''s) or adjust_inventory (two-way: move it by a delta); create_order or cancel_order (orders flow to the source).';
COMMENT ON COLUMN plan_deltas.target_gid IS 'GID of the object in target_store; NULL only for create and create_order.';

-- +goose Down
-- Operations the old CHECK lacks become their nearest old one: a lossy but
-- working way back.
ALTER TABLE plan_deltas DROP CONSTRAINT plan_deltas_operation_check;
ALTER TABLE plan_deltas DROP CONSTRAINT plan_deltas_target_check;
UPDATE plan_deltas SET operation = 'create' WHERE operation = 'create_order';
UPDATE plan_deltas SET operation = 'update' WHERE operation IN ('archive', 'unpublish', 'set_inventory', 'adjust_inventory', 'cancel_order');
ALTER TABLE plan_deltas ADD CONSTRAINT plan_deltas_operation_check CHECK (operation IN ('create', 'update', 'delete'));
ALTER TABLE plan_deltas ADD CONSTRAINT plan_deltas_target_check CHECK (operation = 'create' OR target_gid IS NOT NULL);
COMMENT ON COLUMN plan_deltas.operation IS 'create, update or delete.';
COMMENT ON COLUMN plan_deltas.target_gid IS 'GID of the object in target_store; NULL only for creates.';

DROP FUNCTION shopsync_compare_at_price(numeric, links);
DROP FUNCTION shopsync_price(numeric, links);
DROP FUNCTION shopsync_compare_at_price(numeric, text, numeric, numeric, numeric, numeric);
DROP FUNCTION shopsync_price(numeric, numeric, numeric, numeric, numeric);
DROP FUNCTION shopsync_price_ending(numeric, numeric);
DROP FUNCTION shopsync_price_step(numeric);

ALTER TABLE links DROP CONSTRAINT links_field_policies_keys_check;
UPDATE links SET field_policies = field_policies - 'description' || jsonb_build_object('description_html', field_policies -> 'description')
    WHERE field_policies ? 'description';

ALTER TABLE links DROP CONSTRAINT links_inventory_mode_check;
UPDATE links SET inventory_mode = 'off' WHERE inventory_mode = 'none';
ALTER TABLE links ALTER COLUMN inventory_mode SET DEFAULT 'one_way';
ALTER TABLE links ADD CONSTRAINT links_inventory_mode_check CHECK (inventory_mode IN ('off', 'one_way', 'two_way'));

-- unpublish had no equivalent; archive hides the product too.
ALTER TABLE links DROP CONSTRAINT links_delete_policy_check;
UPDATE links SET delete_policy = 'ignore' WHERE delete_policy = 'none';
UPDATE links SET delete_policy = 'archive' WHERE delete_policy = 'unpublish';
ALTER TABLE links ADD CONSTRAINT links_delete_policy_check CHECK (delete_policy IN ('delete', 'archive', 'ignore'));

ALTER TABLE links
    DROP COLUMN currency_factor,
    DROP COLUMN round_to,
    DROP COLUMN compare_at_mode,
    DROP COLUMN location_map,
    DROP COLUMN sync_collections,
    DROP COLUMN sync_pages,
    DROP COLUMN sync_blogs;

COMMENT ON COLUMN links.price_multiplier IS 'Destination price = round(source price * price_multiplier + price_offset, 2); 1.10 is a 10 % markup. Also applied to compare-at prices.';
COMMENT ON COLUMN links.price_offset IS 'Amount added after the multiplier, in the destination''s currency (may be negative).';
COMMENT ON COLUMN links.field_policies IS 'Per-field write policy, {"<field>": "sync" | "create_only" | "ignore"}; fields not listed are "sync". Field names are the mirror column names (e.g. "title", "description_html", "tags").';
COMMENT ON COLUMN links.delete_policy IS 'What a deletion in the source does in the destination: delete, archive (status ARCHIVED) or ignore.';
COMMENT ON COLUMN links.inventory_mode IS 'off, one_way (source levels overwrite the destination) or two_way (sales in either store move both).';
