-- One store of the configuration. The name is the configuration's label,
-- written when the store is first registered only: stores.name is the shop's
-- display name, which ingest may refresh from Shopify. Unchanged rows are not
-- touched, so that updated_at says when the configuration last changed them.
INSERT INTO stores (domain, role, plan_tier, name)
VALUES (@domain, @role, @plan_tier, @name)
ON CONFLICT (domain) DO UPDATE
    SET role = EXCLUDED.role, plan_tier = EXCLUDED.plan_tier, updated_at = now()
    WHERE (stores.role, stores.plan_tier) IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.plan_tier)
