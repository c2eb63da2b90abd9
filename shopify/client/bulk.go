package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// BulkResult is where a bulk operation stands: its final state once
// WaitBulkOperation returns.
type BulkResult struct {
	ID     string
	Status BulkOperationStatus
	// ErrorCode is set when Status is FAILED: ACCESS_DENIED,
	// INTERNAL_SERVER_ERROR or TIMEOUT.
	ErrorCode       string
	ObjectCount     int64
	RootObjectCount int64
	FileSize        int64
	// URL is the JSONL result, valid for seven days. Empty when the
	// operation found no objects: Shopify writes no file then.
	URL string
	// PartialDataURL is what a FAILED operation produced before it failed.
	PartialDataURL string
	Query          string
	CreatedAt      time.Time
	CompletedAt    time.Time
}

// Done reports whether the operation has reached a terminal status.
func (r *BulkResult) Done() bool {
	switch r.Status {
	case BulkOperationStatusCompleted, BulkOperationStatusFailed, BulkOperationStatusCanceled, BulkOperationStatusExpired:
		return true
	}
	return false
}

func bulkResult(f BulkOperationFields) (*BulkResult, error) {
	r := &BulkResult{ID: f.Id, Status: f.Status, Query: f.Query, CreatedAt: f.CreatedAt}
	if f.ErrorCode != nil {
		r.ErrorCode = string(*f.ErrorCode)
	}
	if f.Url != nil {
		r.URL = *f.Url
	}
	if f.PartialDataUrl != nil {
		r.PartialDataURL = *f.PartialDataUrl
	}
	if f.CompletedAt != nil {
		r.CompletedAt = *f.CompletedAt
	}
	var err error
	// UnsignedInt64 arrives as a JSON string ("4").
	if r.ObjectCount, err = parseCount("objectCount", f.ObjectCount); err != nil {
		return nil, err
	}
	if r.RootObjectCount, err = parseCount("rootObjectCount", f.RootObjectCount); err != nil {
		return nil, err
	}
	if f.FileSize != nil {
		if r.FileSize, err = parseCount("fileSize", *f.FileSize); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func parseCount(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bulk operation %s %q: %w", field, s, err)
	}
	return n, nil
}

// RunBulkQuery runs a bulk query to its end: it starts the operation
// (groupObjects false, the 2026-01 default; shopify/bulk joins records in
// any order) and waits for it. A COMPLETED operation returns its result; a
// FAILED, CANCELED or EXPIRED one returns its result and a *BulkError.
//
// If ctx ends while waiting, the operation keeps running on Shopify's side;
// callers that want to resume use StartBulkQuery and WaitBulkOperation and
// keep the id.
func (c *Client) RunBulkQuery(ctx context.Context, query string) (*BulkResult, error) {
	started, err := c.StartBulkQuery(ctx, query, false)
	if err != nil {
		return nil, err
	}
	return c.waitBulk(ctx, started)
}

// StartBulkQuery starts a bulk query and returns the operation as created.
// A refusal (OPERATION_IN_PROGRESS, LIMIT_REACHED, INVALID) is *UserErrors.
func (c *Client) StartBulkQuery(ctx context.Context, query string, groupObjects bool) (*BulkResult, error) {
	resp, err := BulkOperationRunQuery(ctx, c, query, groupObjects)
	if err != nil {
		return nil, err
	}
	op := resp.BulkOperationRunQuery
	if op == nil || op.BulkOperation == nil {
		return nil, fmt.Errorf("shopify %s bulkOperationRunQuery: answered without a bulk operation", c.shop)
	}
	r, err := bulkResult(op.BulkOperation.BulkOperationFields)
	if err != nil {
		return nil, fmt.Errorf("shopify %s bulkOperationRunQuery: %w", c.shop, err)
	}
	c.log.DebugContext(ctx, "bulk operation started", "shop", c.shop, "id", r.ID, "status", r.Status)
	return r, nil
}

// BulkOperation returns the current state of a bulk operation.
func (c *Client) BulkOperation(ctx context.Context, id string) (*BulkResult, error) {
	resp, err := BulkOperation(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if resp.BulkOperation == nil {
		return nil, fmt.Errorf("shopify %s bulk operation %s: %w", c.shop, id, ErrBulkOperationNotFound)
	}
	r, err := bulkResult(resp.BulkOperation.BulkOperationFields)
	if err != nil {
		return nil, fmt.Errorf("shopify %s bulk operation %s: %w", c.shop, id, err)
	}
	return r, nil
}

// ErrBulkOperationNotFound is bulkOperation(id) answering null: an unknown
// id, or one of another app.
var ErrBulkOperationNotFound = errors.New("bulk operation not found")

// WaitBulkOperation polls a bulk operation (see BulkPolling) until it
// reaches a terminal status; the result is as for RunBulkQuery.
func (c *Client) WaitBulkOperation(ctx context.Context, id string) (*BulkResult, error) {
	r, err := c.BulkOperation(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.waitBulk(ctx, r)
}

func (c *Client) waitBulk(ctx context.Context, r *BulkResult) (*BulkResult, error) {
	for poll := 0; !r.Done(); poll++ {
		timer := time.NewTimer(c.bulk.next(poll))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("shopify %s waiting for bulk operation %s (left running): %w", c.shop, r.ID, context.Cause(ctx))
		case <-timer.C:
		}
		next, err := c.BulkOperation(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		r = next
		c.log.DebugContext(ctx, "bulk operation polled", "shop", c.shop, "id", r.ID, "status", r.Status, "objects", r.ObjectCount)
	}
	if r.Status != BulkOperationStatusCompleted {
		return r, &BulkError{Shop: c.shop, Result: r}
	}
	return r, nil
}

// CancelBulkOperation asks Shopify to cancel a running bulk operation and
// returns it as the answer left it (usually CANCELING; cancellation takes a
// moment, which WaitBulkOperation can wait out).
func (c *Client) CancelBulkOperation(ctx context.Context, id string) (*BulkResult, error) {
	resp, err := BulkOperationCancel(ctx, c, id)
	if err != nil {
		return nil, err
	}
	op := resp.BulkOperationCancel
	if op == nil || op.BulkOperation == nil {
		return nil, fmt.Errorf("shopify %s bulkOperationCancel %s: %w", c.shop, id, ErrBulkOperationNotFound)
	}
	r, err := bulkResult(op.BulkOperation.BulkOperationFields)
	if err != nil {
		return nil, fmt.Errorf("shopify %s bulkOperationCancel %s: %w", c.shop, id, err)
	}
	return r, nil
}
