-- Inventory sync state (one-way and two-way, applier/inventory*.go):
--
--   inventory_sync    per link, item and mapped location: the baseline a
--                     destination's sales are measured from (the quantity
--                     shopsync last wrote there or last counted there), and
--                     when the pair was last in step
--   inventory_reads   per store, item and location: the mirror version the
--                     applier last confirmed by reading the level from
--                     Shopify (webhooks only say that a level changed; two
--                     webhooks within one second cannot be ordered, a read
--                     can)
--   inventory_ledger  every destination change counted into the source
--                     (two-way): the adjust_inventory delta it became
--
-- and the view inventory_sync_status (last sync time and lag per item and
-- location), the view inventory_echoes (webhooks recognised as the echo of
-- a write the applier made) and shopsync_inventory_settled, the planner's
-- guard against setting a level whose counts are not settled yet.

-- +goose Up
CREATE TABLE inventory_sync (
    link_id                  bigint      NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    source_item_gid          text        NOT NULL,
    source_location_gid      text        NOT NULL,
    destination_store        text        NOT NULL,
    destination_item_gid     text        NOT NULL,
    destination_location_gid text        NOT NULL,
    baseline                 integer     NOT NULL,
    revision                 bigint      NOT NULL DEFAULT 1,
    synced_at                timestamptz NOT NULL DEFAULT now(),
    last_lag                 interval,
    PRIMARY KEY (link_id, source_item_gid, source_location_gid),
    CONSTRAINT inventory_sync_destination_key UNIQUE (link_id, destination_item_gid, destination_location_gid)
);
CREATE INDEX inventory_sync_destination ON inventory_sync (destination_store, destination_item_gid, destination_location_gid);

COMMENT ON TABLE inventory_sync IS 'Inventory sync state per link, item and mapped location: the destination quantity shopsync last wrote or counted (the baseline two-way sales are measured from) and when the pair was last in step. Written by the applier: when a set is applied, when a destination level is read, and when a pair is first seen in step.';
COMMENT ON COLUMN inventory_sync.link_id IS 'The link (links.id).';
COMMENT ON COLUMN inventory_sync.source_item_gid IS 'The source''s inventory item (inventory_items.gid).';
COMMENT ON COLUMN inventory_sync.source_location_gid IS 'The source location (link_locations.source_location_gid).';
COMMENT ON COLUMN inventory_sync.destination_store IS 'The link''s destination store.';
COMMENT ON COLUMN inventory_sync.destination_item_gid IS 'The destination''s twin of the item (the inventory item of the variant id_map pairs with the source''s).';
COMMENT ON COLUMN inventory_sync.destination_location_gid IS 'The mapped destination location (link_locations.destination_location_gid).';
COMMENT ON COLUMN inventory_sync.baseline IS 'The destination''s available quantity as shopsync last wrote it or last counted it. A two-way destination whose level reads q sold baseline - q since: that delta goes to the source (inventory_ledger) and the baseline becomes q, in one transaction, so nothing is counted twice.';
COMMENT ON COLUMN inventory_sync.revision IS 'Bumped on every change of the row: a count made from a read checks it did not change while the read was under way.';
COMMENT ON COLUMN inventory_sync.synced_at IS 'When shopsync last wrote the destination level, or first found the pair in step.';
COMMENT ON COLUMN inventory_sync.last_lag IS 'For the last write: the time from the source level''s change reaching the mirror to the destination''s write being recorded. NULL before any write.';

CREATE TABLE inventory_reads (
    store              text        NOT NULL,
    inventory_item_gid text        NOT NULL,
    location_gid       text        NOT NULL,
    observed_version   bigint      NOT NULL,
    quantity           integer,
    read_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, inventory_item_gid, location_gid)
);

COMMENT ON TABLE inventory_reads IS 'Levels of synced items whose mirror row the applier has confirmed: a level whose mirror version differs from observed_version changed since (a webhook, perhaps out of order) and is read from Shopify before anything is planned or counted from it.';
COMMENT ON COLUMN inventory_reads.store IS 'The store (stores.domain).';
COMMENT ON COLUMN inventory_reads.inventory_item_gid IS 'The level''s inventory item.';
COMMENT ON COLUMN inventory_reads.location_gid IS 'The level''s location.';
COMMENT ON COLUMN inventory_reads.observed_version IS 'inventory_levels.version when the level was last read from Shopify or written by the applier; -1 asks for a read (a set refused as stale).';
COMMENT ON COLUMN inventory_reads.quantity IS 'The available quantity that read or write found.';
COMMENT ON COLUMN inventory_reads.read_at IS 'When.';

