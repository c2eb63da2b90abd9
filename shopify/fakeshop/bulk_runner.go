package fakeshop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bulkOps is one shop's bulk operations: their live state, the goroutines
// that export them and the directory their files are written to.
//
// Locking: bulkOps.mu guards the job list, the directory and the fault;
// bulkJob.mu guards one job's status. The order is bulkOps.mu, then
// bulkJob.mu, and neither is held while the shop's own lock is taken, so a
// node(id) lookup (which runs under the shop's read lock) may take them.
type bulkOps struct {
	shop *Shop
	opts Options
	// baseURL is the server's URL for callers without an HTTP request.
	baseURL func() string

	mu     sync.Mutex
	jobs   []*bulkJob // creation order, so ids ascend
	dir    string     // created with the first operation
	fault  *bulkFault
	closed bool
	wg     sync.WaitGroup
}

// bulkFault is FailNextBulkQuery's pending failure.
type bulkFault struct {
	after int64
	code  string
}

func newBulkOps(shop *Shop, opts Options, baseURL func() string) *bulkOps {
	return &bulkOps{shop: shop, opts: opts, baseURL: baseURL}
}

// bulkJob is one bulk operation's live state.
type bulkJob struct {
	ops       *bulkOps
	id        int64
	query     string
	group     bool
	createdAt time.Time
	token     string // the unguessable part of the result URL
	path      string // the result file
	baseURL   string // scheme and host of the result URL
	plan      *bulkPlan
	fault     *bulkFault

	objects, roots atomic.Int64
	cancel         context.CancelFunc

	mu          sync.Mutex
	status      string
	errorCode   *string
	completedAt *time.Time
	fileSize    *int64
	hasFile     bool // the file exists and url or partialDataUrl serves it
}

// start validates a query and launches its operation.
func (b *bulkOps) start(ctx context.Context, query string, group bool) (*BulkOperation, error) {
	plan, uerrs := planBulkQuery(query)
	if len(uerrs) > 0 {
		return nil, &BulkQueryError{Errors: uerrs}
	}
	base := requestBaseURL(ctx)
	if base == "" {
		base = b.baseURL()
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("fakeshop: server closed")
	}
	// 2026-01 lets five bulk queries run at once per shop (FACTS.md §1.2).
	// Which code the sixth gets is UNVERIFIED: the enum has LIMIT_REACHED
	// ("Bulk operations limit reached"), which is what this answers; a
	// third-party emulator answers OPERATION_IN_PROGRESS, the pre-2026-01
	// code, so clients should treat both as "busy, retry later".
	running := 0
	for _, j := range b.jobs {
		if !bulkTerminal(j.currentStatus()) {
			running++
		}
	}
	if running >= MaxRunningBulkQueries {
		return nil, &BulkQueryError{Errors: []*UserError{{
			Code:    "LIMIT_REACHED",
			Message: "Bulk operations limit reached. Please try again later.",
		}}}
	}
	if b.dir == "" {
		dir, err := os.MkdirTemp(b.opts.BulkDir, "fakeshop-bulk-"+b.shop.name+"-")
		if err != nil {
			return nil, fmt.Errorf("fakeshop: bulk result directory: %w", err)
		}
		b.dir = dir
	}
	j := &bulkJob{
		ops: b, id: nextID(), query: query, group: group, createdAt: b.shop.now(),
		token: randomHex(20), baseURL: base, plan: plan, fault: b.fault, status: BulkCreated,
	}
	b.fault = nil
	j.path = filepath.Join(b.dir, strconv.FormatInt(j.id, 10)+".jsonl")
	runCtx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	b.jobs = append(b.jobs, j)
	created := j.snapshot() // before the goroutine can move it on
	b.wg.Add(1)
	go j.run(runCtx)
	return created, nil
}

func (b *bulkOps) get(id int64) *bulkJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, j := range b.jobs {
		if j.id == id {
			return j
		}
	}
	return nil
}

func (b *bulkOps) list() []*bulkJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*bulkJob(nil), b.jobs...)
}

// close stops every running export, waits for them and removes the files.
// Operations stopped this way end CANCELED without a finish event: the
// server is going away, and so are its webhook deliveries.
func (b *bulkOps) close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	for _, j := range b.jobs {
		j.cancel()
	}
	dir := b.dir
	b.mu.Unlock()
	b.wg.Wait()
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

func (j *bulkJob) currentStatus() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.status
}

