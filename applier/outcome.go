package applier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// spend is one delta's share of what its request(s) cost and took.
type spend struct {
	requested, actual int
	latency           time.Duration
}

// outcome is everything one unit of work recorded in one transaction.
type outcome struct {
	ds    []*Delta
	infos map[int64]attemptInfo
	res   *result
	// sent is false for deltas settled without a request (stale, nothing to
	// do): their audit rows say skipped.
	sent     bool
	mutation map[int64]string
	spends   map[int64]spend
}

// record writes an outcome: the destination mirror from the answer, id_map,
// applier_writes, the deltas' statuses, one audit row per delta and the end
// of the attempts, in one transaction under the lease. A deadlock with a
// concurrent planner run is retried: Shopify's write is done, only its
// record is missing.
func (w *Writer) record(ctx context.Context, o *outcome) error {
	if err := inTx(ctx, w.db, func(tx pgx.Tx) error { return w.recordTx(ctx, tx, o) }); err != nil {
		return fmt.Errorf("applier: record outcome on %s: %w", w.store, err)
	}
	return nil
}

// inTx runs fn in a transaction, again when PostgreSQL chose it as the
// victim of a deadlock or a serialization failure (the planner supersedes
// pending deltas in an order of its own while the applier settles them).
func inTx(ctx context.Context, db *pgxpool.Pool, fn func(pgx.Tx) error) error {
	var err error
	for try := 0; try < 5; try++ {
		err = pgx.BeginFunc(ctx, db, fn)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001") {
			continue
		}
		break
	}
	return err
}