CREATE TABLE inventory_ledger (
    id                       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id                  bigint      NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    destination_store        text        NOT NULL,
    destination_item_gid     text        NOT NULL,
    destination_location_gid text        NOT NULL,
    source_store             text        NOT NULL,
    source_item_gid          text        NOT NULL,
    source_location_gid      text        NOT NULL,
    baseline                 integer     NOT NULL,
    observed                 integer     NOT NULL,
    delta                    integer     NOT NULL,
    delta_id                 bigint      REFERENCES plan_deltas (id),
    recorded_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inventory_ledger_delta_check CHECK (delta = observed - baseline AND delta <> 0)
);
CREATE INDEX inventory_ledger_link ON inventory_ledger (link_id, recorded_at);

COMMENT ON TABLE inventory_ledger IS 'Two-way inventory: every change counted in a destination level (a sale, a return, a manual adjustment there) and carried to the source as an adjust_inventory delta. One row per count; its delta is applied to the source exactly once (the delta''s @idempotent key).';
COMMENT ON COLUMN inventory_ledger.id IS 'Sequence number.';
COMMENT ON COLUMN inventory_ledger.link_id IS 'The link (links.id, inventory_mode two_way).';
COMMENT ON COLUMN inventory_ledger.destination_store IS 'The destination where the change happened.';
COMMENT ON COLUMN inventory_ledger.destination_item_gid IS 'The destination''s inventory item.';
COMMENT ON COLUMN inventory_ledger.destination_location_gid IS 'The destination location.';
COMMENT ON COLUMN inventory_ledger.source_store IS 'The link''s source, which the delta moves.';
COMMENT ON COLUMN inventory_ledger.source_item_gid IS 'The source''s inventory item.';
COMMENT ON COLUMN inventory_ledger.source_location_gid IS 'The source location mapped to the destination''s.';
COMMENT ON COLUMN inventory_ledger.baseline IS 'The baseline before the count (inventory_sync.baseline).';
COMMENT ON COLUMN inventory_ledger.observed IS 'The destination''s available quantity as read from Shopify.';
COMMENT ON COLUMN inventory_ledger.delta IS 'observed - baseline: negative for sales.';
COMMENT ON COLUMN inventory_ledger.delta_id IS 'The adjust_inventory delta carrying it to the source (plan_deltas.id).';
COMMENT ON COLUMN inventory_ledger.recorded_at IS 'When the change was counted.';

