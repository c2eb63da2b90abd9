package fakeshop

import (
	"context"
	"strings"
	"time"
)

// Bulk operation statuses (BulkOperationStatus) and error codes
// (BulkOperationErrorCode), FACTS.md §1.3.
const (
	BulkCreated   = "CREATED"
	BulkRunning   = "RUNNING"
	BulkCompleted = "COMPLETED"
	BulkFailed    = "FAILED"
	BulkCanceling = "CANCELING"
	BulkCanceled  = "CANCELED"
	BulkExpired   = "EXPIRED"

	BulkErrorAccessDenied = "ACCESS_DENIED"
	BulkErrorInternal     = "INTERNAL_SERVER_ERROR"
	BulkErrorTimeout      = "TIMEOUT"
)

// TopicBulkOperationsFinish is the change a shop emits when a bulk operation
// reaches COMPLETED, FAILED or CANCELED; its Resource is the *BulkOperation.
const TopicBulkOperationsFinish = "bulk_operations/finish"

// Limits of bulk query operations in Admin API 2026-01 (FACTS.md §1.1, §1.2).
const (
	// MaxRunningBulkQueries is how many bulk query operations a shop may
	// have unfinished (CREATED, RUNNING or CANCELING) at once.
	MaxRunningBulkQueries = 5
	// MaxBulkConnections is the most connection fields a bulk query may have.
	MaxBulkConnections = 5
	// MaxBulkNesting is how deep connections may nest: the top-level
	// connection is level 0, a connection inside its nodes level 1, and one
	// inside those level 2. Shopify's guide counts this way: its example
	// products > variants > images is valid and only a fourth connection
	// below images is "nested level 3 (invalid)".
	MaxBulkNesting = 2
	// MaxBulkQueryBytes bounds the submitted document (UNVERIFIED: the
	// figure and its message come from a third-party emulator's tests).
	MaxBulkQueryBytes = 65535
	// BulkResultLifetime is how long a result URL stays valid: "expires 7
	// days after the operation completes" (FACTS.md §1.3).
	BulkResultLifetime = 7 * 24 * time.Hour
)

// BulkOperation is a snapshot of one bulk operation, as the BulkOperation
// object reports it. Like the resource records it is immutable; the live
// state is the shop's, and every read takes a fresh snapshot.
type BulkOperation struct {
	ID              int64
	Type            string // QUERY; bulk mutations are not emulated
	Status          string
	ErrorCode       *string
	Query           string
	GroupObjects    bool
	CreatedAt       time.Time
	CompletedAt     *time.Time
	ObjectCount     int64
	RootObjectCount int64
	FileSize        *int64
	URL             *string
	PartialDataURL  *string
}

// TypeName implements Object.
func (*BulkOperation) TypeName() string { return "BulkOperation" }

// NumericID implements Identified.
func (o *BulkOperation) NumericID() int64 { return o.ID }

// GID is the operation's global id.
func (o *BulkOperation) GID() string { return gidOf("BulkOperation", o.ID) }

// Finished reports whether the operation has reached a terminal status.
func (o *BulkOperation) Finished() bool { return bulkTerminal(o.Status) }

func bulkTerminal(status string) bool {
	switch status {
	case BulkCompleted, BulkFailed, BulkCanceled, BulkExpired:
		return true
	}
	return false
}

// BulkQueryError is a rejected bulk query: what bulkOperationRunQuery
// reports as userErrors (codes INVALID or LIMIT_REACHED).
type BulkQueryError struct {
	Errors []*UserError
}

func (e *BulkQueryError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, u := range e.Errors {
		msgs[i] = u.Message
	}
	return "bulk query rejected: " + strings.Join(msgs, "; ")
}

// RunBulkQuery starts a bulk query operation, as bulkOperationRunQuery does:
// it validates the query, returns the operation in status CREATED, and runs
// it in the background. A rejected query is a *BulkQueryError. ctx only
// tells which address the request arrived on, which becomes the host of the
// result URL; Go callers may pass context.Background().
//
// groupObjects is recorded; both modes write each parent before its
// children, which grouped output promises and ungrouped output (the 2026-01
// default) allows. Options.BulkShuffleWindow makes ungrouped results come
// out in no particular order, which is all Shopify promises for them.
func (s *Shop) RunBulkQuery(ctx context.Context, query string, groupObjects bool) (*BulkOperation, error) {
	return s.bulk.start(ctx, query, groupObjects)
}

// BulkOperation returns a snapshot of the operation with that numeric id, or
// nil.
func (s *Shop) BulkOperation(id int64) *BulkOperation {
	j := s.bulk.get(id)
	if j == nil {
		return nil
	}
	return j.snapshot()
}

// BulkOperations returns snapshots of every bulk operation of the shop,
// newest first.
func (s *Shop) BulkOperations() []*BulkOperation {
	jobs := s.bulk.list()
	out := make([]*BulkOperation, len(jobs))
	for i, j := range jobs {
		out[len(jobs)-1-i] = j.snapshot()
	}
	return out
}

// CancelBulkOperation starts cancelling an operation, as bulkOperationCancel
// does: an unfinished operation turns CANCELING at once and CANCELED when
// its export has stopped. Cancelling a finished operation is a *UserError;
// cancelling one that is already CANCELING is not.
func (s *Shop) CancelBulkOperation(id int64) (*BulkOperation, error) {
	j := s.bulk.get(id)
	if j == nil {
		return nil, &UserError{Field: []string{"id"}, Message: "Bulk operation does not exist"}
	}
	return j.requestCancel()
}

// FailNextBulkQuery makes the next bulk query operation the shop starts fail
// with errorCode (ACCESS_DENIED, INTERNAL_SERVER_ERROR or TIMEOUT) after it
// has written afterObjects objects, which its partialDataUrl then serves. It
// is a fault for testing clients; Shopify fails operations on its own terms.
func (s *Shop) FailNextBulkQuery(afterObjects int64, errorCode string) {
	s.bulk.mu.Lock()
	defer s.bulk.mu.Unlock()
	s.bulk.fault = &bulkFault{after: afterObjects, code: errorCode}
}
