// Package ingest mirrors Shopify stores into PostgreSQL and keeps them
// mirrored. Service (what `shopsync ingest` runs) puts the parts together:
//
//   - snapshot: full reads by bulk query, one ingest run per store and
//     resource family, resumable, streamed into the mirror;
//   - webhooks: the inbox (one HMAC-checked endpoint for every store) and
//     its processor, which applies deliveries through apply.Applier;
//   - reconcile: periodic incremental reads of what changed since a cursor,
//     for what webhooks missed (and for pages, blogs and articles, which
//     have none);
//   - the mirror's relay, which publishes every mirror change to Kafka.
//
// # Schedule
//
// Each store runs on its own: at start, the families never completely
// mirrored (or with a snapshot an earlier process left unfinished, which
// resumes) are snapshotted, all of them with Config.Full; then a reconcile
// pass every ReconcileInterval, a full snapshot every SnapshotInterval
// (the only way to learn of deletions whose webhooks were lost) and a
// failed snapshot again after RetryInterval. A store does one of these at
// a time, so a family's snapshot and reconcile pass never overlap. Webhooks
// are received and applied all the while, snapshots included: the mirror
// keeps a row a webhook wrote during a snapshot when the snapshot's is
// older.
//
// # Stopping
//
// Run returns when its context ends. Nothing is lost: an unfinished
// snapshot stays active in ingest_runs with its bulk operation and staged
// rows and resumes on the next start, stored webhook deliveries wait in
// the inbox, unpublished changes wait in the outbox.
//
// # Uninstalls
//
// An app/uninstalled delivery stops the store's schedule (its token no
// longer works); see package apply. The other stores go on.
//
// # One process per store
//
// ingest_runs allows one active run per store and family, so two processes
// cannot both start a snapshot; but two processes mirroring the same store
// would resume each other's runs. Run one ingest per store (webhook
// processors and relays may run in several processes).
package ingest
