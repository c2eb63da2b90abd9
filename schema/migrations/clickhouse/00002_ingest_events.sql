-- The ingest event log: what ingest did, when and how fast (snapshots started and
-- finished, webhooks received, changes applied to the mirror, reconcile passes).
-- Same portability rules as 00001_audit_writes.sql.

-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE IF NOT EXISTS ingest_events (
    time       DateTime COMMENT 'When the event happened (UTC, seconds).',
    store      String   COMMENT 'Store domain.',
    family     String   COMMENT 'Resource family: products, inventory, collections, content or orders; empty if none.',
    source     String   COMMENT 'bulk, webhook or reconcile.',
    event      String   COMMENT 'What happened, e.g. snapshot_started, snapshot_loaded, webhook_received, webhook_duplicate, webhook_applied, reconcile_done.',
    run_id     UInt64   COMMENT 'Postgres ingest_runs.id, 0 if none.',
    webhook_id String   COMMENT 'X-Shopify-Webhook-Id for webhook events, else empty.',
    resource   String   COMMENT 'Resource name when the event concerns one object, else empty.',
    gid        String   COMMENT 'GID when the event concerns one object, else empty.',
    objects    UInt64   COMMENT 'Objects read or changed by the event.',
    changes    UInt64   COMMENT 'Mirror rows actually changed (the rest were unchanged).',
    latency_ms UInt32   COMMENT 'Duration of the step, milliseconds.',
    status     String   COMMENT 'ok or failed.',
    error      String   COMMENT 'Error text, empty when ok.',
    detail     String   COMMENT 'Further JSON detail, {} when none.'
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(time)
ORDER BY (store, time);

-- +goose Down
DROP TABLE IF EXISTS ingest_events;
