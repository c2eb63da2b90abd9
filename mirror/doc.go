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
// itself and the bookkeeping times (created_at, updated_at).
//
// # Writing
//
// Every write runs the same set-based SQL (sql/*.sql.tmpl, rendered per table):
// a row is inserted when new; an existing row is updated only when its content
// differs and the incoming Shopify updated_at is not older than the mirror's, so
// a snapshot never overwrites what a newer webhook wrote; every insert, update
// and tombstone writes exactly one change_outbox row in the same statement, with
// the before and after images (the row's columns as JSON, without raw and
// content_hash, which are large and of no use to a consumer).
//
// A snapshot (BeginSnapshot, Add, Commit) COPYs rows into UNLOGGED staging tables
// named after the ingest run, then merges them in one transaction; with
// CommitOptions.Complete it also tombstones the family's live rows that the
// snapshot lacks and that were last written before it started. Apply writes the
// objects of one webhook or reconcile read, dropping children their parent no
// longer lists (a product's variants), and reports per object whether it was
// applied, unchanged or stale. Writers of one store's table are serialised by a
// transaction-scoped advisory lock, so before images are exact and a webhook
// waits for a snapshot commit instead of racing it.
//
// # Publishing
//
// Relay publishes change_outbox rows to Kafka (one topic per resource family,
// keyed by store and GID, schema/events' envelope) and marks them published only
// after the broker acknowledged them. While Kafka is down the mirror keeps
// taking writes and the relay keeps retrying; nothing is lost, at worst a change
// is published twice.
package mirror
