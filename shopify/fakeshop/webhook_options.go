package fakeshop

import "time"

// WebhookOptions configure webhook delivery (Options.Webhooks). The zero
// value is Shopify's behaviour as far as it is known (FACTS.md §2.3); tests
// shorten RetrySchedule so that a delivery's whole retry life takes
// milliseconds.
type WebhookOptions struct {
	// RetrySchedule is the wait before each retry of a failed delivery; its
	// length is the number of retries. Nil means DefaultRetrySchedule: 8
	// retries, exponential, about four hours in all, which is what Shopify
	// announces ("8 times over 4 hours using an exponential backoff").
	// Shopify's exact intervals are not published. After the last retry
	// fails the subscription is deleted.
	RetrySchedule []time.Duration
	// Timeout bounds one delivery attempt, response included; 0 means 5 s.
	Timeout time.Duration
	// ConnectTimeout bounds the TCP connect; 0 means 1 s.
	ConnectTimeout time.Duration
	// QueueSize bounds the deliveries one shop may have unfinished (queued,
	// in flight, waiting to retry, or held by a fault); a change that would
	// exceed it is not delivered and counted as overflowed, so a dead
	// receiver cannot make the emulator grow without bound. 0 means 10,000.
	QueueSize int
	// Workers is the number of concurrent deliveries per shop; 0 means 4.
	// With 1, a shop's deliveries leave in the order they were made unless a
	// fault or a retry reorders them.
	Workers int
	// Location is the time zone of payload timestamps; nil means UTC. The
	// shops report ianaTimezone Etc/UTC, so UTC keeps the two consistent;
	// set e.g. America/New_York to get the "-05:00" offsets of Shopify's
	// documentation samples.
	Location *time.Location
}

// DefaultRetrySchedule is Shopify's announced retry policy in shape: 8
// retries with exponential backoff over about four hours (56 s doubling: the
// last retry goes out 3 h 58 min after the first attempt).
var DefaultRetrySchedule = func() []time.Duration {
	out := make([]time.Duration, 8)
	for i := range out {
		out[i] = 56 * time.Second << i
	}
	return out
}()

func (o WebhookOptions) withDefaults() WebhookOptions {
	if o.RetrySchedule == nil {
		o.RetrySchedule = DefaultRetrySchedule
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = time.Second
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 10_000
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return o
}
