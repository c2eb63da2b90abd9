package audit

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

var (
	//go:embed outbox_insert.sql
	insertSQL string
	//go:embed outbox_claim.sql
	claimSQL string
	//go:embed outbox_delete.sql
	deleteSQL string
	//go:embed outbox_release.sql
	releaseSQL string
)

// execer is what appending a row needs: a pool, or the caller's transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// outbox is the durable buffer, PostgreSQL's audit_outbox table.
type outbox struct {
	db *pgxpool.Pool
}

// claimed is one buffered row taken by a flusher.
type claimed struct {
	id         int64
	deliveries int32
	row        Row
	bad        error // the payload could not be decoded
}

// appendRows stores rows, normalised, through db in one statement. They are
// durable once db's transaction commits.
func appendRows(ctx context.Context, db execer, rows []Row) error {
	ids := make([]string, len(rows))
	dests := make([]string, len(rows))
	payloads := make([]string, len(rows))
	for i := range rows {
		payload, err := json.Marshal(&rows[i])
		if err != nil {
			return fmt.Errorf("encode audit row: %w", err)
		}
		ids[i], dests[i], payloads[i] = rows[i].AttemptID.String(), rows[i].Destination, string(payload)
	}
	if _, err := db.Exec(ctx, insertSQL, ids, dests, payloads); err != nil {
		return fmt.Errorf("buffer %d audit rows: %w", len(rows), err)
	}
	return nil
}

// claim leases up to n of the oldest free rows, in id order.
func (o *outbox) claim(ctx context.Context, n int, lease time.Duration) ([]claimed, error) {
	rows, err := o.db.Query(ctx, claimSQL, n, lease.Seconds())
	if err != nil {
		return nil, fmt.Errorf("claim buffered audit rows: %w", err)
	}
	var out []claimed
	var payload []byte
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.id, &c.deliveries, &payload); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim buffered audit rows: %w", err)
		}
		if err := json.Unmarshal(payload, &c.row); err != nil {
			c.bad = fmt.Errorf("undecodable payload: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim buffered audit rows: %w", err)
	}
	// RETURNING gives no order; ClickHouse gets the rows as they were recorded.
	slices.SortFunc(out, func(a, b claimed) int { return cmp.Compare(a.id, b.id) })
	return out, nil
}

// remove deletes rows ClickHouse has acknowledged.
func (o *outbox) remove(ctx context.Context, ids []int64) error {
	if _, err := o.db.Exec(ctx, deleteSQL, ids); err != nil {
		return fmt.Errorf("remove delivered audit rows: %w", err)
	}
	return nil
}

// release frees rows after a failed send, with the reason; setAside keeps them
// out of every later batch.
func (o *outbox) release(ctx context.Context, ids []int64, setAside bool, reason string) error {
	if _, err := o.db.Exec(ctx, releaseSQL, ids, setAside, reason); err != nil {
		return fmt.Errorf("release audit rows: %w", err)
	}
	return nil
}

// count is the number of rows in the buffer, set-aside rows included.
func (o *outbox) count(ctx context.Context) (int64, error) {
	var n int64
	if err := o.db.QueryRow(ctx, "SELECT count(*) FROM audit_outbox").Scan(&n); err != nil {
		return 0, fmt.Errorf("count buffered audit rows: %w", err)
	}
	return n, nil
}

var _ execer = pgx.Tx(nil)
