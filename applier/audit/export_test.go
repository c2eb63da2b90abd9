package audit

import (
	"context"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NewWithCrashAfterInsert starts a Writer whose flusher runs hook between
// ClickHouse's acknowledgement of a batch and the batch's removal from the
// buffer; a hook error leaves the batch there, leased, as a crash would.
func NewWithCrashAfterInsert(db *pgxpool.Pool, ch driver.Conn, cfg Config, hook func() error) (*Writer, error) {
	return newWriter(db, ch, cfg, hook)
}

// Abandon stops the flusher the way a killed process would: no final
// delivery, leases left as they are.
func (w *Writer) Abandon() {
	w.closed.Store(true)
	w.cancel()
	<-w.done
}

// Insert sends rows straight to ClickHouse, as the flusher does, bypassing
// the buffer and the duplicate check.
func Insert(ch driver.Conn, table string, rows []Row) error {
	for i := range rows {
		if err := rows[i].normalise(time.Now()); err != nil {
			return err
		}
	}
	return (&sink{conn: ch, table: table}).insert(context.Background(), rows)
}

// BufferRows stores rows in the buffer as Record does, in one statement,
// with no Writer running.
func BufferRows(ctx context.Context, db *pgxpool.Pool, rows ...Row) error {
	now := time.Now()
	for i := range rows {
		if err := rows[i].normalise(now); err != nil {
			return err
		}
	}
	return appendRows(ctx, db, rows)
}