func (w *Writer) recordTx(ctx context.Context, tx pgx.Tx, o *outcome) error {
	r := o.res
	rows, err := patchedRows(ctx, tx, w.store, r)
	if err != nil {
		return err
	}
	batch := mirror.Batch{Rows: append(append([]mirror.Row{}, r.batch.Rows...), rows...), ChildSets: r.batch.ChildSets, Deletions: r.batch.Deletions}
	if len(batch.Rows)+len(batch.ChildSets)+len(batch.Deletions) > 0 {
		// The applier's writes come back as webhooks too; writing the answer
		// now means the planner sees the store in sync at once. Its change
		// rows say applier: the planner does not replan a destination for
		// what shopsync wrote there itself.
		if _, err := w.mirror.Apply(ctx, tx, events.Applier, batch); err != nil {
			if !errors.Is(err, mirror.ErrInvalidRow) {
				return err
			}
			w.log.WarnContext(ctx, "an answer could not be mirrored; the ingest will mirror the objects", "err", err)
		}
	}
	if err := recordPairs(ctx, tx, r.pairs); err != nil {
		return err
	}
	if err := w.recordEchoes(ctx, tx, r.echoes); err != nil {
		return err
	}
	if err := w.recordInventoryOutcome(ctx, tx, o.ds, r); err != nil {
		return err
	}
	if err := w.recordStocked(ctx, tx, r.stocked); err != nil {
		return err
	}

	var (
		ids      []int64
		statuses []string
		errs     []*string
		audits   []audit.Row
	)
	for _, d := range o.ds {
		dr := r.deltas[d.ID]
		if dr == nil {
			dr = &deltaResult{verdict: retry, err: "no result for the delta"}
			r.deltas[d.ID] = dr
		}
		status, msg := w.planStatus(d, o.infos[d.ID].attempt, dr)
		ids, statuses, errs = append(ids, d.ID), append(statuses, status), append(errs, msg)
		audits = append(audits, w.auditRow(d, o, dr, status))
	}
	if err := w.audit.RecordTx(ctx, tx, audits...); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if _, err := tx.Exec(ctx, sqlText("deltas_settle.sql"), ids, statuses, errs); err != nil {
		return fmt.Errorf("settle deltas: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM applier_attempts WHERE delta_id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("end attempts: %w", err)
	}
	// Last, so the lease row is locked only for the commit: a renewal waits
	// milliseconds, a takeover waits for the commit (and then finds it done).
	return w.lease.fence(ctx, tx)
}

// planStatus is the plan_deltas status and error a verdict leads to.
func (w *Writer) planStatus(d *Delta, attempt int, dr *deltaResult) (string, *string) {
	msg := dr.err
	switch {
	case dr.verdict == applied || (dr.verdict == skipped && dr.noop):
		return "applied", nil
	case dr.verdict == skipped:
		// Nothing was sent: the target changed since the delta was planned.
		// That is not a failed write; the delta gives way, as to a newer
		// plan, and the planner plans the key again from the mirror.
		return "superseded", &msg
	case dr.verdict == retry && (attempt < w.cfg.MaxAttempts || dr.now):
		// A delta only held up by another item of its batch (refused for
		// that one, which fails) is not at fault: it goes again without
		// the other, however often its batches were refused.
		return "pending", &msg
	case dr.verdict == retry:
		msg = fmt.Sprintf("gave up after %d attempts: %s", attempt, dr.err)
		return "failed", &msg
	}
	if msg == "" {
		msg = "refused"
	}
	return "failed", &msg
}

func (w *Writer) auditRow(d *Delta, o *outcome, dr *deltaResult, planStatus string) audit.Row {
	info := o.infos[d.ID]
	sp := o.spends[d.ID]
	row := audit.Row{
		AttemptID: info.id, Time: time.Now(), RunID: d.RunID, DeltaID: uint64(d.ID), Source: d.Source,
		Destination: w.store, Resource: d.Resource, Key: d.Key, TargetGID: d.targetGID(),
		Operation: d.auditOperation(), Mutation: o.mutation[d.ID], Before: string(d.Before), After: string(d.Desired),
		RequestedCost: uint32(max(0, sp.requested)), Cost: uint32(max(0, sp.actual)),
		LatencyMS: uint32(sp.latency.Milliseconds()), Attempt: uint16(min(max(info.attempt, 1), 65535)),
		IdempotencyKey: info.key,
	}
	if dr.targetGID != "" {
		row.TargetGID = dr.targetGID
	}
	if len(dr.after) > 0 {
		row.After = string(dr.after)
	}
	switch {
	case !o.sent || dr.verdict == skipped:
		row.Status = audit.StatusSkipped
	case dr.verdict == applied:
		row.Status = audit.StatusOK
	case dr.verdict == refused:
		row.Status = audit.StatusUserError
	case strings.Contains(dr.err, "THROTTLED"):
		row.Status = audit.StatusThrottled
	default:
		row.Status = audit.StatusFailed
	}
	if row.Status == audit.StatusOK {
		row.Error = dr.warning
	}
	if row.Status != audit.StatusOK {
		row.Error = dr.err
		if planStatus == "failed" && dr.verdict == retry {
			row.Error = fmt.Sprintf("gave up after %d attempts: %s", info.attempt, dr.err)
		}
	}
	return row
}

// recordPairs writes id_map rows, first releasing a destination object
// recorded for another source object (id_map is one to one).
func recordPairs(ctx context.Context, tx pgx.Tx, pairs []idPair) error {
	if len(pairs) == 0 {
		return nil
	}
	links := make([]int64, len(pairs))
	res := make([]string, len(pairs))
	src := make([]string, len(pairs))
	dst := make([]string, len(pairs))
	for i, p := range pairs {
		links[i], res[i], src[i], dst[i] = p.linkID, p.resource, p.sourceGID, p.destinationGID
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM id_map m USING unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS p (link_id, resource, source_gid, destination_gid)
		WHERE m.link_id = p.link_id AND m.resource = p.resource AND m.destination_gid = p.destination_gid
		  AND m.source_gid <> p.source_gid`, links, res, src, dst)
	b.Queue(`INSERT INTO id_map (link_id, resource, source_gid, destination_gid)
		SELECT DISTINCT ON (p.link_id, p.resource, p.source_gid) p.link_id, p.resource, p.source_gid, p.destination_gid
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS p (link_id, resource, source_gid, destination_gid)
		ON CONFLICT (link_id, resource, source_gid)
		DO UPDATE SET destination_gid = EXCLUDED.destination_gid, updated_at = now()
		WHERE id_map.destination_gid <> EXCLUDED.destination_gid`, links, res, src, dst)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("record id_map: %w", err)
	}
	return nil
}

// recordEchoes writes applier_writes rows, with the mirror's content hash of
// each product and variant as the write left it.
func (w *Writer) recordEchoes(ctx context.Context, tx pgx.Tx, es []echo) error {
	if len(es) == 0 {
		return nil
	}
	res := make([]string, len(es))
	gids := make([]string, len(es))
	locs := make([]string, len(es))
	qty := make([]*int, len(es))
	keys := make([]string, len(es))
	ids := make([]int64, len(es))
	for i, e := range es {
		res[i], gids[i], locs[i], qty[i], keys[i], ids[i] = e.resource, e.gid, e.location, e.quantity, e.key, e.deltaID
	}
	if _, err := tx.Exec(ctx, sqlText("echoes_record.sql"), w.store, res, gids, locs, qty, keys, ids, w.cfg.EchoTTL.Seconds()); err != nil {
		return fmt.Errorf("record applier_writes: %w", err)
	}
	return nil
}
