-- Ingest state: the webhook inbox (durable, deduplicated by webhook id) and the
-- bulk snapshot runs, so that an interrupted snapshot resumes instead of restarting.

-- +goose Up
CREATE TABLE webhook_deliveries (
    webhook_id   text        PRIMARY KEY,
    store        text        NOT NULL,
    topic        text        NOT NULL,
    event_id     text,
    api_version  text,
    triggered_at timestamptz,
    received_at  timestamptz NOT NULL DEFAULT now(),
    status       text        NOT NULL DEFAULT 'received',
    attempts     integer     NOT NULL DEFAULT 0,
    error        text,
    processed_at timestamptz,
    payload      jsonb       NOT NULL,
    CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('received', 'processed', 'failed', 'ignored')),
    CONSTRAINT webhook_deliveries_processed_check CHECK ((status IN ('processed', 'ignored')) = (processed_at IS NOT NULL))
);
-- The inbox's queue: deliveries stored but not yet applied to the mirror.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (received_at) WHERE status IN ('received', 'failed');
CREATE INDEX webhook_deliveries_store_topic ON webhook_deliveries (store, topic, triggered_at);

COMMENT ON TABLE webhook_deliveries IS 'Durable webhook inbox: a delivery is stored (after its HMAC checks) before Shopify gets its 2xx, and applied to the mirror afterwards. The primary key drops Shopify''s duplicate deliveries.';
COMMENT ON COLUMN webhook_deliveries.webhook_id IS 'X-Shopify-Webhook-Id: unique per delivery; a repeat is a duplicate.';
COMMENT ON COLUMN webhook_deliveries.store IS 'X-Shopify-Shop-Domain.';
COMMENT ON COLUMN webhook_deliveries.topic IS 'X-Shopify-Topic, e.g. products/update.';
COMMENT ON COLUMN webhook_deliveries.event_id IS 'X-Shopify-Event-Id: shared by all deliveries of one merchant action.';
COMMENT ON COLUMN webhook_deliveries.api_version IS 'X-Shopify-API-Version the payload was serialised with.';
COMMENT ON COLUMN webhook_deliveries.triggered_at IS 'X-Shopify-Triggered-At: when Shopify triggered it (retries keep the original time and payload).';
COMMENT ON COLUMN webhook_deliveries.received_at IS 'When shopsync stored the delivery.';
COMMENT ON COLUMN webhook_deliveries.status IS 'received (stored, not yet applied), processed, failed (will be retried; error says why) or ignored (stale or not needed).';
COMMENT ON COLUMN webhook_deliveries.attempts IS 'How many times applying it to the mirror was tried.';
COMMENT ON COLUMN webhook_deliveries.error IS 'Last error applying it, NULL if none.';
COMMENT ON COLUMN webhook_deliveries.processed_at IS 'When it was applied to the mirror or ignored.';
COMMENT ON COLUMN webhook_deliveries.payload IS 'The body (REST-shaped JSON, numeric ids kept exactly by jsonb).';

CREATE TABLE ingest_runs (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store             text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    family            text        NOT NULL,
    kind              text        NOT NULL DEFAULT 'snapshot',
    bulk_operation_id text,
    status            text        NOT NULL DEFAULT 'pending',
    cursor            text,
    object_count      bigint      NOT NULL DEFAULT 0,
    error             text,
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ingest_runs_family_check CHECK (family IN ('products', 'inventory', 'collections', 'content', 'orders')),
    CONSTRAINT ingest_runs_kind_check CHECK (kind IN ('snapshot', 'reconcile')),
    CONSTRAINT ingest_runs_status_check CHECK (status IN ('pending', 'running', 'loading', 'completed', 'failed', 'canceled')),
    CONSTRAINT ingest_runs_finished_check CHECK ((status IN ('completed', 'failed', 'canceled')) = (finished_at IS NOT NULL)),
    CONSTRAINT ingest_runs_object_count_check CHECK (object_count >= 0)
);
-- One active run per store and family: a second ingest resumes the first.
CREATE UNIQUE INDEX ingest_runs_one_active ON ingest_runs (store, family) WHERE status IN ('pending', 'running', 'loading');
CREATE INDEX ingest_runs_latest ON ingest_runs (store, family, started_at DESC);

COMMENT ON TABLE ingest_runs IS 'Snapshot and reconcile runs of one resource family of one store: a bulk operation, its download and its load into the mirror. An unfinished run is resumed from its cursor.';
COMMENT ON COLUMN ingest_runs.id IS 'Run id.';
COMMENT ON COLUMN ingest_runs.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN ingest_runs.family IS 'Resource family: products (products, variants), inventory (locations, inventory items and levels), collections (with membership), content (pages, blogs, articles) or orders (with line items). Same families as the Kafka topics.';
COMMENT ON COLUMN ingest_runs.kind IS 'snapshot (full bulk read) or reconcile (catch-up read of recent changes).';
COMMENT ON COLUMN ingest_runs.bulk_operation_id IS 'GID of the Shopify BulkOperation, once started (gid://shopify/BulkOperation/<id>).';
COMMENT ON COLUMN ingest_runs.status IS 'pending (not yet started in Shopify), running (bulk operation running), loading (result being loaded into the mirror), completed, failed or canceled.';
COMMENT ON COLUMN ingest_runs.cursor IS 'Where to resume: for loading, the number of JSONL lines already loaded; for reconcile, the updated_at watermark.';
COMMENT ON COLUMN ingest_runs.object_count IS 'Objects loaded so far.';
COMMENT ON COLUMN ingest_runs.error IS 'Why the run failed, NULL otherwise.';
COMMENT ON COLUMN ingest_runs.started_at IS 'When the run started: mirror rows with a newer Shopify updated_at than the snapshot''s are never overwritten by it.';
COMMENT ON COLUMN ingest_runs.finished_at IS 'When it completed, failed or was canceled; NULL while active.';
COMMENT ON COLUMN ingest_runs.updated_at IS 'Last progress.';

-- +goose Down
DROP TABLE ingest_runs;
DROP TABLE webhook_deliveries;
