package applier

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// recordInventoryOutcome writes, in the outcome's transaction and after the
// mirror took the answer, what inventory writes leave behind
// (sql/inventory_outcome.sql): baselines and lags of the sets applied, the
// levels set confirmed, and a read asked for each set refused. A source
// level an adjustment moved is not confirmed: several adjustments of one
// level may be under way at once and their answers recorded in any order,
// so the mirror may hold an older quantityAfterChange than the last; the
// level is read again before the planner sets anything from it.
func (w *Writer) recordInventoryOutcome(ctx context.Context, tx pgx.Tx, ds []*Delta, r *result) error {
	var ops, srcItems, items, locs []string
	var links []int64
	var qtys []*int
	for _, d := range ds {
		dr := r.deltas[d.ID]
		if dr == nil || d.Resource != "inventory_level" {
			continue
		}
		op := ""
		switch {
		case d.Operation == "set_inventory" && dr.verdict == applied:
			op = "set"
		case d.Operation == "set_inventory" && dr.verdict == refused:
			// Stale (CHANGE_FROM_QUANTITY_STALE) above all, but any refusal
			// (a previous attempt under the key failed, say): the level is
			// read again and planned again from what the read finds.
			op = "stale"
		default:
			continue
		}
		var it struct {
			Item      string `json:"inventory_item_gid"`
			Location  string `json:"location_gid"`
			Available *int   `json:"available"`
		}
		if json.Unmarshal(d.Desired, &it) != nil || it.Item == "" {
			continue
		}
		ops, links, srcItems = append(ops, op), append(links, d.LinkID), append(srcItems, d.sourceGID())
		items, locs, qtys = append(items, it.Item), append(locs, it.Location), append(qtys, it.Available)
	}
	if len(ops) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, sqlText("inventory_outcome.sql"), w.store, ops, links, srcItems, items, locs, qtys)
	if err != nil {
		return fmt.Errorf("record inventory sync: %w", err)
	}
	lags, err := pgx.CollectRows(rows, pgx.RowTo[float64])
	if err != nil {
		return fmt.Errorf("record inventory sync: %w", err)
	}
	for _, s := range lags {
		w.cfg.Metrics.inventoryLag(w.store, s)
	}
	return nil
}
