// Package mirror keeps shopsync's PostgreSQL mirror of every Shopify store and
// publishes its changes to Kafka.
//
// # Rows
//
// Each mirrored resource has a row type (Product, Variant, InventoryLevel, ...)
// whose fields are the columns of its mirror table. FromGraphQL builds rows from
// the Admin GraphQL shape (a bulk JSONL line, or a node of a GraphQL read) and
// FromWebhook from a webhook's REST payload. Both normalise to one form (GIDs,
// upper-case enums, tags as a list, decimals compared by value, times in UTC), so
// the same object read either way gets the same content hash: a SHA-256 over a
// canonical encoding of the normalised columns, leaving out raw, content_hash
// itself and the bookkeeping times (created_at, updated_at). A few columns are
// "partial": some deliveries do not carry them (an inventory level's on_hand,
// a location's fulfills_online_orders are missing from webhooks); NULL there
// keeps the mirror's value, and they are compared on their own, outside the hash.
//
// # Writing
//
// Every write runs the same set-based SQL (sql/*.sql.tmpl, rendered per table):
// a row is inserted when new; an existing row is updated only when its content
// differs and the incoming Shopify updated_at is not older than the mirror's, so
// a snapshot never overwrites what a newer webhook wrote; every insert, update
// and tombstone writes exactly one change_outbox row in the same statement, with
// the before and after images (the row's columns as JSON, without raw and
// content_hash, which are large and of no use to a consumer). A webhook's raw is
// merged into the stored one (jsonb ||), keeping the fields only a GraphQL read
// has. Writers of one store's table are serialised by a transaction-scoped
// advisory lock, so before images are exact and a webhook waits for a running
// snapshot commit instead of racing it.
//
// # Snapshots
//
// A snapshot (BeginSnapshot or ResumeSnapshot, then Add, Commit) COPYs rows into
// UNLOGGED staging tables named after the ingest run (mirror_staging.run_<id>_*),
// then merges them in one transaction; with CommitOptions.Complete it also
// tombstones the family's live rows that the snapshot lacks and that were last
// written before it started, so a row a webhook created meanwhile survives. An
// error anywhere leaves the mirror as it was.
//
// Resuming: every staged batch commits together with the cursor the caller gave
// with its last row (the JSONL line number, say). After a crash of the loader,
// ResumeSnapshot finds the staging and Cursor says where to go on; after a crash
// of PostgreSQL the UNLOGGED staging is empty and the snapshot starts over
// (Cursor ""), which is always correct. ingest_runs.cursor may mirror the value
// for people; the staging's own is the one that matches the staged rows.
//
// # Apply
//
// Apply writes one delivery (a webhook, a reconcile read) as a Batch: rows,
// complete child lists (ChildSet: a product's variants; children it lacks are
// tombstoned) and deletions (cascading to children). It reports per object
// whether it was applied, unchanged (a repeated delivery) or stale (older than
// the mirror). It takes the caller's transaction, so that the inbox row and the
// mirror change commit together. ApplyMany writes many deliveries at once with
// the same statements (one per table and store for rows, child lists and
// deletions), deduplicated newest first, and gives each its Results.
//
// Tombstones cascade: a deleted object's children go with it, and a variant
// tombstoned by any cause (a delivery, a complete products snapshot) takes its
// inventory item and the item's levels. A deletion of an object the mirror
// never held is kept in mirror_tombstones, so that an older create or update
// arriving later (reordered webhooks, a snapshot that read the store before
// the deletion) does not bring it back. An incoming row of equal content but a
// newer updated_at moves the row's updated_at forward without a change row.
// collection_products has no updated_at: a snapshot leaves alone its rows
// written after the snapshot began.
//
// # Publishing
//
// Relay publishes change_outbox rows to Kafka (one topic per resource family,
// keyed by store and GID, schema/events' envelope) and marks them published only
// after the broker acknowledged them. While Kafka is down the mirror keeps taking
// writes and the relay keeps retrying; nothing is lost, at worst a change is
// published twice. Several relays may run side by side and still keep each key's
// changes in order.
package mirror
