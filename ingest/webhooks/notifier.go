package webhooks

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// notifyDelay is how long the notifier gathers stored deliveries into one
// notification.
const notifyDelay = 10 * time.Millisecond

// notifier tells processors (LISTEN NotifyChannel) that deliveries wait. It
// notifies outside the deliveries' own transactions and at most once per
// notifyDelay: a NOTIFY inside each insert would serialise every commit on
// PostgreSQL's notification lock, held until the commit's WAL flush, which
// caps the receiver at one commit per flush. Each poke is followed, within
// notifyDelay, by a notification sent after the poking delivery committed,
// so no delivery waits for a poll.
type notifier struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu        sync.Mutex
	scheduled bool
}

// poke asks for a notification soon; it never blocks the caller.
func (n *notifier) poke() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.scheduled {
		return // the scheduled one fires after this delivery's commit too
	}
	n.scheduled = true
	time.AfterFunc(notifyDelay, n.fire)
}

func (n *notifier) fire() {
	n.mu.Lock()
	n.scheduled = false // pokes from now on schedule the next one
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := n.pool.Exec(ctx, "SELECT pg_notify($1, '')", NotifyChannel); err != nil {
		// Processors poll as well; a lost notification only delays.
		n.log.LogAttrs(ctx, slog.LevelDebug, "webhook notification not sent", slog.String("error", err.Error()))
	}
}
