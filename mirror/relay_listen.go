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
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection ends in LISTEN state or broken: never hand it back.
	defer func() {
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{NotifyChannel}.Sanitize()); err != nil {
		return err
	}
	bo.Reset()
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}