// run exports the operation and records how it ended.
func (j *bulkJob) run(ctx context.Context) {
	defer j.ops.wg.Done()
	defer j.cancel()
	j.mu.Lock()
	if j.status == BulkCreated {
		j.status = BulkRunning
	}
	j.mu.Unlock()

	size, err := j.export(ctx)

	j.mu.Lock()
	now := j.ops.shop.now()
	j.completedAt = &now
	var injected *bulkInjectedError
	switch {
	case j.status == BulkCanceling || ctx.Err() != nil:
		j.status = BulkCanceled
		_ = os.Remove(j.path)
	case err != nil:
		j.status = BulkFailed
		code := BulkErrorInternal
		if errors.As(err, &injected) {
			code = injected.code
		} else {
			j.ops.shop.logBulk("fakeshop: bulk operation failed", "id", j.id, "err", err)
		}
		j.errorCode = &code
		j.hasFile = j.objects.Load() > 0 && size > 0
		if !j.hasFile {
			_ = os.Remove(j.path)
		}
	default:
		j.status = BulkCompleted
		j.fileSize = &size
		j.hasFile = true
	}
	j.mu.Unlock()
	if !j.ops.isClosed() {
		j.ops.shop.announceBulkFinish(j.snapshot())
	}
}

func (b *bulkOps) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// requestCancel moves an unfinished operation to CANCELING and stops its
// export; the export goroutine then marks it CANCELED.
func (j *bulkJob) requestCancel() (*BulkOperation, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch j.status {
	case BulkCreated, BulkRunning:
		j.status = BulkCanceling
		j.cancel()
	case BulkCanceling:
	default:
		// The message is a third-party emulator's capture, UNVERIFIED.
		return j.snapshotLocked(), &UserError{Message: "A bulk operation cannot be canceled when it is " + strings.ToLower(j.status)}
	}
	return j.snapshotLocked(), nil
}

// snapshot is the operation as BulkOperation reports it now. A completed
// operation past BulkResultLifetime turns EXPIRED here, lazily, and its file
// is removed; a failed one keeps its status but loses its partial data.
func (j *bulkJob) snapshot() *BulkOperation {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.snapshotLocked()
}

func (j *bulkJob) snapshotLocked() *BulkOperation {
	if j.hasFile && j.completedAt != nil && !j.ops.shop.now().Before(j.completedAt.Add(BulkResultLifetime)) {
		j.hasFile = false
		_ = os.Remove(j.path)
		if j.status == BulkCompleted {
			j.status = BulkExpired
		}
	}
	op := &BulkOperation{
		ID: j.id, Type: "QUERY", Status: j.status, ErrorCode: j.errorCode, Query: j.query, GroupObjects: j.group,
		CreatedAt: j.createdAt, CompletedAt: j.completedAt, FileSize: j.fileSize,
		ObjectCount: j.objects.Load(), RootObjectCount: j.roots.Load(),
	}
	if j.hasFile {
		u := j.url()
		if j.status == BulkCompleted {
			op.URL = &u
		} else {
			op.PartialDataURL = &u
		}
	}
	return op
}

// url is where the result file is served: like Shopify's signed storage
// URLs it needs no access token, only the unguessable path.
func (j *bulkJob) url() string {
	return j.baseURL + "/bulk/" + j.ops.shop.name + "/" + j.token + "/" + strconv.FormatInt(j.id, 10) + ".jsonl"
}

// announceBulkFinish delivers the bulk_operations/finish change to the
// shop's hooks, as write does for resource changes (a bulk operation is not
// a store record, so it does not go through write).
func (s *Shop) announceBulkFinish(op *BulkOperation) {
	c := Change{Shop: s, Topic: TopicBulkOperationsFinish, Resource: op, At: s.now(), EventID: nextID()}
	s.hooksMu.RLock()
	hooks := append([]func(Change){}, s.hooks...)
	s.hooksMu.RUnlock()
	for _, h := range hooks {
		h(c)
	}
}

func (s *Shop) logBulk(msg string, args ...any) {
	if s.bulk.opts.Logger != nil {
		s.bulk.opts.Logger.Error(msg, append([]any{"shop", s.name}, args...)...)
	}
}

// closeBulk stops every shop's bulk exports and removes their files.
func (s *Server) closeBulk() {
	for _, sh := range s.Shops() {
		sh.bulk.close()
	}
}
