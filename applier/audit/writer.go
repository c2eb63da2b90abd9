package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrClosed is returned by Record and RecordTx after Close.
var ErrClosed = errors.New("audit writer closed")

// Writer records audit rows durably and delivers them to ClickHouse in the
// background. It is safe for concurrent use. Several Writers, in one process
// or many, may share one buffer (the audit_outbox table): each batch goes to
// one of them.
type Writer struct {
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	outbox  *outbox
	sink    *sink

	kick     chan struct{}   // a full batch was recorded here
	pending  atomic.Int64    // rows recorded since the last flush began
	stopping chan struct{}   // Close was called: the loop ends after its flush
	done     chan struct{}   // the loop has ended
	runCtx   context.Context // every flusher operation; cancelled at the end of Close
	cancel   context.CancelFunc
	closed   atomic.Bool
	close    sync.Once

	mu         sync.Mutex
	lastErr    error  // nil while healthy
	failing    string // what the last failure was about: "ClickHouse" or "PostgreSQL"
	lastCounts time.Time

	// afterInsert, when set (tests), runs between ClickHouse's acknowledgement
	// and the removal from the buffer; an error stops the flush right there,
	// as a crash would.
	afterInsert func() error
}

// New starts a Writer buffering in db's audit_outbox and delivering to ch's
// database (Config.Table). The Writer does not own db or ch: close them after
// Close. Rows left in the buffer by an earlier Writer are delivered too.
func New(db *pgxpool.Pool, ch driver.Conn, cfg Config) (*Writer, error) {
	return newWriter(db, ch, cfg, nil)
}

func newWriter(db *pgxpool.Pool, ch driver.Conn, cfg Config, afterInsert func() error) (*Writer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &Writer{
		cfg:      cfg,
		log:      log,
		metrics:  cfg.Metrics,
		outbox:   &outbox{db: db},
		sink:     &sink{conn: ch, table: cfg.Table},
		kick:     make(chan struct{}, 1),
		stopping: make(chan struct{}),
		done:     make(chan struct{}),
		runCtx:   ctx,
		cancel:   cancel,

		afterInsert: afterInsert,
	}
	go w.run()
	return w, nil
}

// Record stores rows in the buffer in a transaction of its own, all or none.
// When it returns nil they are durable: each reaches ClickHouse exactly once
// (see the package documentation), whatever happens to ClickHouse or this
// process. It fills in each row's AttemptID and Time when zero; an invalid row
// fails the call with an error wrapping ErrInvalidRow, and nothing is stored.
func (w *Writer) Record(ctx context.Context, rows ...Row) error {
	return w.record(ctx, w.outbox.db, rows)
}

// RecordTx stores rows in the buffer within tx, the transaction that records
// the attempts' outcome (the deltas' status): the rows exist if and only if tx
// commits. One statement, however many rows. Commit tx for the rows to be
// delivered.
func (w *Writer) RecordTx(ctx context.Context, tx pgx.Tx, rows ...Row) error {
	return w.record(ctx, tx, rows)
}

func (w *Writer) record(ctx context.Context, db execer, rows []Row) error {
	if w.closed.Load() {
		return ErrClosed
	}
	if len(rows) == 0 {
		return nil
	}
	// The caller's slice stays as it was; the filled-in copies are stored.
	rows = slices.Clone(rows)
	now := time.Now()
	for i := range rows {
		if err := rows[i].normalise(now); err != nil {
			w.metrics.addRows(RowsRefused, len(rows))
			if len(rows) > 1 {
				return fmt.Errorf("row %d: %w", i, err)
			}
			return err
		}
	}
	if err := appendRows(ctx, db, rows); err != nil {
		w.metrics.addRows(RowsUnbuffered, len(rows))
		return err
	}
	w.metrics.addRows(RowsRecorded, len(rows))
	if w.pending.Add(int64(len(rows))) >= int64(w.cfg.BatchSize) {
		select {
		case w.kick <- struct{}{}:
		default: // a kick is already waiting
		}
	}
	return nil
}

// Healthy reports whether the last delivery attempt succeeded (true before
// the first). While false, rows wait in the buffer and LastError says why.
func (w *Writer) Healthy() bool {
	return w.LastError() == nil
}

// LastError is why the last delivery attempt failed, or nil if it succeeded.
func (w *Writer) LastError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastErr
}

// Buffered counts the rows waiting in the buffer, this Writer's and others'.
func (w *Writer) Buffered(ctx context.Context) (int64, error) {
	return w.outbox.count(ctx)
}

// Close stops the flusher after the batch in flight, then delivers what is
// buffered until the buffer is empty, a delivery fails or ctx ends. Rows it
// could not deliver stay in the buffer for the next Writer; the error then
// says how many. Record and RecordTx fail with ErrClosed afterwards.
func (w *Writer) Close(ctx context.Context) error {
	err := ErrClosed
	w.close.Do(func() {
		w.closed.Store(true)
		close(w.stopping)
		select {
		case <-w.done:
		case <-ctx.Done():
			w.cancel() // abandon the flush in flight; its rows stay buffered
			<-w.done
		}
		err = w.drain(ctx)
		w.cancel()
	})
	return err
}

// drain delivers full batches until the buffer runs short, for Close.
func (w *Writer) drain(ctx context.Context) error {
	for {
		n, err := w.flushOnce(ctx)
		if err != nil {
			left, cerr := w.outbox.count(context.WithoutCancel(ctx))
			if cerr != nil {
				return fmt.Errorf("audit: close: rows stay buffered: %w", err)
			}
			return fmt.Errorf("audit: close: %d rows stay buffered for the next writer: %w", left, err)
		}
		if n < w.cfg.BatchSize {
			return nil
		}
	}
}
