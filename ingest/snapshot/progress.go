package snapshot

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Progress reports snapshots as they go: bars on a terminal (NewBars),
// structured log lines otherwise (NewLogProgress). Its methods are called
// concurrently, one Tracker per family run.
type Progress interface {
	Track(store string, family events.Family) Tracker
}

// Tracker follows one family's run.
type Tracker interface {
	// Exporting: the bulk operation runs in Shopify (resumed says it was
	// started by an earlier process).
	Exporting(bulkOperationID string, resumed bool)
	// Loading: the export completed with total records, now being loaded.
	Loading(total int64)
	// Loaded: records read so far (cumulative), now and then.
	Loaded(records int64)
	// Done: the run ended; err is nil when it completed.
	Done(stats LoadStats, err error)
}

// DefaultProgress is bars when w is a terminal and log lines on logger
// otherwise.
func DefaultProgress(ctx context.Context, w *os.File, logger *slog.Logger) (Progress, func()) {
	if isTerminal(w) {
		b := NewBars(ctx, w)
		return b, b.Wait
	}
	return NewLogProgress(logger), func() {}
}

func isTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// LogProgress reports with slog: a line when a family's export starts, when
// it completes, every tenth of the load, and at the end.
type LogProgress struct {
	log *slog.Logger
}

// NewLogProgress returns a LogProgress on logger (slog.Default() if nil).
func NewLogProgress(logger *slog.Logger) *LogProgress {
	if logger == nil {
		logger = slog.Default()
	}
	return &LogProgress{log: logger}
}

// Track implements Progress.
func (p *LogProgress) Track(store string, family events.Family) Tracker {
	return &logTracker{log: p.log.With("store", store, "family", string(family)), start: time.Now()}
}

type logTracker struct {
	log   *slog.Logger
	start time.Time

	mu         sync.Mutex
	total      int64
	nextReport int64
}

func (t *logTracker) Exporting(id string, resumed bool) {
	t.log.Info("snapshot bulk export running", "bulk_operation_id", id, "resumed", resumed)
}

func (t *logTracker) Loading(total int64) {
	t.mu.Lock()
	t.total, t.nextReport = total, max(total/10, 1)
	t.mu.Unlock()
	t.log.Info("snapshot bulk export completed; loading", "records", total,
		"elapsed_s", time.Since(t.start).Seconds())
}

func (t *logTracker) Loaded(n int64) {
	t.mu.Lock()
	report := t.total > 0 && n >= t.nextReport && n < t.total
	if report {
		t.nextReport += max(t.total/10, 1)
	}
	total := t.total
	t.mu.Unlock()
	if report {
		t.log.Info("snapshot loading", "records", n, "of", total)
	}
}

func (t *logTracker) Done(st LoadStats, err error) {
	if err != nil {
		t.log.Error("snapshot failed", "error", err.Error(), "elapsed_s", time.Since(t.start).Seconds())
		return
	}
	t.log.Info("snapshot completed", "records", st.Records, "changed", st.Changed,
		"elapsed_s", time.Since(t.start).Seconds())
}

// discardProgress reports nothing.
type discardProgress struct{}

func (discardProgress) Track(string, events.Family) Tracker { return discardTracker{} }

type discardTracker struct{}

func (discardTracker) Exporting(string, bool) {}
func (discardTracker) Loading(int64)          {}
func (discardTracker) Loaded(int64)           {}
func (discardTracker) Done(LoadStats, error)  {}
