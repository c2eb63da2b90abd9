-- A set refused as stale asks for a read of the destination's level
-- (inventory_reads.observed_version = -1). Two-way links waited for that read
-- before planning the level again; one-way links did not, so a set planned
-- from the same stale mirror could go out again before the read landed, and
-- be refused again. Now no link plans a set for a destination level whose
-- read is pending.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION shopsync_inventory_settled(link_id bigint, mode text, source_store text, source_item text,
        source_location text, source_version bigint, destination_store text, destination_item text,
        destination_location text, destination_version bigint, destination_available integer) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN NOT EXISTS (
            SELECT 1 FROM inventory_reads r
            WHERE r.store = source_store AND r.inventory_item_gid = source_item AND r.location_gid = source_location
              AND r.observed_version <> source_version)
        AND NOT EXISTS (
            SELECT 1 FROM inventory_reads r
            WHERE r.store = destination_store AND r.inventory_item_gid = destination_item
              AND r.location_gid = destination_location AND r.observed_version = -1)
        AND (mode <> 'two_way' OR (
            NOT EXISTS (
                SELECT 1 FROM inventory_reads r
                WHERE r.store = destination_store AND r.inventory_item_gid = destination_item
                  AND r.location_gid = destination_location AND r.observed_version IS DISTINCT FROM destination_version)
            AND NOT EXISTS (
                SELECT 1 FROM inventory_sync s
                WHERE s.link_id = shopsync_inventory_settled.link_id AND s.source_item_gid = source_item
                  AND s.source_location_gid = source_location AND s.baseline IS DISTINCT FROM destination_available)
            AND NOT EXISTS (
                SELECT 1 FROM plan_deltas a
                WHERE a.target_store = source_store AND a.status = 'pending' AND a.operation = 'adjust_inventory'
                  AND a.target_gid = source_item AND a.desired ->> 'location_gid' = source_location)));
-- +goose StatementEnd
COMMENT ON FUNCTION shopsync_inventory_settled(bigint, text, text, text, text, bigint, text, text, text, bigint, integer) IS 'Planner guard for set_inventory: false while the source level changed since the applier last read it, while a read of the destination level is pending (a set refused as stale), or, two-way, while the destination level changed since its last read or destination changes wait to reach the source. A level not settled is planned again once it is.';

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION shopsync_inventory_settled(link_id bigint, mode text, source_store text, source_item text,
        source_location text, source_version bigint, destination_store text, destination_item text,
        destination_location text, destination_version bigint, destination_available integer) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN NOT EXISTS (
            SELECT 1 FROM inventory_reads r
            WHERE r.store = source_store AND r.inventory_item_gid = source_item AND r.location_gid = source_location
              AND r.observed_version <> source_version)
        AND (mode <> 'two_way' OR (
            NOT EXISTS (
                SELECT 1 FROM inventory_reads r
                WHERE r.store = destination_store AND r.inventory_item_gid = destination_item
                  AND r.location_gid = destination_location AND r.observed_version IS DISTINCT FROM destination_version)
            AND NOT EXISTS (
                SELECT 1 FROM inventory_sync s
                WHERE s.link_id = shopsync_inventory_settled.link_id AND s.source_item_gid = source_item
                  AND s.source_location_gid = source_location AND s.baseline IS DISTINCT FROM destination_available)
            AND NOT EXISTS (
                SELECT 1 FROM plan_deltas a
                WHERE a.target_store = source_store AND a.status = 'pending' AND a.operation = 'adjust_inventory'
                  AND a.target_gid = source_item AND a.desired ->> 'location_gid' = source_location)));
-- +goose StatementEnd
COMMENT ON FUNCTION shopsync_inventory_settled(bigint, text, text, text, text, bigint, text, text, text, bigint, integer) IS 'Planner guard for set_inventory: false while the source level (or, two-way, the destination level) changed since the applier last read it, or, two-way, while destination changes wait to reach the source. A level not settled is planned again once it is.';
