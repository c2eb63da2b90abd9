// Package webhook verifies Shopify webhook deliveries: the Base64
// HMAC-SHA256 of the raw body keyed by the app's client secret (FACTS.md
// §2.2), and the X-Shopify-* headers that identify a delivery (§2.1).
//
// Shopify adds no timestamp or replay window to webhooks, so deduplication is
// the receiver's job (by X-Shopify-Webhook-Id), not this package's.
package webhook
