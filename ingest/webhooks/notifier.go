package webhooks

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// notifier tells processors (LISTEN NotifyChannel) that deliveries wait. It
// notifies outside the deliveries' own transactions: a NOTIFY inside each
// insert would serialise every commit on PostgreSQL's notification lock,
// held until the commit's WAL flush. A poke sends a notification at once,
// unless one is being sent: then exactly one more follows it, so every
// poke is followed by a notification sent after the poking delivery
// committed, no delivery waits for a poll, and a burst costs one
// notification per round trip rather than one per delivery.
type notifier struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu      sync.Mutex
	sending bool // a goroutine is sending
	again   bool // poked while sending: send once more
}

// poke asks for a notification now; it never blocks the caller.
func (n *notifier) poke() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.sending {
		n.again = true
		return
	}
	n.sending = true
	go n.send()
}

func (n *notifier) send() {
	for {
		n.fire()
		n.mu.Lock()
		if !n.again {
			n.sending = false
			n.mu.Unlock()
			return
		}
		n.again = false
		n.mu.Unlock()
	}
}

func (n *notifier) fire() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := n.pool.Exec(ctx, "SELECT pg_notify($1, '')", NotifyChannel); err != nil {
		// Processors poll as well; a lost notification only delays.
		n.log.LogAttrs(ctx, slog.LevelDebug, "webhook notification not sent", slog.String("error", err.Error()))
	}
}
