// Package apply is the webhook inbox's Applier backed by the mirror: each
// stored delivery becomes mirror rows (mirror.FromWebhook) written with
// mirror.Apply inside the processor's transaction, so the mirror's change
// and the delivery's new status commit together.
//
// What each topic does:
//
//   - products/create, products/update: the product and its variants (the
//     variants the payload no longer lists are tombstoned); products/delete
//     tombstones the product with its variants and memberships.
//   - inventory_items/create|update|delete, locations/create|update|delete,
//     collections/create|update|delete, orders/create|updated|paid|cancelled
//     and orders/delete likewise for their objects.
//   - inventory_levels/update and /connect set available only: the payload
//     carries no other quantity, so on_hand is left as the last read set it
//     (NULL for a level first seen by webhook); /disconnect tombstones the
//     level.
//   - app/uninstalled: the shop removed the app, so its token no longer
//     works and nothing more will come. The delivery is kept (processed) in
//     webhook_deliveries, which is the durable record of it; OnUninstalled
//     is called so that the ingest stops scheduling snapshots and
//     reconcile passes for the store, and an error is logged. The mirror's
//     rows are left as they were: they describe the store as it was last
//     seen, and a reinstall (a new token) starts with a snapshot that
//     brings them up to date.
//   - bulk_operations/finish is ignored: the snapshot runner polls its
//     operations, which needs no subscription and survives restarts.
//
// A payload older than the mirror's row (by Shopify's updated_at) changes
// nothing and the delivery is ignored; so is one the mirror can never take
// (malformed, or a topic it does not follow), after a log line. Database
// errors are returned, and the processor retries the delivery.
package apply
