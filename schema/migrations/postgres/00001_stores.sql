-- The stores shopsync mirrors, with their role in the sync.

-- +goose Up
CREATE TABLE stores (
    domain      text        PRIMARY KEY,
    role        text        NOT NULL,
    plan_tier   text        NOT NULL DEFAULT 'standard',
    name        text,
    currency    text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stores_domain_lower CHECK (domain <> '' AND domain = lower(domain)),
    CONSTRAINT stores_role_check CHECK (role IN ('source', 'destination')),
    CONSTRAINT stores_plan_tier_check CHECK (plan_tier IN ('standard', 'advanced', 'plus', 'enterprise')),
    CONSTRAINT stores_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- Target of the links' (store, role) foreign keys, which is how a link is
    -- guaranteed to run from a source to a destination.
    CONSTRAINT stores_domain_role_key UNIQUE (domain, role)
);
-- The product's rule: one source store, many destinations.
CREATE UNIQUE INDEX stores_one_source ON stores (role) WHERE role = 'source';

COMMENT ON TABLE stores IS 'Every Shopify store shopsync knows, with its role in the sync. Written from the configuration file; the access tokens stay in the environment, never here.';
COMMENT ON COLUMN stores.domain IS 'The store''s *.myshopify.com domain (lower case), as sent in X-Shopify-Shop-Domain; the "store" column of every mirror table refers to it.';
COMMENT ON COLUMN stores.role IS 'source (owns products, collections, content and inventory) or destination (receives them; its orders flow back to the source). At most one source.';
COMMENT ON COLUMN stores.plan_tier IS 'Shopify plan, which sets the GraphQL cost budget: standard 100, advanced 200, plus 1000, enterprise 2000 points per second.';
COMMENT ON COLUMN stores.name IS 'Shop name, for display.';
COMMENT ON COLUMN stores.currency IS 'Shop currency, ISO 4217 code (e.g. EUR); prices in this store''s mirror rows are in it.';
COMMENT ON COLUMN stores.created_at IS 'When shopsync first registered the store.';
COMMENT ON COLUMN stores.updated_at IS 'When the store''s row last changed.';

-- +goose Down
DROP TABLE stores;
