package applier

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// recordInventoryOutcome writes, in the outcome's transaction and after the
// mirror took the answer, what inventory writes leave behind
// (sql/inventory_outcome.sql): baselines and lags of the sets applied, the
// levels written confirmed, and a read asked for each set refused as stale.
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
		case d.Operation == "set_inventory" && dr.verdict == refused && strings.HasPrefix(dr.err, "stale:"):
			op = "stale"
		case d.Operation == "adjust_inventory" && dr.verdict == applied:
			op = "adjust"
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
