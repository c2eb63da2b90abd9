// Package fakeshop is a local emulator of the Shopify Admin GraphQL API
// (version 2026-01): many shops in one process, each with its own domain,
// access token, app secret, cost plan, webhook subscriptions and in-memory
// resources. shopsync's tests and demo talk to it instead of real stores, so
// its job is fidelity: the same schema (shopsync's subset, package adminapi),
// the same envelope, errors, cost accounting and throttling, the same GIDs,
// cursors and search syntax.
//
// # Addressing
//
// A shop is reached in either of two ways, both answering the same:
//
//	POST http://<listen>/admin/api/2026-01/graphql.json
//	     with Host: <shop>.myshopify.com
//	     (a real Shopify client pointed at the server with a custom host)
//	POST http://<listen>/shops/<shop>/admin/api/2026-01/graphql.json
//	     (plain clients that cannot set Host)
//
// Every request needs X-Shopify-Access-Token with the shop's token; a missing
// or wrong one is 401 with Shopify's body. An unknown API version falls
// forward, as Shopify's do: it is answered as 2026-01, and the response's
// X-Shopify-API-Version header says so.
//
// # Answers
//
// The body is {query, variables, operationName} (or a bare query with
// Content-Type application/graphql). Parse and validation errors, variable
// errors and field errors come back as {"errors":[{message, locations, path,
// extensions:{code}}]} with HTTP 200. Every executed response carries
// extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus}: the
// requested cost (package cost's static calculator) is charged to the shop's
// leaky bucket before execution, and the difference to the actual cost is
// refunded after. Above 1,000 requested points the answer is
// MAX_COST_EXCEEDED (HTTP 200); when the bucket lacks the points it is
// THROTTLED, Shopify's JSON shape (no data, extensions top level), with HTTP
// 429 and Retry-After by default: Shopify's status is unverified, 429 is what
// its own client retries, and Options.ThrottledStatus can make it 200.
//
// # Structure
//
// Resources are immutable records (model.go) held per shop (store*.go) and
// changed only through Shop methods, which is the single write path for the
// Go API (seeding, tests) and for mutation resolvers alike; each change is
// announced to OnChange hooks (change.go), which is where webhooks attach.
// Requests run through a small GraphQL executor over gqlparser's validated
// AST (executor.go) that resolves fields through a registry filled by
// resolvers_*.go. A connection field resolves to a *Conn holding every
// matching item, which the executor pages (pagination.go) and a bulk
// operation can iterate whole.
//
// # Mutations
//
// The subset's Mutation fields are served by resolvers_mutations_*.go, one
// file per resource family, each calling the Shop write methods, so a
// mutation announces exactly the changes the Go API does. A business failure
// is the payload's userErrors, with the payload's own error-code enum and the
// input path as field (["input","variants","0","sku"]); malformed ids and
// input arrays over 250 items (MAX_INPUT_SIZE_EXCEEDED; the variant lists of
// productSet and the bulk variant mutations take 2,048) are GraphQL errors.
// Work Shopify does asynchronously (productSet with synchronous:false,
// orderCancel, collectionRemoveProducts, new smart-collection rules) is done
// before the answer, so the operation or job returned is already complete.
// inventorySetQuantities, inventoryAdjustQuantities and inventoryActivate
// take @idempotent(key:) (idempotency.go).
//
// # Webhooks and faults
//
// Every change whose topic Shopify has (the WebhookSubscriptionTopic enum: no
// pages, blogs or articles) is POSTed to each subscription of that topic
// (webhook_*.go) with Shopify's X-Shopify-* headers and HMAC and a REST-shaped
// payload (payload_*.go). Background workers per shop send them, so a change
// never waits for a receiver; a failed delivery is retried with the original
// payload and ids on a backoff schedule (Options.Webhooks), and the
// subscription is deleted once the retries are spent. FlushWebhooks waits for
// the queues to drain. A subscription's includeFields is applied; its filter
// and metafieldNamespaces are stored but not applied.
//
// Faults (faults*.go) make one shop slow, failing or lossy on demand: GraphQL
// latency, 5xx answers before or after execution, and dropped, duplicated,
// delayed or reordered webhooks, chosen by generators seeded from
// Options.Seed. Set them with Shop.SetFaults or over HTTP at
// /_fakeshop/shops/<name>/faults (faults_admin.go).
//
// # Seeding
//
// Seed (seed*.go) fills a shop with a generated store that depends only on
// SeedConfig (seed and size): products with options, variants, SKUs and
// EAN-13 barcodes (with the duplicates and blanks real stores have), stock at
// several locations, custom and smart collections, pages, blogs, articles and
// orders. It writes through the Shop API, loading products in batches with
// CreateProducts (store_batch.go), which skips change events when nobody
// listens. SeedStats counts what was written; ContentDigest compares stores
// independently of ids.
//
// # Bulk operations
//
// bulkOperationRunQuery (bulk_*.go) validates the inner query with Shopify's
// rules (at least one and at most five connections, nested at most two
// levels below the top-level one, no top-level node/nodes, edges { node },
// the id of a node holding a nested connection), allows five unfinished
// operations per shop (the sixth is LIMIT_REACHED) and exports in a
// goroutine: CREATED, RUNNING with objectCount and rootObjectCount growing,
// then COMPLETED with url and fileSize, FAILED with errorCode, or CANCELING
// and CANCELED. The export streams: it walks each connection item by item
// through the executor and writes each node as one JSONL line, nested nodes
// with __parentId and every slash escaped as Shopify's files have them, to a
// file under Options.BulkDir that GET /bulk/<shop>/<token>/<id>.jsonl serves
// without an access token until it expires seven days after completion.
// Each finished operation is a bulk_operations/finish change.
// Options.BulkShuffleWindow scrambles line order and Shop.FailNextBulkQuery
// fails an operation, for testing consumers.
package fakeshop
