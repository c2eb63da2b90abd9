-- The applier's state beside the plan: which process writes to which
-- destination (a lease with a fencing token, so that several applier
-- processes share the destinations and each destination has one writer), the
-- attempts under way (so that a crash between a Shopify write and its record
-- is noticed and audited after a restart), the writes it made (so that the
-- webhooks they cause are recognised as echoes), and the last cost budget
-- each destination reported (for `shopsync status`).

-- +goose Up
CREATE TABLE destination_leases (
    store       text        PRIMARY KEY REFERENCES stores (domain),
    holder      text        NOT NULL,
    token       bigint      NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    renewed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    CONSTRAINT destination_leases_token_check CHECK (token > 0)
);

COMMENT ON TABLE destination_leases IS 'One writer per destination store: the applier process holding an unexpired lease is the only one writing to that store. A holder renews its lease well before it expires and stops writing when a renewal fails; a crashed holder''s lease is taken over once it expires.';
COMMENT ON COLUMN destination_leases.store IS 'The destination store (stores.domain).';
COMMENT ON COLUMN destination_leases.holder IS 'The applier process holding (or last holding) the lease: host, process id and a random suffix.';
COMMENT ON COLUMN destination_leases.token IS 'Fencing token: grows by one every time the lease changes hands (or is taken again after expiring). Every write the holder records checks it, so a holder that lost the lease cannot record anything.';
COMMENT ON COLUMN destination_leases.acquired_at IS 'When the current holder acquired the lease.';
COMMENT ON COLUMN destination_leases.renewed_at IS 'When the holder last renewed it.';
COMMENT ON COLUMN destination_leases.expires_at IS 'When the lease lapses unless renewed; a released lease expires at once.';

CREATE TABLE applier_attempts (
    delta_id    bigint      PRIMARY KEY REFERENCES plan_deltas (id),
    store       text        NOT NULL,
    attempt     integer     NOT NULL,
    attempt_id  uuid        NOT NULL,
    batch_key   text        NOT NULL,
    mutation    text        NOT NULL,
    holder      text        NOT NULL,
    token       bigint      NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT applier_attempts_attempt_check CHECK (attempt > 0)
);
CREATE INDEX applier_attempts_store ON applier_attempts (store, batch_key);

COMMENT ON TABLE applier_attempts IS 'Attempts under way: a row is written before the applier sends a delta to Shopify and deleted in the transaction that records the outcome. A row left behind is an attempt whose process stopped in between: the next holder audits it as interrupted and retries its batch first, with the same idempotency key.';
COMMENT ON COLUMN applier_attempts.delta_id IS 'The delta being applied (plan_deltas.id).';
COMMENT ON COLUMN applier_attempts.store IS 'The destination store written to.';
COMMENT ON COLUMN applier_attempts.attempt IS 'The attempt number (plan_deltas.attempts after it was counted).';
COMMENT ON COLUMN applier_attempts.attempt_id IS 'The attempt''s UUID: the ClickHouse audit row of the attempt carries it.';
COMMENT ON COLUMN applier_attempts.batch_key IS 'Identifies the mutation that carries the delta, shared by the deltas packed into it; also the @idempotent key of inventory mutations, so a retry of the same batch cannot apply it twice.';
COMMENT ON COLUMN applier_attempts.mutation IS 'The GraphQL mutation used, e.g. inventorySetQuantities.';
COMMENT ON COLUMN applier_attempts.holder IS 'The applier process that made the attempt (destination_leases.holder).';
COMMENT ON COLUMN applier_attempts.token IS 'The lease''s fencing token when the attempt started.';
COMMENT ON COLUMN applier_attempts.started_at IS 'When the attempt was claimed, before the request was sent.';

