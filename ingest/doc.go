// Package ingest mirrors Shopify stores into PostgreSQL and keeps them
// mirrored: Service runs, per store, the bulk snapshots (package snapshot),
// the webhook inbox with its mirror-backed Applier (packages webhooks and
// apply) and the periodic reconciliation (package reconcile), and relays
// the mirror's changes to Kafka.
package ingest
