-- The content half of the mirror: collections and their products, pages, blogs
-- and articles. Same row pattern as the catalogue (00002_catalog.sql).

-- +goose Up
CREATE TABLE collections (
    store            text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid              text        NOT NULL CHECK (gid LIKE 'gid://shopify/Collection/%'),
    handle           text        NOT NULL,
    title            text        NOT NULL,
    collection_type  text        NOT NULL,
    rules            jsonb,
    description_html text        NOT NULL DEFAULT '',
    sort_order       text,
    template_suffix  text,
    raw              jsonb       NOT NULL DEFAULT '{}',
    content_hash     bytea       NOT NULL,
    version          bigint      NOT NULL DEFAULT 1,
    updated_at       timestamptz,
    synced_at        timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    PRIMARY KEY (store, gid),
    CONSTRAINT collections_type_check CHECK (collection_type IN ('custom', 'smart')),
    -- A smart collection is defined by its rules, a custom one by its member list.
    CONSTRAINT collections_rules_check CHECK ((collection_type = 'smart') = (rules IS NOT NULL))
);
CREATE INDEX collections_handle_live ON collections (store, handle) WHERE deleted_at IS NULL;

COMMENT ON TABLE collections IS 'Mirror: collections of every store, custom (hand-picked members) and smart (rule-based). Matched across stores by handle.';
COMMENT ON COLUMN collections.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN collections.gid IS 'Shopify GID, gid://shopify/Collection/<id>.';
COMMENT ON COLUMN collections.handle IS 'URL handle, unique per store; the match key.';
COMMENT ON COLUMN collections.title IS 'Collection title.';
COMMENT ON COLUMN collections.collection_type IS 'custom or smart (smart when Shopify returns a ruleSet).';
COMMENT ON COLUMN collections.rules IS 'Smart collections only: the ruleSet, {"appliedDisjunctively": bool, "rules": [{"column", "relation", "condition"}]}; NULL for custom collections.';
COMMENT ON COLUMN collections.description_html IS 'descriptionHtml.';
COMMENT ON COLUMN collections.sort_order IS 'Shopify CollectionSortOrder, e.g. MANUAL or BEST_SELLING.';
COMMENT ON COLUMN collections.template_suffix IS 'Theme template suffix, NULL for the default template.';
COMMENT ON COLUMN collections.raw IS 'The Collection object as read from Shopify (GraphQL field names), without its products.';
COMMENT ON COLUMN collections.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN collections.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN collections.updated_at IS 'Shopify''s updatedAt.';
COMMENT ON COLUMN collections.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN collections.deleted_at IS 'Tombstone: when shopsync learned the collection was deleted; NULL while it exists.';

CREATE TABLE collection_products (
    store          text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    collection_gid text        NOT NULL,
    product_gid    text        NOT NULL,
    position       integer,
    version        bigint      NOT NULL DEFAULT 1,
    synced_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz,
    PRIMARY KEY (store, collection_gid, product_gid)
);
CREATE INDEX collection_products_product ON collection_products (store, product_gid) WHERE deleted_at IS NULL;

COMMENT ON TABLE collection_products IS 'Mirror: which products are in which collection. For custom collections this is what shopsync syncs; for smart collections Shopify computes it from the rules (kept for queries, not synced).';
COMMENT ON COLUMN collection_products.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN collection_products.collection_gid IS 'The collection (collections.gid).';
COMMENT ON COLUMN collection_products.product_gid IS 'The member product (products.gid).';
COMMENT ON COLUMN collection_products.position IS 'Position in a manually sorted collection, from 1; NULL when unknown.';
COMMENT ON COLUMN collection_products.version IS 'Row version, incremented by the mirror when the membership or position changes.';
COMMENT ON COLUMN collection_products.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN collection_products.deleted_at IS 'Tombstone: when the product left the collection; NULL while a member.';

CREATE TABLE pages (
    store           text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid             text        NOT NULL CHECK (gid LIKE 'gid://shopify/Page/%'),
    handle          text        NOT NULL,
    title           text        NOT NULL,
    body            text        NOT NULL DEFAULT '',
    is_published    boolean     NOT NULL DEFAULT false,
    published_at    timestamptz,
    template_suffix text,
    created_at      timestamptz,
    raw             jsonb       NOT NULL DEFAULT '{}',
    content_hash    bytea       NOT NULL,
    version         bigint      NOT NULL DEFAULT 1,
    updated_at      timestamptz,
    synced_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (store, gid)
);
CREATE INDEX pages_handle_live ON pages (store, handle) WHERE deleted_at IS NULL;

COMMENT ON TABLE pages IS 'Mirror: online store pages. Matched across stores by handle.';
COMMENT ON COLUMN pages.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN pages.gid IS 'Shopify GID, gid://shopify/Page/<id>.';
COMMENT ON COLUMN pages.handle IS 'URL handle, unique per store; the match key.';
COMMENT ON COLUMN pages.title IS 'Page title.';
COMMENT ON COLUMN pages.body IS 'Body HTML.';
COMMENT ON COLUMN pages.is_published IS 'Whether the page is visible on the online store.';
COMMENT ON COLUMN pages.published_at IS 'publishedAt, NULL when unpublished.';
COMMENT ON COLUMN pages.template_suffix IS 'Theme template suffix, NULL for the default template.';
COMMENT ON COLUMN pages.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN pages.raw IS 'The Page object as read from Shopify (GraphQL field names).';
COMMENT ON COLUMN pages.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN pages.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN pages.updated_at IS 'Shopify''s updatedAt.';
COMMENT ON COLUMN pages.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN pages.deleted_at IS 'Tombstone: when shopsync learned the page was deleted; NULL while it exists.';

