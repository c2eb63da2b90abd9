package applier

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// Inventory reads (see the package doc, Inventory): a Writer confirms, by reading
// them from Shopify, the levels of synced items whose mirror rows changed
// since it last confirmed them, and counts what a two-way destination sold.

// readBatch is how many levels one read asks for (nodes(ids:)), and
// roundBatches how many reads one round of a Writer makes at most.
const (
	readBatch    = 100
	roundBatches = 10
)

// settleAfter is how long a pair may stay out of step (or a destination
// off its baseline) before its levels are read again anyway: the safety
// net for a mirror that missed a change (a lost webhook, a lost answer).
const settleAfter = 2 * time.Second

// seedEvery spaces the statements that start tracking newly synced pairs.
const seedEvery = 5 * time.Second

// scanShare bounds the database time the look-ups for changed levels take:
// after a look-up that took d, the next waits 1/scanShare × d (they scan
// every tracked level of the store, milliseconds for thousands of levels,
// about a second for 300,000 on a loaded machine).
const scanShare = 0.1

// observeState is when a store's Writer may next seed and look up changed
// levels, kept per database and store (a Writer keeps no inventory state of
// its own, and the next Writer of the store in this process takes over the
// schedule; stores are few).
type observeState struct{ nextSeed, nextScan time.Time }

type observeKey struct {
	db    *pgxpool.Pool
	store string
}

var observed sync.Map // observeKey → observeState

// levelRead is one level to confirm.
type levelRead struct {
	item, location, gid string
	version             int64
	readAt              time.Time
}

// observeInventory seeds the tracking of newly synced pairs now and then,
// then reads the levels that changed and records what the reads found. It
// does nothing (one query) when nothing changed.
func (w *Writer) observeInventory(ctx context.Context) error {
	var st observeState
	if v, ok := observed.Load(observeKey{w.db, w.store}); ok {
		st = v.(observeState)
	}
	now := time.Now()
	if now.Before(st.nextScan) {
		return nil
	}
	if !now.Before(st.nextSeed) {
		if _, err := w.db.Exec(ctx, sqlText("inventory_seed.sql"), w.store); err != nil {
			return fmt.Errorf("applier: seed inventory tracking of %s: %w", w.store, err)
		}
		st.nextSeed = time.Now().Add(max(seedEvery, time.Duration(float64(time.Since(now))/scanShare)))
	}
	// A burst of changes (a snapshot, a bulk edit) is read several batches
	// at a time, between the Writer's rounds of pending deltas.
	for range roundBatches {
		n, err := w.observeBatch(ctx, &st)
		if err != nil || n < readBatch {
			return err
		}
	}
	return nil
}

// observeBatch reads up to readBatch changed levels and records what the
// reads found; it returns how many levels had changed.
func (w *Writer) observeBatch(ctx context.Context, st *observeState) (int, error) {
	start := time.Now()
	rows, err := w.db.Query(ctx, sqlText("inventory_changed.sql"), w.store, readBatch, settleAfter.Seconds())
	if err != nil {
		return 0, fmt.Errorf("applier: levels to read on %s: %w", w.store, err)
	}
	todo, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (levelRead, error) {
		var l levelRead
		err := r.Scan(&l.item, &l.location, &l.gid, &l.version, &l.readAt)
		return l, err
	})
	if err != nil {
		return 0, fmt.Errorf("applier: levels to read on %s: %w", w.store, err)
	}
	st.nextScan = time.Now().Add(time.Duration(float64(time.Since(start)) / scanShare))
	observed.Store(observeKey{w.db, w.store}, *st)
	if len(todo) == 0 {
		return 0, nil
	}
	objs, err := w.readLevels(ctx, todo)
	if err != nil {
		// A failed read is tried again on the next round; the levels stay
		// unconfirmed, so nothing is planned or counted from them meanwhile.
		w.log.WarnContext(ctx, "reading inventory levels failed", "levels", len(todo), "err", err)
		return 0, nil
	}
	return len(todo), inTx(ctx, w.db, func(tx pgx.Tx) error { return w.recordReads(ctx, tx, todo, objs) })
}

// levelsQuery reads levels by GID, with what mirror.FromGraphQL needs.
const levelsQuery = `query ShopsyncLevels($ids: [ID!]!) {
  nodes(ids: $ids) { ... on InventoryLevel { id createdAt updatedAt item { id } location { id }
    quantities(names: ["available", "on_hand"]) { name quantity updatedAt } } }
}`

