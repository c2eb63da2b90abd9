package mirror

import (
	"sync"
	"time"
)

// relayHealth is what the relay last saw of Kafka, for health endpoints.
type relayHealth struct {
	mu    sync.Mutex
	err   error
	since time.Time
}

func (h *relayHealth) set(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if (err == nil) != (h.err == nil) {
		h.since = time.Now()
	}
	h.err = err
}

// Health is why the relay cannot publish (nil while it can, and before its
// first attempt) and since when. Changes wait in the outbox meanwhile: the
// mirror keeps working, so a failing relay is a degraded service, not a
// dead one.
func (r *Relay) Health() (err error, since time.Time) {
	r.health.mu.Lock()
	defer r.health.mu.Unlock()
	return r.health.err, r.health.since
}
