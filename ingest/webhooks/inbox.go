package webhooks

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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

// pgInbox stores deliveries in webhook_deliveries, one statement (one round
// trip) each, committed with synchronous_commit on (see inbox_insert.sql).
// It reports false for a webhook id already stored, and pokes the notifier
// for each new delivery that waits to be applied.
func pgInbox(pool *pgxpool.Pool, wake *notifier) inbox {
	return func(ctx context.Context, in inbound) (bool, error) {
		var status string
		err := pool.QueryRow(ctx, insertSQL, in.webhookID, in.store, in.topic, nullIfEmpty(in.eventID), nullIfEmpty(in.apiVersion),
			pgtype.Timestamptz{Time: in.triggeredAt, Valid: !in.triggeredAt.IsZero()}, in.status,
			json.RawMessage(in.payload)).Scan(&status)
		var pgErr *pgconn.PgError
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return false, nil // a duplicate
		case errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22"): // data exception: the value itself
			return false, fmt.Errorf("%w: %s", errPayloadRefused, pgErr.Message)
		case err != nil:
			return false, fmt.Errorf("webhooks: store delivery: %w", err)
		}
		if status == StatusReceived {
			wake.poke()
		}
		return true, nil
	}
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
