-- The content kinds' view of a link, shared by content_*.sql: which kinds it
-- syncs, its delete policy, and the field policies that apply to content.
-- Content reuses the products' field names: title; description (a
-- collection's description, a page's or an article's body and summary);
-- tags (articles); status (whether a page or an article is published).
-- Everything else (handle, rules, sort order, template, comment policy,
-- author, blog, members) is always synced.
-- $1 link id.
{{define "content_l"}}l AS MATERIALIZED (
    SELECT k.delete_policy, k.sync_collections, k.sync_pages, k.sync_blogs,
           coalesce(k.field_policies ->> 'title', 'sync')       AS f_title,
           coalesce(k.field_policies ->> 'description', 'sync') AS f_description,
           coalesce(k.field_policies ->> 'tags', 'sync')        AS f_tags,
           coalesce(k.field_policies ->> 'status', 'sync')      AS f_status
    FROM links k
    WHERE k.id = $1
){{end}}
