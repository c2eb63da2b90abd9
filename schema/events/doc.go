// Package events defines the change event that shopsync publishes to Kafka for
// every change to the Postgres mirror: its JSON envelope, the topic of each
// resource family and the message key.
//
// The relay reads the change_outbox table and publishes one ChangeEvent per row;
// the planner and anything else downstream consume them. Delivery is at least
// once: a consumer drops redeliveries by ID, or by (Key, Version).
package events
