-- Content sync: the planner plans collections, pages, blogs and articles as
-- well as products, so their ambiguities (two live objects with one handle on
-- one side, which Shopify allows for a moment while webhooks arrive out of
-- order) go to plan_conflicts too.

-- +goose Up
ALTER TABLE plan_conflicts DROP CONSTRAINT plan_conflicts_resource_check;
ALTER TABLE plan_conflicts ADD CONSTRAINT plan_conflicts_resource_check
    CHECK (resource IN ('product', 'variant', 'collection', 'page', 'blog', 'article'));

COMMENT ON COLUMN plan_conflicts.resource IS 'product or variant: what carries the ambiguous key; collection, page, blog or article for content whose handle is ambiguous.';
COMMENT ON COLUMN plan_conflicts.blocked IS 'The plan keys not planned because of this conflict (plan_deltas.key of resource product, or of the content resource named by resource); empty when it blocks nothing yet.';

-- +goose Down
DELETE FROM plan_conflicts WHERE resource IN ('collection', 'page', 'blog', 'article');
ALTER TABLE plan_conflicts DROP CONSTRAINT plan_conflicts_resource_check;
ALTER TABLE plan_conflicts ADD CONSTRAINT plan_conflicts_resource_check CHECK (resource IN ('product', 'variant'));
COMMENT ON COLUMN plan_conflicts.resource IS 'product or variant: what carries the ambiguous key.';
COMMENT ON COLUMN plan_conflicts.blocked IS 'The plan keys (plan_deltas.key of resource product) not planned because of this conflict; empty when it blocks nothing yet.';
