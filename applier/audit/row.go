package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Statuses of an attempt, the values of Row.Status (audit_writes.status).
const (
	StatusOK        = "ok"         // Shopify applied the write
	StatusUserError = "user_error" // Shopify refused it (userErrors)
	StatusThrottled = "throttled"  // Shopify throttled the request; it will be retried
	StatusFailed    = "failed"     // transport or server error
	StatusSkipped   = "skipped"    // nothing sent: the delta was stale or superseded
)

// Operations, the values of Row.Operation (plan_deltas.operation).
const (
	OperationCreate = "create"
	OperationUpdate = "update"
	OperationDelete = "delete"
)

var statuses = map[string]bool{StatusOK: true, StatusUserError: true, StatusThrottled: true, StatusFailed: true, StatusSkipped: true}

var operations = map[string]bool{OperationCreate: true, OperationUpdate: true, OperationDelete: true}

// Row is one write attempt, one row of ClickHouse audit_writes; the JSON names
// are the column names (the outbox keeps rows in that form). Strings are empty
// and numbers 0 where a value does not apply.
type Row struct {
	// AttemptID identifies the attempt; Record fills in a new UUID (version 7,
	// time-ordered) when it is zero. Recording an AttemptID still buffered
	// stores nothing more, so a caller that retries its transaction should set
	// it once, before the first try.
	AttemptID uuid.UUID `json:"attempt_id" ch:"attempt_id"`
	// Time is when the attempt finished; Record uses the current time when it
	// is zero. ClickHouse keeps whole seconds, UTC.
	Time        time.Time `json:"time" ch:"time"`
	RunID       string    `json:"run_id" ch:"run_id"`
	DeltaID     uint64    `json:"delta_id" ch:"delta_id"`       // plan_deltas.id, 0 if none
	Source      string    `json:"source" ch:"source"`           // store the change comes from
	Destination string    `json:"destination" ch:"destination"` // store written to; required
	Resource    string    `json:"resource" ch:"resource"`       // e.g. product; required
	Key         string    `json:"key" ch:"key"`                 // plan_deltas.key
	TargetGID   string    `json:"target_gid" ch:"target_gid"`
	Operation   string    `json:"operation" ch:"operation"` // create, update or delete
	Mutation    string    `json:"mutation" ch:"mutation"`   // e.g. productSet
	// Before and After are JSON documents: the destination object before the
	// write and what was written. Empty means {}.
	Before         string `json:"before" ch:"before"`
	After          string `json:"after" ch:"after"`
	Status         string `json:"status" ch:"status"` // one of the Status constants
	Error          string `json:"error" ch:"error"`
	RequestedCost  uint32 `json:"requested_cost" ch:"requested_cost"`
	Cost           uint32 `json:"cost" ch:"cost"` // actualQueryCost, points
	LatencyMS      uint32 `json:"latency_ms" ch:"latency_ms"`
	Attempt        uint16 `json:"attempt" ch:"attempt"` // from 1
	IdempotencyKey string `json:"idempotency_key" ch:"idempotency_key"`
}

// ErrInvalidRow is wrapped by the errors of rows Record refuses.
var ErrInvalidRow = errors.New("invalid audit row")

// normalise fills in the defaults Record promises and checks what ClickHouse
// and the dashboards rely on, so that a bad row fails its caller instead of
// sitting in the buffer.
func (r *Row) normalise(now time.Time) error {
	if r.AttemptID == uuid.Nil {
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("new attempt id: %w", err)
		}
		r.AttemptID = id
	}
	if r.Time.IsZero() {
		r.Time = now
	}
	r.Time = r.Time.UTC().Truncate(time.Second)
	if r.Before == "" {
		r.Before = "{}"
	}
	if r.After == "" {
		r.After = "{}"
	}
	switch {
	case r.Destination == "":
		return fmt.Errorf("%w: destination is empty", ErrInvalidRow)
	case r.Resource == "":
		return fmt.Errorf("%w: resource is empty", ErrInvalidRow)
	case !operations[r.Operation]:
		return fmt.Errorf("%w: operation %q is not create, update or delete", ErrInvalidRow, r.Operation)
	case !statuses[r.Status]:
		return fmt.Errorf("%w: status %q is not one of ok, user_error, throttled, failed, skipped", ErrInvalidRow, r.Status)
	case !json.Valid([]byte(r.Before)):
		return fmt.Errorf("%w: before is not JSON", ErrInvalidRow)
	case !json.Valid([]byte(r.After)):
		return fmt.Errorf("%w: after is not JSON", ErrInvalidRow)
	case r.Time.Year() < 1970 || r.Time.Year() > 2105:
		// DateTime is seconds since 1970 in a UInt32.
		return fmt.Errorf("%w: time %s is outside ClickHouse DateTime", ErrInvalidRow, r.Time)
	}
	return nil
}