CREATE TABLE applier_writes (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store           text        NOT NULL,
    resource        text        NOT NULL,
    gid             text        NOT NULL,
    location_gid    text,
    content_hash    bytea,
    quantity        integer,
    idempotency_key text,
    delta_id        bigint,
    written_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    CONSTRAINT applier_writes_resource_check CHECK (resource IN ('product', 'variant', 'inventory_level')),
    CONSTRAINT applier_writes_expected_check CHECK (content_hash IS NOT NULL OR quantity IS NOT NULL OR resource = 'product')
);
-- An echo is looked up by the object a webhook names.
CREATE INDEX applier_writes_object ON applier_writes (store, resource, gid, location_gid);
CREATE INDEX applier_writes_expires ON applier_writes (expires_at);

COMMENT ON TABLE applier_writes IS 'The applier''s own writes, recorded with the outcome of each: a webhook about one of these objects that carries the content or quantity written is the echo of the write, not a change made in the store. Rows expire after a while (webhooks arrive within minutes) and are pruned.';
COMMENT ON COLUMN applier_writes.id IS 'Sequence number.';
COMMENT ON COLUMN applier_writes.store IS 'The store written to.';
COMMENT ON COLUMN applier_writes.resource IS 'product, variant or inventory_level.';
COMMENT ON COLUMN applier_writes.gid IS 'GID of the object written; for inventory_level the inventory item''s GID (a webhook names the level by item and location).';
COMMENT ON COLUMN applier_writes.location_gid IS 'For inventory_level: the location''s GID; NULL otherwise.';
COMMENT ON COLUMN applier_writes.content_hash IS 'For products and variants: the mirror''s content hash of the object as the write left it (what the echo webhook hashes to); NULL for a product deleted.';
COMMENT ON COLUMN applier_writes.quantity IS 'For inventory_level: the available quantity the write set.';
COMMENT ON COLUMN applier_writes.idempotency_key IS 'The @idempotent key (inventory mutations) or batch key the write was sent with.';
COMMENT ON COLUMN applier_writes.delta_id IS 'The delta the write carried out (plan_deltas.id).';
COMMENT ON COLUMN applier_writes.written_at IS 'When the write''s outcome was recorded.';
COMMENT ON COLUMN applier_writes.expires_at IS 'After this the row no longer marks echoes and may be pruned.';

CREATE TABLE applier_budgets (
    store               text        PRIMARY KEY,
    maximum_available   numeric     NOT NULL,
    currently_available numeric     NOT NULL,
    restore_rate        numeric     NOT NULL,
    cost_last_minute    bigint      NOT NULL DEFAULT 0,
    requests            bigint      NOT NULL DEFAULT 0,
    throttled           bigint      NOT NULL DEFAULT 0,
    observed_at         timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE applier_budgets IS 'The GraphQL cost budget of each destination as the applier last saw it (extensions.cost.throttleStatus of its last answer), for shopsync status.';
COMMENT ON COLUMN applier_budgets.store IS 'The destination store.';
COMMENT ON COLUMN applier_budgets.maximum_available IS 'throttleStatus.maximumAvailable: the bucket size.';
COMMENT ON COLUMN applier_budgets.currently_available IS 'throttleStatus.currentlyAvailable after the last answer.';
COMMENT ON COLUMN applier_budgets.restore_rate IS 'throttleStatus.restoreRate, points per second.';
COMMENT ON COLUMN applier_budgets.cost_last_minute IS 'Points (actualQueryCost) the applier spent in the minute before observed_at; divided by 60 × restore_rate, the share of the budget used.';
COMMENT ON COLUMN applier_budgets.requests IS 'Requests the applier sent to the store since its writer started.';
COMMENT ON COLUMN applier_budgets.throttled IS 'THROTTLED answers the applier received since its writer started (the transport waits for the budget, so this stays 0 unless another app spends the same bucket).';
COMMENT ON COLUMN applier_budgets.observed_at IS 'When the row was last updated.';

-- +goose Down
DROP TABLE applier_budgets;
DROP TABLE applier_writes;
DROP TABLE applier_attempts;
DROP TABLE destination_leases;