CREATE TABLE blogs (
    store           text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid             text        NOT NULL CHECK (gid LIKE 'gid://shopify/Blog/%'),
    handle          text        NOT NULL,
    title           text        NOT NULL,
    comment_policy  text,
    tags            text[]      NOT NULL DEFAULT '{}',
    template_suffix text,
    created_at      timestamptz,
    raw             jsonb       NOT NULL DEFAULT '{}',
    content_hash    bytea       NOT NULL,
    version         bigint      NOT NULL DEFAULT 1,
    updated_at      timestamptz,
    synced_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (store, gid)
);
CREATE INDEX blogs_handle_live ON blogs (store, handle) WHERE deleted_at IS NULL;

COMMENT ON TABLE blogs IS 'Mirror: blogs (containers of articles). Matched across stores by handle.';
COMMENT ON COLUMN blogs.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN blogs.gid IS 'Shopify GID, gid://shopify/Blog/<id>.';
COMMENT ON COLUMN blogs.handle IS 'URL handle, unique per store; the match key.';
COMMENT ON COLUMN blogs.title IS 'Blog title.';
COMMENT ON COLUMN blogs.comment_policy IS 'Shopify CommentPolicy: AUTO_PUBLISHED, CLOSED or MODERATED.';
COMMENT ON COLUMN blogs.tags IS 'Tags used by the blog''s articles.';
COMMENT ON COLUMN blogs.template_suffix IS 'Theme template suffix, NULL for the default template.';
COMMENT ON COLUMN blogs.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN blogs.raw IS 'The Blog object as read from Shopify (GraphQL field names), without its articles.';
COMMENT ON COLUMN blogs.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN blogs.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN blogs.updated_at IS 'Shopify''s updatedAt (Shopify may leave it NULL for blogs).';
COMMENT ON COLUMN blogs.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN blogs.deleted_at IS 'Tombstone: when shopsync learned the blog was deleted; NULL while it exists.';

CREATE TABLE articles (
    store           text        NOT NULL REFERENCES stores (domain) ON UPDATE CASCADE ON DELETE CASCADE,
    gid             text        NOT NULL CHECK (gid LIKE 'gid://shopify/Article/%'),
    blog_gid        text        NOT NULL,
    handle          text        NOT NULL,
    title           text        NOT NULL,
    author_name     text,
    body            text        NOT NULL DEFAULT '',
    summary         text,
    tags            text[]      NOT NULL DEFAULT '{}',
    is_published    boolean     NOT NULL DEFAULT false,
    published_at    timestamptz,
    template_suffix text,
    created_at      timestamptz,
    raw             jsonb       NOT NULL DEFAULT '{}',
    content_hash    bytea       NOT NULL,
    version         bigint      NOT NULL DEFAULT 1,
    updated_at      timestamptz,
    synced_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (store, gid)
);
-- Article handles are unique within their blog, so the match is blog + handle.
CREATE INDEX articles_blog_handle_live ON articles (store, blog_gid, handle) WHERE deleted_at IS NULL;

COMMENT ON TABLE articles IS 'Mirror: blog articles. Matched across stores by their blog''s handle plus their own handle.';
COMMENT ON COLUMN articles.store IS 'Store domain (stores.domain).';
COMMENT ON COLUMN articles.gid IS 'Shopify GID, gid://shopify/Article/<id>.';
COMMENT ON COLUMN articles.blog_gid IS 'The blog it belongs to (blogs.gid).';
COMMENT ON COLUMN articles.handle IS 'URL handle, unique within its blog.';
COMMENT ON COLUMN articles.title IS 'Article title.';
COMMENT ON COLUMN articles.author_name IS 'Author''s display name.';
COMMENT ON COLUMN articles.body IS 'Body HTML.';
COMMENT ON COLUMN articles.summary IS 'Summary HTML, NULL when none.';
COMMENT ON COLUMN articles.tags IS 'Tags, in Shopify''s order.';
COMMENT ON COLUMN articles.is_published IS 'Whether the article is visible on the online store.';
COMMENT ON COLUMN articles.published_at IS 'publishedAt, NULL when unpublished.';
COMMENT ON COLUMN articles.template_suffix IS 'Theme template suffix, NULL for the default template.';
COMMENT ON COLUMN articles.created_at IS 'Shopify''s createdAt.';
COMMENT ON COLUMN articles.raw IS 'The Article object as read from Shopify (GraphQL field names).';
COMMENT ON COLUMN articles.content_hash IS 'Digest of the normalised content; unchanged hash means no change event.';
COMMENT ON COLUMN articles.version IS 'Row version, incremented by the mirror on every content change.';
COMMENT ON COLUMN articles.updated_at IS 'Shopify''s updatedAt (Shopify may leave it NULL for articles).';
COMMENT ON COLUMN articles.synced_at IS 'When shopsync last changed this row.';
COMMENT ON COLUMN articles.deleted_at IS 'Tombstone: when shopsync learned the article was deleted; NULL while it exists.';

-- +goose Down
DROP TABLE articles;
DROP TABLE blogs;
DROP TABLE pages;
DROP TABLE collection_products;
DROP TABLE collections;
