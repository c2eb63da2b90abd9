// Package applier carries out the plan: it writes the pending deltas of
// plan_deltas to each destination store through the Admin GraphQL API, as
// few calls as the API allows, inside the store's cost budget, and records
// every outcome in PostgreSQL (and, through applier/audit, in ClickHouse).
//
// # One writer per destination
//
// An Applier runs one Writer per destination store whose lease it holds
// (destination_leases): a row per store naming the holder process, an expiry
// and a fencing token that grows every time the lease changes hands. Several
// applier processes share the destinations: each takes the leases that are
// free or expired, renews its own well before they expire, and a Writer whose
// renewal fails stops. Every transaction that records attempts or outcomes
// checks the lease and its token last, just before committing (FOR SHARE, so
// a takeover waits for that commit while a renewal waits only milliseconds),
// so a process that lost its lease cannot record anything; the new holder
// retries what was not recorded, which the idempotency below makes safe. A
// Writer stopped by an error (a store refusing the app, the database) starts
// again after a growing wait. Config.MaxDestinations caps the leases one
// process takes, so that several share the destinations.
//
// # Packing
//
// A Writer reads its store's pending deltas in id order and packs them into
// requests (pack.go):
//
//   - set_inventory → inventorySetQuantities, up to 250 quantities per call,
//     each guarded by changeFromQuantity (the destination quantity the delta
//     was planned against) and sent under an @idempotent key derived from the
//     delta ids, so a retry of the same batch cannot apply it twice. A level
//     the destination does not stock yet is inventoryActivate with the
//     quantity. inventorySetQuantities is all or nothing: a userError whose
//     field names an index fails that item (CHANGE_FROM_QUANTITY_STALE as
//     "stale": the level is read again, then planned again) and the rest go
//     again.
//   - adjust_inventory (two-way, to the source) → inventoryAdjustQuantities,
//     up to 250 changes per call, a level at most once per call, under an
//     @idempotent key derived from the delta ids and without
//     changeFromQuantity: deltas commute, so concurrent sales add up.
//   - price-only updates (resource variant) → productVariantsBulkUpdate, one
//     call per product.
//   - product create and update → productSet with the full variant set
//     (productSet deletes the variants it is not given). A create is an
//     upsert by handle, so a create retried after a crash finds the product
//     it made instead of making a second one. A create also stocks its
//     variants at the link's mapped locations (inventoryQuantities, the
//     source's settled quantities) and reads the levels back, recorded as
//     sets are (create_stock.go): a first sync needs no inventoryActivate
//     per level. A create whose source product id_map already pairs with a
//     live destination product (a newer plan of the key while the first
//     create was under way) is superseded without a call.
//   - create_order → orderCreate in the source (one call per order), with
//     the inventoryBehaviour the planner chose for the link's inventory mode
//     (see package planner). Before it is sent the source is searched for
//     the order's identity tag (orders_lookup.go): an order made by an
//     attempt whose record was lost is recorded instead of made again. The
//     pair goes to id_map and the order to the source mirror; lines sent as
//     custom line items make the audit row say a warning (status ok).
//     cancel_order → orderCancel; "already cancelled" settles it.
//   - archive → productUpdate(status ARCHIVED); unpublish →
//     productUpdate(status DRAFT); delete → productDelete. A product already
//     gone (or already hidden) is settled without a call.
//   - content (pack_content.go): collection, page, blog and article create
//     and update → collectionCreate/Update, pageCreate/Update, blogCreate/
//     Update, articleCreate/Update (an unpublish is an update of
//     isPublished; a create carries its handle, so a retried create is
//     refused as TAKEN rather than made twice); delete → collectionDelete,
//     pageDelete, blogDelete, articleDelete ("not found" settles it).
//     Custom collection members (resource collection_product) →
//     collectionRemoveProducts then collectionAddProducts, 250 ids a call;
//     both are idempotent. The answers update the destination mirror
//     (members included) and id_map; no applier_writes rows are kept for
//     content yet.
//
// Several mutations share one HTTP request as aliases (each costs its own
// points) up to Config.MaxRequestCost, within Shopify's 1,000-point cap.
//
// # Inventory
//
// One-way: the source's quantity is set in every linked destination through
// the link's location map (set_inventory, planned by the planner), guarded
// by changeFromQuantity, the destination quantity it was planned against. A
// level the destination does not stock yet is activated with the quantity.
// A set refused as CHANGE_FROM_QUANTITY_STALE (someone changed the level
// meanwhile) is never forced: the level is read again and the planner plans
// again from what the read found.
//
// Two-way: a sale (or any change) in a destination moves the source by the
// same delta, and the source's new quantity then flows one-way to every
// other destination. What makes this exact:
//
//   - Webhooks only say that a level changed: their timestamps have whole
//     seconds, so two deliveries within one second cannot be ordered and a
//     late one may leave the mirror behind the store. A Writer therefore
//     reads (nodes(ids:)) every tracked level of its store whose mirror
//     version changed since it last confirmed it (inventory_reads), and
//     mirrors what the read found. The planner sets nothing from a level not
//     yet confirmed (shopsync_inventory_settled).
//   - Per link, item and mapped location inventory_sync keeps a baseline:
//     the destination quantity shopsync last wrote there or last counted
//     there. A destination level read at q with baseline b sold b - q
//     since: one statement records the count in inventory_ledger, plans an
//     adjust_inventory delta of q - b on the source and moves the baseline
//     to q. A change is counted once however many webhooks announce it, and
//     sales in several destinations are separate deltas that add up at the
//     source.
//   - Our own writes never travel back: a set's outcome moves the baseline to
//     the quantity written in the same transaction as the mirror and
//     applier_writes (so its echo webhook, carrying that quantity, counts
//     nothing; view inventory_echoes lists them), and a level with a write
//     under way (an applier_attempts row) is not read until its outcome is
//     recorded; a read that raced a write (inventory_reads.read_at moved) is
//     dropped and made again.
//   - A source level moved by adjustments is read again rather than taken
//     from their answers (several may be under way, their answers recorded
//     in any order). And whatever the cause (a webhook or an answer lost), a
//     pair still out of step, or a destination off its baseline, 2 s after
//     its last read is read again.
//   - While counted changes wait to reach the source, or a destination holds
//     other than its baseline, the planner sets nothing on that pair: the
//     source first takes the sales, then its quantity comes back.
//   - Tracking starts when a pair is first seen in step (or first set):
//     changes a destination made before then are overwritten by the link's
//     first sync, the source being the truth when a link starts.
//
// Visibility: view inventory_sync_status (per item and location: both
// quantities, last sync, lag), inventory_ledger, the metrics
// shopsync_inventory_sync_lag_seconds, shopsync_inventory_changes_counted_total
// and shopsync_inventory_levels_read_total, and, read from the view at
// scrape time (InventoryCollector), shopsync_inventory_out_of_sync_levels
// and shopsync_inventory_max_lag_seconds per destination.
//
// # Budget
//
// shopify/transport waits, per shop, until the cost bucket holds what a
// request will cost, so requests are never THROTTLED by our own spending.
// The Writer tells it each request's exact cost (the calls' costs, computed
// once per shape with shopify/cost, add up) and keeps Config.InFlight
// requests under way, so that one is always waiting at the budget while the
// others' outcomes are recorded and the bucket is spent as fast as it
// refills. Observer counts the THROTTLED answers the transport retried, and
// applier_budgets keeps each destination's last throttleStatus and the
// points spent over the last minute, for Status (shopsync status).
//
// # Outcomes and crashes
//
// The lease makes the Writer its store's only writer, so it reads pending
// deltas without holding row locks across Shopify calls (which would keep
// the planner's supersession waiting on the budget); deltas under way are
// kept out of the next read in memory. Before a request is sent its deltas
// are locked briefly, those no longer pending dropped, their attempts counted
// and an applier_attempts row written per delta (committed). After the
// answer, one transaction records everything the answer says: the
// destination mirror is updated from the mutation's answer through package
// mirror (so the planner sees the destination in sync and plans nothing
// more; the change rows say source reconcile), created objects are recorded
// in id_map, the writes in applier_writes (for echo detection), the deltas'
// statuses, one audit row per delta attempt (applier/audit, in the same
// transaction), and the applier_attempts rows are deleted. A deadlock with
// the planner is retried. A userError fails its delta with the
// message and does not hold up the rest; a transient error leaves the delta
// pending, retried after a backoff, until Config.MaxAttempts.
//
// A process that stops between sending and recording leaves its
// applier_attempts rows behind. The next holder of the lease audits those
// attempts as interrupted, then retries their batches first, as they were
// (same deltas, same idempotency keys): inventory mutations answer their
// first result, productSet by handle updates the product the interrupted
// create made (its variants are looked up first so they keep their ids).
//
// Deltas whose target changed in the mirror since they were planned
// (planned_version) are not sent: they are marked superseded with the reason
// (nothing was written, so nothing failed), and the planner plans the key
// again from what the mirror now holds.
package applier
