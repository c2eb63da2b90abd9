-- The audit history: one row per write attempt the applier makes to a Shopify
-- store. Append-only; dashboards and investigations read it, nothing updates it.
--
-- The DDL runs on ClickHouse 18.16 (Debian's) and on current releases alike: no
-- DateTime64, Map, TTL or LowCardinality, and the explicit
-- "MergeTree() PARTITION BY ... ORDER BY ..." syntax. Strings are '' and numbers
-- 0 when a value does not apply (no Nullable, which costs a column per column).
-- ClickHouse has no transactions, hence NO TRANSACTION; IF NOT EXISTS makes a
-- re-run after a partial failure safe.

-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE IF NOT EXISTS audit_writes (
    time            DateTime COMMENT 'When the attempt finished (UTC, seconds).',
    run_id          String   COMMENT 'Planner or applier run the write belongs to (plan_deltas.run_id).',
    delta_id        UInt64   COMMENT 'The Postgres plan_deltas.id being applied; 0 if none.',
    source          String   COMMENT 'Store the change comes from (domain).',
    destination     String   COMMENT 'Store written to (domain): a link destination, or the source for orders.',
    resource        String   COMMENT 'Resource name, e.g. product (singular of the mirror table).',
    key             String   COMMENT 'The object key (match-key value or source GID), as in plan_deltas.key.',
    target_gid      String   COMMENT 'GID of the object written, once known.',
    operation       String   COMMENT 'create, update or delete.',
    mutation        String   COMMENT 'GraphQL mutation used, e.g. productSet.',
    before          String   COMMENT 'JSON of the destination object before the write ({} when none).',
    after           String   COMMENT 'JSON of what was written.',
    status          String   COMMENT 'ok, user_error (Shopify refused: userErrors), throttled, failed (transport or server) or skipped.',
    error           String   COMMENT 'Error text, empty when ok.',
    requested_cost  UInt32   COMMENT 'GraphQL requestedQueryCost of the request carrying the write.',
    cost            UInt32   COMMENT 'GraphQL actualQueryCost charged.',
    latency_ms      UInt32   COMMENT 'Round-trip time of the request, milliseconds.',
    attempt         UInt16   COMMENT 'Attempt number for this delta, from 1.',
    idempotency_key String   COMMENT 'Key sent with the write so that a retry cannot apply it twice.'
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(time)
ORDER BY (destination, resource, time);

-- +goose Down
DROP TABLE IF EXISTS audit_writes;