-- Whether a set of the destination level to the source's may be planned
-- now. Not while the source level or (two-way) the destination level changed
-- in the mirror since the applier last confirmed it by a read, nor (two-way)
-- while counted destination changes wait to reach the source, or the
-- destination holds a quantity other than its baseline: those changes go to
-- the source first, and the source's new quantity then comes back here.
-- +goose StatementBegin
CREATE FUNCTION shopsync_inventory_settled(link_id bigint, mode text, source_store text, source_item text,
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
ALTER FUNCTION shopsync_inventory_settled(bigint, text, text, text, text, bigint, text, text, text, bigint, integer) COST 1000;
COMMENT ON FUNCTION shopsync_inventory_settled(bigint, text, text, text, text, bigint, text, text, text, bigint, integer) IS 'Planner guard for set_inventory: false while the source level (or, two-way, the destination level) changed since the applier last read it, or, two-way, while destination changes wait to reach the source. A level not settled is planned again once it is.';

-- Pending adjustments are looked up by the source level they move.
CREATE INDEX plan_deltas_pending_adjust ON plan_deltas (target_store, target_gid) WHERE status = 'pending' AND operation = 'adjust_inventory';

CREATE VIEW inventory_sync_status AS
SELECT s.link_id, l.inventory_mode, l.source_store, s.source_item_gid, s.source_location_gid,
       s.destination_store, s.destination_item_gid, s.destination_location_gid,
       sl.available AS source_available, dl.available AS destination_available, s.baseline,
       sl.available IS NOT DISTINCT FROM dl.available AS in_sync,
       (SELECT count(*) FROM plan_deltas a
        WHERE a.target_store = l.source_store AND a.status = 'pending' AND a.operation = 'adjust_inventory'
          AND a.target_gid = s.source_item_gid AND a.desired ->> 'location_gid' = s.source_location_gid) AS pending_adjustments,
       s.synced_at AS last_synced_at,
       extract(epoch FROM s.last_lag)::double precision AS last_lag_seconds,
       CASE WHEN sl.available IS NOT DISTINCT FROM dl.available THEN 0::double precision
            ELSE extract(epoch FROM now() - coalesce(
                least(CASE WHEN sl.synced_at > s.synced_at THEN sl.synced_at END,
                      CASE WHEN dl.synced_at > s.synced_at THEN dl.synced_at END), s.synced_at))::double precision
       END AS lag_seconds
FROM inventory_sync s
JOIN links l ON l.id = s.link_id
LEFT JOIN inventory_levels sl ON sl.store = l.source_store AND sl.inventory_item_gid = s.source_item_gid
 AND sl.location_gid = s.source_location_gid AND sl.deleted_at IS NULL
LEFT JOIN inventory_levels dl ON dl.store = s.destination_store AND dl.inventory_item_gid = s.destination_item_gid
 AND dl.location_gid = s.destination_location_gid AND dl.deleted_at IS NULL;

COMMENT ON VIEW inventory_sync_status IS 'Per link, item and mapped location: both quantities in the mirror, whether they agree, the last sync time, the lag of the last write and how long they have disagreed (0 while in step).';
COMMENT ON COLUMN inventory_sync_status.link_id IS 'The link (links.id).';
COMMENT ON COLUMN inventory_sync_status.inventory_mode IS 'one_way or two_way (links.inventory_mode).';
COMMENT ON COLUMN inventory_sync_status.source_store IS 'The source store.';
COMMENT ON COLUMN inventory_sync_status.source_item_gid IS 'The source''s inventory item.';
COMMENT ON COLUMN inventory_sync_status.source_location_gid IS 'The source location.';
COMMENT ON COLUMN inventory_sync_status.destination_store IS 'The destination store.';
COMMENT ON COLUMN inventory_sync_status.destination_item_gid IS 'The destination''s inventory item.';
COMMENT ON COLUMN inventory_sync_status.destination_location_gid IS 'The mapped destination location.';
COMMENT ON COLUMN inventory_sync_status.source_available IS 'Available at the source location, as mirrored.';
COMMENT ON COLUMN inventory_sync_status.destination_available IS 'Available at the destination location, as mirrored.';
COMMENT ON COLUMN inventory_sync_status.baseline IS 'inventory_sync.baseline.';
COMMENT ON COLUMN inventory_sync_status.in_sync IS 'Whether both mirrored quantities agree.';
COMMENT ON COLUMN inventory_sync_status.pending_adjustments IS 'Two-way: destination changes counted but not yet applied to the source.';
COMMENT ON COLUMN inventory_sync_status.last_synced_at IS 'inventory_sync.synced_at: the last write to the destination level, or when the pair was first found in step.';
COMMENT ON COLUMN inventory_sync_status.last_lag_seconds IS 'inventory_sync.last_lag in seconds: source change in the mirror to destination write recorded, for the last write.';
COMMENT ON COLUMN inventory_sync_status.lag_seconds IS 'How long the two have disagreed, in seconds (since the first mirror change after the last sync); 0 while in step.';

-- A webhook names the level by numeric ids; applier_writes by GIDs.
CREATE VIEW inventory_echoes AS
SELECT DISTINCT ON (w.webhook_id)
       w.webhook_id, w.store, w.payload ->> 'admin_graphql_api_id' AS level_gid,
       (w.payload ->> 'available')::integer AS available, w.triggered_at, w.received_at,
       a.delta_id, a.idempotency_key, a.written_at
FROM webhook_deliveries w
JOIN applier_writes a ON a.store = w.store AND a.resource = 'inventory_level'
 AND a.gid = 'gid://shopify/InventoryItem/' || (w.payload ->> 'inventory_item_id')
 AND a.location_gid = 'gid://shopify/Location/' || (w.payload ->> 'location_id')
 AND a.quantity::text = w.payload ->> 'available'
 AND w.received_at BETWEEN a.written_at - interval '1 minute' AND a.expires_at
WHERE w.topic IN ('inventory_levels/update', 'inventory_levels/connect')
ORDER BY w.webhook_id, abs(extract(epoch FROM w.received_at - a.written_at));

COMMENT ON VIEW inventory_echoes IS 'Inventory webhooks recognised as the echo of a write the applier made: the delivery names a level the applier wrote (applier_writes) and carries the quantity written, within the write''s echo window. Such a delivery changes nothing: the applier already mirrored the write and moved the baseline (inventory_sync) in the same transaction. Only as long as applier_writes keeps its rows.';
COMMENT ON COLUMN inventory_echoes.webhook_id IS 'The delivery (webhook_deliveries.webhook_id).';
COMMENT ON COLUMN inventory_echoes.store IS 'The store it came from.';
COMMENT ON COLUMN inventory_echoes.level_gid IS 'The inventory level it names (admin_graphql_api_id).';
COMMENT ON COLUMN inventory_echoes.available IS 'The available quantity it carries, the one written.';
COMMENT ON COLUMN inventory_echoes.triggered_at IS 'When Shopify triggered it.';
COMMENT ON COLUMN inventory_echoes.received_at IS 'When shopsync received it.';
COMMENT ON COLUMN inventory_echoes.delta_id IS 'The delta whose write it echoes (applier_writes.delta_id).';
COMMENT ON COLUMN inventory_echoes.idempotency_key IS 'That write''s @idempotent key.';
COMMENT ON COLUMN inventory_echoes.written_at IS 'When the write was recorded.';

-- +goose Down
DROP VIEW inventory_echoes;
DROP VIEW inventory_sync_status;
DROP INDEX plan_deltas_pending_adjust;
DROP FUNCTION shopsync_inventory_settled(bigint, text, text, text, text, bigint, text, text, text, bigint, integer);
DROP TABLE inventory_ledger;
DROP TABLE inventory_reads;
DROP TABLE inventory_sync;
