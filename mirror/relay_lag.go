package mirror

import (
	"context"
	"sync"
)

// lagRefresher reads the outbox's lag for the relay's gauges off the
// publishing loop: the count is a round trip to PostgreSQL that would
// otherwise sit between one batch and the next, adding to every change's
// latency. At most one read runs at a time; a refresh asked for meanwhile
// is dropped, as the next one covers it.
type lagRefresher struct {
	r  *Relay
	wg *sync.WaitGroup // Run waits for the read in flight before it returns

	mu      sync.Mutex
	running bool
}

func newLagRefresher(r *Relay, wg *sync.WaitGroup) *lagRefresher {
	return &lagRefresher{r: r, wg: wg}
}

func (l *lagRefresher) refresh(ctx context.Context) {
	if l.r.m == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		return
	}
	l.running = true
	l.wg.Go(func() {
		l.r.refreshLag(ctx)
		l.mu.Lock()
		l.running = false
		l.mu.Unlock()
	})
}
