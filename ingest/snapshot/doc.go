// Package snapshot mirrors whole resource families of a store from Shopify
// bulk queries: `shopsync ingest --full`, and the first start for a store.
//
// # A family's run
//
// Each family (products with variants and their inventory items; inventory:
// locations, inventory items and levels with available and on_hand;
// collections with their members; content: pages, blogs and articles;
// orders with line items) is one bulk query (families.go) and one row of
// ingest_runs (package runs), which moves
//
//	pending → running → loading → completed | failed
//
// The bulk operation's id is recorded as soon as Shopify creates it. After
// a restart, a running run waits on that same operation
// (client.WaitBulkOperation) instead of starting another, and a loading run
// downloads the result again and reloads it: the load applies nothing
// unless it commits, and loading the same records twice changes nothing the
// second time (unchanged content hashes write no change rows); rows the
// mirror staged before the stop are not staged again (MirrorLoader). A
// process stopped after Shopify created the operation but before its id was
// recorded leaves the run pending: the next start creates another
// operation, and the orphan runs to its end in Shopify, counting against
// the shop's concurrent operations meanwhile. Up to five
// families of one shop run at once, the number of bulk queries Shopify runs
// concurrently per shop from API 2026-01; a start refused with LIMIT_REACHED
// or OPERATION_IN_PROGRESS is retried with backoff.
//
// # Loading
//
// The result is streamed, never held whole: the download goes through
// shopify/bulk.Join, which attaches every record to its parent and root in
// any line order (2026-01's ungrouped output promises none), into the
// mirror's snapshot Loader (COPY into staging, then set-based upserts with
// the content-hash and updated_at guards, change rows in the same
// transaction). The records are checked as they stream: a malformed line, a
// file cut short, or a record count that differs from the operation's
// objectCount ends the stream with an error, the load is abandoned and the
// run fails with nothing applied. Only a completed operation whose every
// record arrived is a complete snapshot, and only a complete snapshot
// tombstones the family's rows it lacks (the mirror spares rows written
// after the run started, by webhooks that arrived meanwhile).
//
// Failures that may pass (the network, the database, the process stopping)
// leave the run active, to be resumed; failures that cannot (Shopify
// refused the query, the operation failed or expired, the file is wrong)
// fail it, and the next snapshot starts a new one.
//
// # Progress
//
// On a terminal each family has a progress bar (records loaded out of the
// operation's count); otherwise Progress logs structured lines: export
// running, export completed with its count, every tenth of the load, done.
// Prometheus: shopsync_ingest_snapshot_rows_total{family},
// shopsync_ingest_snapshot_seconds{family}, and runs'
// shopsync_ingest_runs_total{family,kind,status}.
package snapshot
