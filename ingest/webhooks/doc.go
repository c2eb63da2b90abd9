// Package webhooks is shopsync's webhook inbox: one HTTP endpoint receives
// every shop's Shopify webhooks and stores each verified delivery durably in
// webhook_deliveries before answering, and a Processor later applies the
// stored deliveries to the mirror through an Applier.
//
// # Receiving (Receiver)
//
// Shopify waits 5 s for an answer and retries anything but a 2xx (8 times
// over about 4 hours), so the receiver does the least that makes a delivery
// safe: check it, insert it (committed with synchronous_commit on, whatever
// the server's default), answer. Applying it is the Processor's job.
// Deliveries that arrive together are inserted together: each request
// queues its delivery and waits, and one statement and one commit store
// everything queued meanwhile (group commit: one group at a time, a second
// only behind a backlog of more than a group), so a
// burst costs a round trip and a WAL flush per group rather than per
// delivery, and no request is answered before the commit that holds it.
//
// The checks run in this order, each answering at once:
//
//  1. Anything but POST: 405.
//  2. The body is bounded (ReceiverConfig.MaxBodyBytes, 1 MiB by default):
//     a larger one is 413 without being read to the end. The bound comes
//     first because the whole body is needed to check its signature.
//  3. Authenticity: the shop is looked up from X-Shopify-Shop-Domain in
//     ShopSecrets and X-Shopify-Hmac-Sha256 is checked against each of its
//     secrets (several during a secret rotation). A missing signature or
//     domain, a shop we do not manage, and a wrong signature are all 401
//     with the same body, so that a forger learns nothing, not even which
//     shops exist; metrics and logs tell the three apart. Shopify's own
//     validator checks the required headers before the signature; we check
//     the signature first so that only a verified sender gets told which
//     header it lacks. A shop we do not manage cannot be verified, so its
//     deliveries are refused, never acknowledged: Shopify retries and then
//     deletes the shop-specific subscription, which is what a subscription
//     pointing at the wrong place deserves.
//  4. The other required headers (topic, API version, webhook id): 400
//     naming the first one missing, or one whose value the inbox will not
//     hold (over 255 bytes, not UTF-8).
//  5. The body must be a JSON object: 400 otherwise, nothing stored. The
//     inbox's payload column is jsonb, so a body that is not JSON cannot be
//     kept for inspection; Shopify never sends one, so retrying cannot make
//     it pass, and the malformed outcome is counted for someone to look at.
//     The same holds for JSON that PostgreSQL's jsonb refuses (a \u0000 in
//     a string, a number beyond numeric's range).
//  6. A topic shopsync does not subscribe to (not in Topics) is stored as
//     ignored, with processed_at set, and acknowledged with 200: it is
//     verified, so it is Shopify's, and refusing it would only make Shopify
//     retry it.
//  7. Otherwise the delivery is stored as received. The webhook id is the
//     primary key: a repeat (Shopify delivers at least once) stores nothing
//     and is answered 200 as a duplicate.
//
// Nothing is stored before step 7, so a forged, oversized or malformed
// request leaves no row. A store failure answers 500 and Shopify retries.
// Signatures cover only the body, not the headers: a delivery binds to the
// shop named in its header because that shop's own secret verified it. With
// one secret per shop (a custom app per store, as shopsync is configured),
// a delivery signed for shop A and relabelled as shop B fails B's check. If
// several shops share one secret (a public app's single client secret), the
// header cannot be checked this way and a replayed body could be relabelled
// by whoever can capture deliveries.
//
// The http.Server that mounts the receiver should bound slow clients
// (ReadHeaderTimeout, ReadTimeout of a few seconds): the handler bounds the
// body's size and its own store, not how slowly the body arrives.
//
// Secrets never leave ShopSecrets: they are not logged, not put into
// errors or answers, and no metric carries a shop domain or a secret.
//
// # Processing (Processor)
//
// A Processor claims pending deliveries (received, or failed and due for a
// retry) in batches with FOR UPDATE SKIP LOCKED, so several processors can
// run against one database without applying a delivery twice, and hands each
// to the Applier inside the claiming transaction, under a savepoint: the
// mirror's writes and the delivery's new status commit together, so a crash
// neither loses nor repeats an application. Batches are taken oldest
// X-Shopify-Triggered-At first, which orders each store's deliveries as well
// as one batch can; across batches, retries and concurrent processors the
// order is best effort, which is enough because Shopify guarantees no order
// either and the mirror ignores a payload older than its row (updated_at).
// New deliveries are picked up through LISTEN/NOTIFY: the receiver notifies
// as soon as a group of stored deliveries committed, after the commit and
// outside its transaction (a NOTIFY in each insert would serialise every
// commit on PostgreSQL's notification lock), at most one notification in
// flight with one more queued behind it, and processors also poll every
// PollInterval in case a notification is lost. One Processor runs Workers
// such loops (two by default): the mirror's table locks make two batches of
// one store's table apply in turn, but while one holds them the other
// claims and prepares its batch, so the inbox drains at 1,000 deliveries/s
// on a loaded machine where one loop fell behind.
//
// An Applier that is also a BatchApplier (the mirror's is) gets the whole
// claimed batch in one call, under one savepoint: a few set-based
// statements for hundreds of deliveries instead of a few round trips each,
// which is what lets a processor keep up with a burst. If that call fails
// (a row the database refuses, a panic), its savepoint is rolled back and
// the batch is applied one delivery at a time, so the bad delivery fails
// alone and the others are not held back.
//
// A failed delivery's next attempt is kept in the memory of the processor
// that failed it (webhook_deliveries has no column for it), so another
// processor, or the same one after a restart, may retry it early: that costs
// an attempt, never a double application.
package webhooks
