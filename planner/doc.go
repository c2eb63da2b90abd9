// Package planner computes what each destination store lacks, inside
// PostgreSQL: set-based SQL joins the source's mirror to each destination's
// mirror through id_map and the link's match key (handle, SKU or barcode),
// applies the link's rules (price rule, field policies, delete policy,
// inventory mode) and writes the differences to plan_deltas for the applier.
//
// A plan runs per link, in one transaction: the SQL in sql/ fills temporary
// tables with the deltas, the conflicts and the pairs found by key; then the
// pending deltas the run answers for that it did not plan again exactly are
// superseded, the new ones inserted, the pairs recorded in id_map and the
// conflicts in plan_conflicts. A dry run stops before that and rolls back.
//
//   - Full plans (Plan) cover every enabled link; a destination in sync gets
//     no delta, and planning twice changes nothing.
//   - Incremental plans (PlanKeys) run the same SQL restricted to a few
//     product keys; Consumer feeds them from the Kafka change events, and Run
//     adds a periodic full plan that converges whatever events were missed.
//   - Ambiguity is not guessed: duplicate or blank match keys on either side,
//     and products whose variants match several products, go to
//     plan_conflicts and their products are not planned.
//
// Orders flow the other way (orders.go, sql/orders_*.sql): an order placed
// in a destination since its link was made is planned as create_order on the
// link's source (lines mapped back to source variants through id_map or the
// match key; a line without a match becomes a custom line item), and its
// cancellation there as cancel_order. id_map (resource order) holds the pair
// once created, so an order is planned for creation only while it has no
// twin; the applier's look-up by tag covers the crash in between. Stock is
// taken once: orderCreate's inventoryBehaviour is DECREMENT_IGNORING_POLICY
// under inventory modes none and one_way (the source ships the sale, and
// one_way then pushes its lowered level out) and BYPASS under two_way
// (inventory sync moves the source by the destination's own decrement
// already); cancel_order restocks under none and one_way only. Full plans
// plan orders after products; PlanOrders and PlanOrderEvents (the Consumer,
// on order change events) plan a few orders.
//
// Content (content.go, sql/content_*.sql): every full plan also plans the
// link's collections, pages, blogs and articles, matched by handle (an
// article by "<blog handle>/<article handle>"), in a transaction of its own
// after the products family, so that a custom collection's members map
// through the product pairs in id_map; a member whose product is not created
// yet waits for a later plan, which the consumer starts as soon as the
// created product's change event arrives (PlanContentEvents).
//
// Keys: a product delta's key is its handle when the link matches by handle,
// else the source product's GID (its variants carry the SKUs or barcodes);
// price-only updates (resource variant) share their product's key; inventory
// deltas are keyed "<source inventory item GID> <destination location GID>";
// order deltas by the destination order's GID.
//
// Inventory: set_inventory (the source's quantity, guarded by the
// destination's as changeFromQuantity) is planned for one-way and two-way
// links alike, but only once the levels are settled
// (shopsync_inventory_settled, migration 00013): read-confirmed by the
// applier, and, two-way, with no counted destination change still on its
// way to the source. The applier plans those adjust_inventory deltas itself
// when it counts a destination's change (keyed "ledger <id>"); a plan never
// supersedes them, since each carries one counted change.
package planner
