// Package reconcile catches what webhooks missed. Shopify does not promise
// to deliver every webhook (FACTS.md §2.3), so a periodic incremental pass
// reads, per store and family, everything updated since the family's cursor
// (query "updated_at:>='…'", client.UpdatedSince), a page at a time, and
// writes it with the mirror's Apply (source reconcile) in one transaction
// per page that also moves the cursor in ingest_runs (kind reconcile): the
// cursor never gets ahead of what is committed, and a stopped pass resumes
// from its last page.
//
// The cursor is a time on our clock: where the last complete pass started,
// or the start of the newest completed snapshot (which read everything
// older), whichever is later; a read sorted by updatedAt moves it after each
// page to that page's newest object. Every pass reads Config.Overlap before
// it, so that a difference between our clock and Shopify's cannot hide a
// change, and re-reading an unchanged object changes nothing (the content
// hash is the same). A family never snapshotted is skipped, and so is one
// whose snapshot is under way (one active run per store and family).
//
// Reads and their limits:
//
//   - products: products changed, with every variant (and its inventory
//     item); the variants a product no longer has are dropped.
//   - inventory: every location; the inventory levels changed at each location
//     (a level's change does not move its item's updatedAt, so levels are
//     read per location with their own filter); inventory items changed,
//     with their levels.
//   - collections: collections changed, with their complete member lists.
//     A smart collection whose members changed because a product did is
//     not changed itself (Shopify fires no collections/update then either),
//     so its membership is corrected by the periodic full snapshot.
//   - content: pages, blogs and articles changed. Shopify has no webhooks
//     for any of the three (the WebhookSubscriptionTopic enum has no
//     PAGES_*, BLOGS_* or ARTICLES_*; FACTS.md §2.4): this pass is their
//     only incremental path, and the content family is only as fresh as
//     the reconcile interval.
//   - orders: orders changed, with every line item.
//
// Deletions leave nothing an updated_at filter can find: they come from
// delete webhooks, and the ones those miss from the periodic full snapshot,
// which tombstones whatever it no longer sees.
//
// Prometheus: shopsync_ingest_reconcile_rows_total{family,outcome}, and
// runs' shopsync_ingest_runs_total{family,kind,status}.
package reconcile
