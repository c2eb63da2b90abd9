package audit

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// columns are audit_writes' columns in the order insert appends them.
const columns = "time, run_id, delta_id, source, destination, resource, key, target_gid, operation, mutation, " +
	"before, after, status, error, requested_cost, cost, latency_ms, attempt, idempotency_key, attempt_id"

// sink is the ClickHouse side: batch inserts into audit_writes, and the check
// for rows it already has.
type sink struct {
	conn  driver.Conn
	table string // a plain identifier (Config.Validate)
}

// insert sends rows as one native batch: ClickHouse 18.16 takes no other kind
// of INSERT from clickhouse-go v2.26.0. The batch is one block, which
// ClickHouse writes as one part: all of it or none of it.
func (s *sink) insert(ctx context.Context, rows []Row) error {
	batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+s.table+" ("+columns+")")
	if err != nil {
		return fmt.Errorf("prepare ClickHouse insert: %w", err)
	}
	// An unsent batch keeps its INSERT open on the server; after Send, Abort
	// does nothing.
	defer func() { _ = batch.Abort() }()
	for i := range rows {
		r := &rows[i]
		err := batch.Append(r.Time, r.RunID, r.DeltaID, r.Source, r.Destination, r.Resource, r.Key, r.TargetGID,
			r.Operation, r.Mutation, r.Before, r.After, r.Status, r.Error, r.RequestedCost, r.Cost, r.LatencyMS,
			r.Attempt, r.IdempotencyKey, r.AttemptID)
		if err != nil {
			return fmt.Errorf("append audit row %s: %w", r.AttemptID, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert %d audit rows into ClickHouse: %w", len(rows), err)
	}
	return nil
}

// presentChunk is how many attempt ids one lookup names: 1,000 of them make a
// 40 kB query, well under ClickHouse's max_query_size (256 KiB), which a full
// batch of 10,000 would exceed.
const presentChunk = 1000

// present returns which of rows' attempt ids ClickHouse already has.
func (s *sink) present(ctx context.Context, rows []Row) (map[uuid.UUID]bool, error) {
	found := map[uuid.UUID]bool{}
	for chunk := range slices.Chunk(rows, presentChunk) {
		if err := s.lookup(ctx, chunk, found); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// lookup adds to found the attempt ids of rows that ClickHouse has. The time
// range keeps the scan to the rows' partitions.
func (s *sink) lookup(ctx context.Context, rows []Row, found map[uuid.UUID]bool) error {
	var q strings.Builder
	from, to := rows[0].Time, rows[0].Time
	q.WriteString("SELECT attempt_id FROM " + s.table + " WHERE attempt_id IN (")
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		// uuid.UUID.String is hex digits and dashes: nothing to escape.
		q.WriteString("'" + r.AttemptID.String() + "'")
		if r.Time.Before(from) {
			from = r.Time
		}
		if r.Time.After(to) {
			to = r.Time
		}
	}
	fmt.Fprintf(&q, ") AND time >= toDateTime(%d) AND time <= toDateTime(%d)", from.Unix(), to.Add(time.Second).Unix())
	res, err := s.conn.Query(ctx, q.String())
	if err != nil {
		return fmt.Errorf("look up %d resent audit rows in ClickHouse: %w", len(rows), err)
	}
	defer res.Close()
	for res.Next() {
		var id uuid.UUID
		if err := res.Scan(&id); err != nil {
			return fmt.Errorf("look up resent audit rows in ClickHouse: %w", err)
		}
		found[id] = true
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("look up resent audit rows in ClickHouse: %w", err)
	}
	return nil
}
