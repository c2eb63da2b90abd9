package mirror

import (
	"context"

	"github.com/cenkalti/backoff/v5"
	"github.com/jackc/pgx/v5"
)

// listen wakes the publisher when a transaction that wrote change rows
// commits (NOTIFY in the same transaction). It reconnects after a lost
// connection; the publisher's poll covers the gap.
func (r *Relay) listen(ctx context.Context, wake chan<- struct{}) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = r.cfg.MinBackoff, r.cfg.MaxBackoff
	for {
		err := r.listenOnce(ctx, wake, bo)
		if ctx.Err() != nil {
			return
		}
		r.log.Debug("relay listen connection lost; polling until it is back", "err", err)
		if !sleep(ctx, bo.NextBackOff()) {
			return
		}
	}
}

func (r *Relay) listenOnce(ctx context.Context, wake chan<- struct{}, bo *backoff.ExponentialBackOff) error {
	// A connection of its own, not one of the pool's: a LISTEN holds its
	// session for as long as the relay runs, and a pool slot held that long
	// is one the relay's batches and the mirror's writers wait for.
	conn, err := pgx.ConnectConfig(ctx, r.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{NotifyChannel}.Sanitize()); err != nil {
		return err
	}
	bo.Reset()
	// Catch up on what committed while nobody listened.
	select {
	case wake <- struct{}{}:
	default:
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}
