-- One audit row per write attempt, even when a batch reaches ClickHouse twice.
--
-- The applier's audit writer buffers rows in PostgreSQL (audit_outbox) and
-- removes them only after ClickHouse acknowledged their batch, so a batch whose
-- acknowledgement was lost is sent again. Every row now carries the attempt's
-- UUID, attempt_id: the writer skips rows whose attempt_id ClickHouse already
-- has, and ReplacingMergeTree, with attempt_id last in the sorting key, folds
-- any copy that still slips in (a resend racing the first insert) into one row
-- when parts merge. Queries that must count exactly read `FINAL`.
--
-- ClickHouse cannot change a table's engine or (on 18.16) add a column with IF
-- NOT EXISTS, so the table is rebuilt: create the new one, copy, swap, drop.
-- Copied rows get an attempt_id derived from their content (an MD5 of every
-- column), so a copy repeated after a partial failure folds into the first.
-- If the final DROP fails, drop audit_writes_mergetree by hand.

-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE IF NOT EXISTS audit_writes_replacing (
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
    idempotency_key String   COMMENT 'Key sent with the write so that a retry cannot apply it twice.',
    attempt_id      UUID     COMMENT 'Unique id of the attempt (the audit row): rows with the same attempt_id are copies of one row, folded into one by merges; read FINAL to count exactly.'
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(time)
ORDER BY (destination, resource, time, attempt_id);

INSERT INTO audit_writes_replacing
SELECT
    time, run_id, delta_id, source, destination, resource, key, target_gid, operation, mutation,
    before, after, status, error, requested_cost, cost, latency_ms, attempt, idempotency_key,
    toUUID(concat(substring(h, 1, 8), '-', substring(h, 9, 4), '-', substring(h, 13, 4), '-',
                  substring(h, 17, 4), '-', substring(h, 21, 12)))
FROM (
    SELECT *, hex(MD5(concat(
        toString(time), '\0', run_id, '\0', toString(delta_id), '\0', source, '\0', destination, '\0',
        resource, '\0', key, '\0', target_gid, '\0', operation, '\0', mutation, '\0', before, '\0',
        after, '\0', status, '\0', error, '\0', toString(requested_cost), '\0', toString(cost), '\0',
        toString(latency_ms), '\0', toString(attempt), '\0', idempotency_key))) AS h
    FROM audit_writes
);

RENAME TABLE audit_writes TO audit_writes_mergetree, audit_writes_replacing TO audit_writes;

DROP TABLE audit_writes_mergetree;

-- +goose Down
CREATE TABLE IF NOT EXISTS audit_writes_mergetree (
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

INSERT INTO audit_writes_mergetree
SELECT
    time, run_id, delta_id, source, destination, resource, key, target_gid, operation, mutation,
    before, after, status, error, requested_cost, cost, latency_ms, attempt, idempotency_key
FROM audit_writes FINAL;

RENAME TABLE audit_writes TO audit_writes_replacing, audit_writes_mergetree TO audit_writes;

DROP TABLE audit_writes_replacing;
