// Package client is shopsync's typed Admin GraphQL API client.
//
// The operations shopsync sends are written in operations/*.graphql and
// generated into Go (generated.go) by genqlient from shopsync's SDL subset
// (package adminapi): one function per operation, taking a graphql.Client,
// with typed variables and a typed response. A *Client is that
// graphql.Client for one shop:
//
//	c, err := client.New(client.Config{ShopDomain: "acme.myshopify.com", Token: token})
//	q := client.UpdatedSince(lastRun)
//	resp, err := client.Products(ctx, c, client.ProductsPageSize, nil, &q, client.VariantsPerProduct)
//
// Requests go through shopify/transport, so every Client in the process
// shares the shop's cost budget, waits instead of being THROTTLED, and
// retries 429, 5xx and transport errors. What the transport hands back is
// mapped to errors callers can branch on: a top-level GraphQL error is an
// *APIError matching its code with errors.Is (CodeThrottled,
// CodeMaxCostExceeded, CodeAccessDenied, …); a non-200 answer without one is
// an *HTTPError (ErrUnauthorized, ErrNotFound, …); a mutation answered with
// userErrors returns its typed response together with a *UserErrors.
//
// pages.go holds page sizes that keep each read under Shopify's 1,000-point
// cap for a single query.
//
// Bulk queries (FACTS.md §1) run with RunBulkQuery, or StartBulkQuery and
// WaitBulkOperation when the caller keeps the operation id to resume after a
// restart; OpenBulkResult streams the JSONL file for shopify/bulk to read.
//
// Nullable input fields are pointers and are left out of the request when
// nil, never sent as null, because Shopify reads an explicit null as "clear
// this value"; see operations/products_write.graphql.
package client

//go:generate go tool genqlient
