package planner

import "github.com/jackc/pgx/v5"

// queueStageReads queues the reads of what a link's plan staged, the same
// for every family: counts by operation and the conflict count into lr, and
// with collect the staged deltas and conflicts themselves.
func queueStageReads(b *pgx.Batch, shape sqlShape, linkID int64, lr *LinkResult, collect bool) {
	b.Queue(`SELECT operation, count(*)::int FROM plan_stage GROUP BY operation`).Query(countsInto(lr.Planned))
	b.Queue(`SELECT count(*)::int FROM plan_stage_conflicts`).QueryRow(func(r pgx.Row) error { return r.Scan(&lr.ConflictCount) })
	if !collect {
		return
	}
	b.Queue(query("stage_deltas.sql", shape), linkID).Query(func(rows pgx.Rows) error {
		var err error
		lr.Deltas, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Delta])
		return err
	})
	b.Queue(query("stage_conflicts.sql", shape)).Query(func(rows pgx.Rows) error {
		var err error
		lr.Conflicts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Conflict])
		return err
	})
}
