// Package transport is the http.RoundTripper every shopsync component uses
// to call the Admin GraphQL API (POST …/admin/api/<version>/graphql.json).
//
// It adds the X-Shopify-Access-Token header, and keeps one cost budget per
// shop domain shared by every caller in the process (a Registry). Before a
// request is sent it waits, first come first served, until the budget's
// estimate covers the request's expected cost, so a process that is the
// only user of an app+shop pair is never THROTTLED: the estimate is charged
// the expected cost at send, refunded down to the actual cost from each
// response's extensions.cost, refilled at the restore rate in between, and
// lowered (never raised) to what throttleStatus says is left, which catches
// other processes spending the same bucket.
//
// The expected cost is, in order: what the caller put in the context with
// WithCost; the static cost computed with shopify/cost when Config.Schema is
// set; the requestedQueryCost Shopify last reported for the same query
// text; Config.DefaultCost (1000, the largest cost Shopify accepts, so an
// unknown query never overdraws the bucket).
//
// Attempts are retried with jittered exponential backoff (one RetryPolicy)
// on HTTP 429, 5xx, transport errors and a THROTTLED GraphQL error, honouring
// Retry-After and, for THROTTLED, the time the bucket needs to refill. Any
// other 4xx and any other GraphQL error are returned at once. When retries
// run out on a status, the last response is returned as is. Because a
// transport error can hide a request that Shopify did execute, a retried
// mutation must be idempotent (productSet by handle, @idempotent keys), as
// the applier's mutations are.
//
// Requests other than Admin GraphQL POSTs (a bulk result download, a staged
// upload) pass through untouched: no token, no budget, no retry.
//
// The token never appears in an error or a log line: errors are built from
// the shop and the attempt, never from the request, and any error text from
// the underlying transport is scrubbed of it.
package transport
