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
// Keys: a product delta's key is its handle when the link matches by handle,
// else the source product's GID (its variants carry the SKUs or barcodes);
// price-only updates (resource variant) share their product's key; inventory
// deltas are keyed "<source inventory item GID> <destination location GID>".
package planner
