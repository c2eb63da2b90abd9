package webhooks

import (
	"encoding/json"
	"time"
)

// Delivery is one stored webhook delivery, as the Processor hands it to the
// Applier.
type Delivery struct {
	WebhookID  string // X-Shopify-Webhook-Id, the inbox's key
	Store      string // the shop's domain, lower case (stores.domain)
	Topic      string // X-Shopify-Topic, e.g. products/update
	EventID    string // X-Shopify-Event-Id; empty when Shopify sent none
	APIVersion string // version the payload was serialised with
	// TriggeredAt is when Shopify triggered the delivery (retries keep it);
	// zero when the header was absent or unreadable.
	TriggeredAt time.Time
	ReceivedAt  time.Time // when shopsync stored it
	// Attempts is how many times applying it was tried before this call.
	Attempts int
	// Payload is the body as jsonb gives it back: the same JSON value, keys
	// possibly reordered and whitespace dropped; numbers are kept exactly, so
	// decode with json.Decoder.UseNumber (ids exceed 2^53).
	Payload json.RawMessage
}

// TopicInfo returns what shopsync knows of the delivery's topic. Every topic a
// Processor hands over is one of Topics: the others are stored as ignored.
func (d Delivery) TopicInfo() TopicInfo { return Topics[d.Topic] }

// Tombstone reports whether the delivery says its resource is gone.
func (d Delivery) Tombstone() bool { return Topics[d.Topic].Tombstone }
