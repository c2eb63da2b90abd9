package applier

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/applier/audit"
)

// attemptInfo is one delta's attempt as recorded before its request left.
type attemptInfo struct {
	attempt int
	id      uuid.UUID
	key     string
}

// begin counts an attempt for every delta of q (nil when none) and of
// settled that is still pending, and writes its applier_attempts row, in one
// committed transaction under the lease, before anything is sent. Deltas no
// longer pending (superseded by a newer plan since they were read) are
// dropped: from q (an inventory batch that lost some keeps the rest under a
// new key) and from the returned map.
func (w *Writer) begin(ctx context.Context, q *request, settled []*Delta) (map[int64]attemptInfo, error) {
	var out map[int64]attemptInfo
	err := inTx(ctx, w.db, func(tx pgx.Tx) error {
		ids := make([]int64, 0, len(settled))
		for _, d := range settled {
			ids = append(ids, d.ID)
		}
		if q != nil {
			for _, d := range q.deltas() {
				ids = append(ids, d.ID)
			}
		}
		rows, err := tx.Query(ctx, `SELECT id FROM plan_deltas WHERE id = ANY($1) AND status = 'pending' ORDER BY id FOR UPDATE`, ids)
		if err != nil {
			return fmt.Errorf("lock deltas: %w", err)
		}
		pending, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("lock deltas: %w", err)
		}
		isPending := map[int64]bool{}
		for _, id := range pending {
			isPending[id] = true
		}
		if q != nil && len(pending) < len(ids) {
			q.keep(pending, w.store)
		}
		var (
			dIDs  []int64
			keys  []string
			muts  []string
			aIDs  []uuid.UUID
			infos = map[int64]attemptInfo{}
		)
		add := func(d *Delta, key, mutation string) error {
			if _, seen := infos[d.ID]; seen || !isPending[d.ID] {
				return nil
			}
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			dIDs, keys, muts, aIDs = append(dIDs, d.ID), append(keys, key), append(muts, mutation), append(aIDs, id)
			infos[d.ID] = attemptInfo{id: id, key: key}
			return nil
		}
		if q != nil {
			for _, c := range q.calls() {
				for _, d := range c.deltas() {
					if err := add(d, c.batchKey(), c.mutation()); err != nil {
						return err
					}
				}
			}
		}
		for _, d := range settled {
			if err := add(d, "", ""); err != nil {
				return err
			}
		}
		if len(dIDs) == 0 {
			out = infos
			return w.lease.fence(ctx, tx)
		}
		rows, err = tx.Query(ctx, sqlText("attempt_begin.sql"), w.store, w.lease.Holder, w.lease.Token, dIDs, keys, muts, aIDs)
		if err != nil {
			return fmt.Errorf("record attempts: %w", err)
		}
		var id int64
		var n int
		_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
			a := infos[id]
			a.attempt = n
			infos[id] = a
			return nil
		})
		if err != nil {
			return fmt.Errorf("record attempts: %w", err)
		}
		out = infos
		return w.lease.fence(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// keep drops from q the deltas not in pending.
func (q *request) keep(pending []int64, store string) {
	ok := map[int64]bool{}
	for _, id := range pending {
		ok[id] = true
	}
	for pi, part := range q.parts {
		var kept []call
		for _, c := range part {
			if ic, isInv := c.(*inventorySetCall); isInv {
				var ds []*Delta
				var items []inventoryDesired
				for i, d := range ic.ds {
					if ok[d.ID] {
						ds, items = append(ds, d), append(items, ic.items[i])
					}
				}
				if len(ds) == 0 {
					continue
				}
				if len(ds) < len(ic.ds) {
					ic.ds, ic.items = ds, items
					ic.key = batchKeyOf(store, ic.mutation(), ds)
				}
				kept = append(kept, ic)
				continue
			}
			if ok[c.deltas()[0].ID] {
				kept = append(kept, c)
			}
		}
		q.parts[pi] = kept
	}
	var parts [][]call
	for _, p := range q.parts {
		if len(p) > 0 {
			parts = append(parts, p)
		}
	}
	q.parts = parts
}

// interruptedMessage is the audit error of an attempt whose process stopped
// between sending and recording.
const interruptedMessage = "interrupted: the applier stopped before recording this attempt's outcome " +
	"(the request may or may not have reached Shopify); the delta is sent again in the same batch, under the same key"

// recoverInterrupted audits the attempts a previous holder left unfinished
// and returns the batch key of each delta still pending, so that the retry
// goes out as the same batch under the same key.
func (w *Writer) recoverInterrupted(ctx context.Context) (map[int64]string, error) {
	resume := map[int64]string{}
	err := pgx.BeginFunc(ctx, w.db, func(tx pgx.Tx) error {
		if err := w.lease.fence(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sqlText("attempt_interrupted.sql"), w.store)
		if err != nil {
			return fmt.Errorf("read interrupted attempts: %w", err)
		}
		type left struct {
			row     audit.Row
			status  string
			deltaID int64
			key     string
		}
		var all []left
		for rows.Next() {
			var (
				l       left
				attempt int
				started time.Time
			)
			r := &l.row
			if err := rows.Scan(&l.deltaID, &attempt, &r.AttemptID, &l.key, &r.Mutation, &started, &r.RunID,
				&r.Source, &r.Resource, &r.Operation, &r.Key, &r.TargetGID, &r.After, &r.Before, &l.status); err != nil {
				rows.Close()
				return fmt.Errorf("read interrupted attempts: %w", err)
			}
			r.DeltaID = uint64(l.deltaID)
			r.Destination = w.store
			r.Attempt = uint16(min(attempt, 65535))
			r.IdempotencyKey = l.key
			r.Status = audit.StatusFailed
			r.Error = interruptedMessage
			r.Operation = (&Delta{Operation: r.Operation}).auditOperation()
			all = append(all, l)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read interrupted attempts: %w", err)
		}
		rowsOut := make([]audit.Row, len(all))
		for i, l := range all {
			rowsOut[i] = l.row
		}
		if err := w.audit.RecordTx(ctx, tx, rowsOut...); err != nil {
			return fmt.Errorf("audit interrupted attempts: %w", err)
		}
		for _, l := range all {
			if l.status == "pending" {
				resume[l.deltaID] = l.key
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM applier_attempts WHERE store = $1`, w.store); err != nil {
			return fmt.Errorf("clear interrupted attempts: %w", err)
		}
		if len(all) > 0 {
			w.log.WarnContext(ctx, "audited attempts interrupted by a stop; their deltas go again in the same batches",
				"attempts", len(all), "pending", len(resume))
		}
		return nil
	})
	return resume, err
}
