package applier

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/shopify/cost"
)

// A product create stocks its variants itself: productSet takes each new
// variant's quantities per location (inventoryQuantities), so a first sync
// does not follow every create with one inventoryActivate per level (13
// points each, one level per mutation: for a product of 9 variants more than
// twice what the create costs). The quantities are the source's, at the
// link's mapped locations, where the planner would set them
// (shopsync_inventory_settled); the answer reads the levels back, and the
// outcome records them as a set_inventory would: mirror, baseline, read
// confirmed, echo. A create retried after an interruption stocks nothing
// (its first attempt may have stocked the levels, which may have sold
// since): the planner sets what it left.

// stockQuantity is one quantity a create stocks.
type stockQuantity struct {
	sourceItem string // the source variant's inventory item
	location   string // the destination location
	quantity   int
}

// stockedLevel is a level a create stocked, for the outcome.
type stockedLevel struct {
	linkID                     int64
	sourceItem, item, location string
	quantity                   int
}

// stockCreates looks up the stock of the part's fresh creates (those the
// packer costed as stocking, levels > 0) and sets it on them. A create then
// reads back as many levels per variant as it stocks locations, none when it
// stocks nothing. If the part would cost more than Shopify's cap per
// request, creates go without stock from the last. It returns the part's
// cost as it will be sent.
func (w *Writer) stockCreates(ctx context.Context, part []call) (int, error) {
	var creates []*productSetCall
	var links []int64
	var variants []string
	for _, c := range part {
		pc, ok := c.(*productSetCall)
		if !ok || !pc.create || pc.levels == 0 {
			continue
		}
		pc.levels, pc.stock = 0, nil
		if pc.d.resumeKey != "" {
			continue
		}
		creates = append(creates, pc)
		for _, v := range pc.desired.Variants {
			if v.SourceGID != "" {
				links, variants = append(links, pc.d.LinkID), append(variants, v.SourceGID)
			}
		}
	}
	if len(variants) > 0 {
		type key struct {
			link    int64
			variant string
		}
		found := map[key][]stockQuantity{}
		rows, err := w.db.Query(ctx, sqlText("create_stock.sql"), w.store, links, variants)
		if err != nil {
			return 0, fmt.Errorf("applier: stock of creates on %s: %w", w.store, err)
		}
		var k key
		var q stockQuantity
		if _, err := pgx.ForEachRow(rows, []any{&k.link, &k.variant, &q.sourceItem, &q.location, &q.quantity}, func() error {
			found[k] = append(found[k], q)
			return nil
		}); err != nil {
			return 0, fmt.Errorf("applier: stock of creates on %s: %w", w.store, err)
		}
		for _, pc := range creates {
			pc.stock = make([][]stockQuantity, len(pc.desired.Variants))
			for i, v := range pc.desired.Variants {
				pc.stock[i] = found[key{pc.d.LinkID, v.SourceGID}]
			}
			if pc.levels = len(pc.stockLocations()); pc.levels == 0 {
				pc.stock = nil
			}
		}
	}
	total, err := partCost(part)
	if err != nil {
		return 0, err
	}
	for i := len(creates) - 1; i >= 0 && total > cost.MaxQueryCost; i-- {
		if creates[i].levels == 0 {
			continue
		}
		creates[i].levels, creates[i].stock = 0, nil
		if total, err = partCost(part); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// partCost is the requested cost of calls sent as one request.
func partCost(part []call) (int, error) {
	total := 0
	for _, c := range part {
		n, err := callCost(c)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// recordStocked records, in the outcome's transaction, the levels creates
// stocked as applied sets are recorded (sql/inventory_outcome.sql): the
// pair's baseline moves to the quantity stocked and the level is confirmed
// at its new mirror version.
func (w *Writer) recordStocked(ctx context.Context, tx pgx.Tx, ls []stockedLevel) error {
	if len(ls) == 0 {
		return nil
	}
	ops := make([]string, len(ls))
	links := make([]int64, len(ls))
	srcItems, items, locs := make([]string, len(ls)), make([]string, len(ls)), make([]string, len(ls))
	qtys := make([]*int, len(ls))
	for i, l := range ls {
		ops[i], links[i], srcItems[i], items[i], locs[i], qtys[i] = "set", l.linkID, l.sourceItem, l.item, l.location, &l.quantity
	}
	rows, err := tx.Query(ctx, sqlText("inventory_outcome.sql"), w.store, ops, links, srcItems, items, locs, qtys)
	if err != nil {
		return fmt.Errorf("record the stock of creates: %w", err)
	}
	lags, err := pgx.CollectRows(rows, pgx.RowTo[float64])
	if err != nil {
		return fmt.Errorf("record the stock of creates: %w", err)
	}
	for _, s := range lags {
		w.cfg.Metrics.inventoryLag(w.store, s)
	}
	return nil
}