// readLevels reads the levels' current quantities from the store: the
// truth a webhook only hints at.
func (w *Writer) readLevels(ctx context.Context, ls []levelRead) (map[string]json.RawMessage, error) {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.gid
	}
	var data struct {
		Nodes []json.RawMessage `json:"nodes"`
	}
	req := &graphql.Request{OpName: "ShopsyncLevels", Variables: map[string]any{"ids": ids}, Query: levelsQuery}
	if err := w.client.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	for _, n := range data.Nodes {
		var head struct {
			Item     struct{ ID string }
			Location struct{ ID string }
		}
		if len(n) == 0 || isNull(n) || json.Unmarshal(n, &head) != nil || head.Item.ID == "" {
			continue // gone: the mirror learns it from its webhook or snapshot
		}
		out[levelKey(head.Item.ID, head.Location.ID)] = n
	}
	return out, nil
}

// recordReads writes what the reads found, in one transaction under the
// lease: the mirror rows (the read is newer than any webhook before it),
// the two-way counts (inventory_ledger and adjust_inventory deltas for the
// source, the baselines moved) and the levels' confirmed versions. A level
// written by the applier while it was being read is left for the next
// round: the read may or may not include that write.
func (w *Writer) recordReads(ctx context.Context, tx pgx.Tx, ls []levelRead, objs map[string]json.RawMessage) error {
	items, locs := make([]string, 0, len(ls)), make([]string, 0, len(ls))
	reads, versions := make([]time.Time, 0, len(ls)), make([]int64, 0, len(ls))
	for _, l := range ls {
		if objs[levelKey(l.item, l.location)] != nil {
			items, locs = append(items, l.item), append(locs, l.location)
			reads, versions = append(reads, l.readAt), append(versions, l.version)
		}
	}
	// The mirror's own lock on this store's levels (package mirror takes it
	// before writing them; it is reentrant): no webhook lands on a level
	// between the check below and the read's record, where it would be
	// overwritten by the older read.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
		"shopsync.mirror/"+w.store+"/"+events.InventoryLevel.Table()); err != nil {
		return fmt.Errorf("lock the mirror's levels: %w", err)
	}
	rows, err := tx.Query(ctx, sqlText("inventory_unchanged.sql"), w.store, items, locs, reads, versions)
	if err != nil {
		return fmt.Errorf("recheck levels read: %w", err)
	}
	keep, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var item, loc string
		err := r.Scan(&item, &loc)
		return levelKey(item, loc), err
	})
	if err != nil {
		return fmt.Errorf("recheck levels read: %w", err)
	}
	if len(keep) == 0 {
		return nil
	}
	var batch mirror.Batch
	qItems, qLocs, qtys := []string{}, []string{}, []int{}
	for _, k := range keep {
		b, err := mirror.FromGraphQL(w.store, objs[k])
		if err != nil {
			continue
		}
		for _, r := range b.Rows {
			if l, ok := r.(*mirror.InventoryLevel); ok && l.Available != nil {
				qItems, qLocs, qtys = append(qItems, l.InventoryItemGID), append(qLocs, l.LocationGID), append(qtys, *l.Available)
			}
		}
		batch.Rows = append(batch.Rows, b.Rows...)
	}
	if len(batch.Rows) > 0 {
		if _, err := w.mirror.Apply(ctx, tx, events.Reconcile, batch); err != nil {
			return fmt.Errorf("mirror levels read: %w", err)
		}
	}
	var counted int
	runID := "inventory-" + time.Now().UTC().Format("20060102T150405.000")
	if err := tx.QueryRow(ctx, sqlText("inventory_count.sql"), w.store, qItems, qLocs, qtys, runID).Scan(&counted); err != nil {
		return fmt.Errorf("count destination changes: %w", err)
	}
	if _, err := tx.Exec(ctx, sqlText("inventory_confirm.sql"), w.store, qItems, qLocs, qtys); err != nil {
		return fmt.Errorf("confirm levels read: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, '')", mirror.NotifyChannel); err != nil {
		return fmt.Errorf("notify the relay: %w", err)
	}
	w.cfg.Metrics.inventoryRead(w.store, len(qItems), counted)
	if counted > 0 {
		w.log.InfoContext(ctx, "destination stock changes counted for the source", "changes", counted)
	}
	return w.lease.fence(ctx, tx)
}
