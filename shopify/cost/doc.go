// Package cost models Shopify's Admin GraphQL calculated query cost: a static
// calculator for the requested (and, given a response, actual) cost of an
// operation, and the leaky bucket that each app+shop pair is charged against.
//
// The calculator follows Shopify's published model (FACTS.md §3.1):
//
//   - a scalar or enum field costs 0;
//   - an object field costs 1 plus its selection (a plain list of objects,
//     such as userErrors, is costed like one object: its length is unknown
//     before execution);
//   - an interface or union field costs 1 plus the most expensive selection
//     over its possible concrete types;
//   - a connection (a field whose type name ends in "Connection" and that
//     takes first/last) costs 2 + n × item, where n is first or last (the
//     larger when both are given) and item = max(1, cost of the edges{node}
//     selection, cost of the nodes selection); the node object itself is the
//     1 inside item, pageInfo and cursor are free. A nested connection is part
//     of its parent's item, so it is multiplied by the parent's page size;
//   - a mutation root field costs 10, which covers its payload object and the
//     objects the payload returns directly (product, userErrors, ...); what is
//     selected deeper than that is costed as in a query. This is calibrated to
//     the observations in FACTS.md: bulkOperationRunQuery and draftOrderCreate
//     request 10, and productCreate selecting product{... variants(first: 1)
//     {...}} plus userErrors requests 13 (10 + the 3-point connection) and
//     costs 10 when product comes back null.
//
// Fragments and inline fragments are resolved against each possible concrete
// type, fields that share a response key are merged as GraphQL execution
// merges them (so a field selected in two fragments is costed once), @skip
// and @include are honoured, and variables (with their defaults) are
// substituted.
//
// A connection without first or last is a MissingPageSizeError: Shopify
// rejects such a query, so a server (fakeshop) turns the error into a
// validation error. A Calculator whose MissingPageSize is set costs such a
// connection as if that page size had been requested instead, which suits a
// client that only wants an upper bound (set it to 250, Shopify's maximum).
//
// Actual cost walks the response data alongside the operation: a connection
// costs 2 plus the items it actually returned, and a null object stops the
// walk below it. Per-field cost overrides that Shopify applies to some fields
// (for example productSet's dynamic cost) are not modelled.
package cost
