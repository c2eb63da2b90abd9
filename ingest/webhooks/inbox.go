package webhooks

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NotifyChannel is the PostgreSQL channel a stored delivery that waits to be
// applied is announced on.
const NotifyChannel = "shopsync_webhook_deliveries"

// Statuses of a row of webhook_deliveries.
const (
	StatusReceived  = "received"
	StatusProcessed = "processed"
	StatusFailed    = "failed"
	StatusIgnored   = "ignored"
)

//go:embed inbox_insert.sql
var insertSQL string

// inbound is a verified delivery on its way into the inbox.
type inbound struct {
	webhookID, store, topic, eventID, apiVersion string
	triggeredAt                                  time.Time
	status                                       string // StatusReceived or StatusIgnored
	payload                                      []byte
}

// errPayloadRefused marks a body PostgreSQL's jsonb will not hold although
// encoding/json accepted it.
var errPayloadRefused = errors.New("webhooks: the database refused the payload")

// inbox stores deliveries. It is a function so that the benchmark's baseline
// can run the same handler without the database.
type inbox func(ctx context.Context, in inbound) (stored bool, err error)

// pgInbox stores deliveries in webhook_deliveries, each in its own
// transaction committed with synchronous_commit on, so that the answer to
// Shopify never precedes a durable row even on a server whose default is off.
// It reports false for a webhook id already stored.
func pgInbox(pool *pgxpool.Pool) inbox {
	return func(ctx context.Context, in inbound) (bool, error) {
		tx, err := pool.Begin(ctx)
		if err != nil {
			return false, fmt.Errorf("webhooks: store delivery: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit

		batch := &pgx.Batch{}
		batch.Queue("SET LOCAL synchronous_commit TO on")
		batch.Queue(insertSQL, in.webhookID, in.store, in.topic, nullIfEmpty(in.eventID), nullIfEmpty(in.apiVersion),
			pgtype.Timestamptz{Time: in.triggeredAt, Valid: !in.triggeredAt.IsZero()}, in.status,
			json.RawMessage(in.payload), NotifyChannel)
		results := tx.SendBatch(ctx, batch)
		_, err = results.Exec()
		stored := false
		if err == nil {
			var status string
			var quiet bool
			err = results.QueryRow().Scan(&status, &quiet)
			stored = err == nil
			if errors.Is(err, pgx.ErrNoRows) {
				err = nil // a duplicate
			}
		}
		if cerr := results.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code[:2] == "22" { // data exception: the value itself
				return false, fmt.Errorf("%w: %s", errPayloadRefused, pgErr.Message)
			}
			return false, fmt.Errorf("webhooks: store delivery: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return false, fmt.Errorf("webhooks: commit delivery: %w", err)
		}
		return stored, nil
	}
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
