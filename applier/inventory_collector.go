package applier

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// InventoryCollector exposes, at scrape time, how far each destination's
// stock is from its source, from the inventory_sync_status view:
//
//	shopsync_inventory_tracked_levels{destination}        levels the inventory sync follows
//	shopsync_inventory_out_of_sync_levels{destination}    of those, levels whose mirrored quantities differ
//	shopsync_inventory_max_lag_seconds{destination}       longest time a level has differed (0 when all agree)
//	shopsync_inventory_pending_adjustments{destination}   two-way changes counted, not yet applied to the source
//
// Per item and location the view itself has them. Read from PostgreSQL, so
// every replica reports the same values.
type InventoryCollector struct {
	db                               *pgxpool.Pool
	tracked, outOfSync, lag, adjusts *prometheus.Desc
}

// NewInventoryCollector returns a collector reading db.
func NewInventoryCollector(db *pgxpool.Pool) *InventoryCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"destination"}, nil)
	}
	return &InventoryCollector{
		db:        db,
		tracked:   d("shopsync_inventory_tracked_levels", "Inventory levels of the destination the inventory sync follows."),
		outOfSync: d("shopsync_inventory_out_of_sync_levels", "Followed levels whose mirrored quantity differs from the source's."),
		lag:       d("shopsync_inventory_max_lag_seconds", "Longest time a followed level has differed from the source's (0 when all agree)."),
		adjusts:   d("shopsync_inventory_pending_adjustments", "Two-way: destination changes counted and not yet applied to the source."),
	}
}

// Describe implements prometheus.Collector.
func (c *InventoryCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.tracked, c.outOfSync, c.lag, c.adjusts} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A database that does not answer
// in time gives no inventory series this scrape (the process's other
// metrics still arrive).
func (c *InventoryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := c.db.Query(ctx, `SELECT destination_store, count(*), count(*) FILTER (WHERE NOT in_sync),
			coalesce(max(lag_seconds), 0), coalesce(sum(pending_adjustments), 0)
		FROM inventory_sync_status GROUP BY destination_store`)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var dest string
		var tracked, out, adjusts int64
		var lag float64
		if rows.Scan(&dest, &tracked, &out, &lag, &adjusts) != nil {
			return
		}
		ch <- prometheus.MustNewConstMetric(c.tracked, prometheus.GaugeValue, float64(tracked), dest)
		ch <- prometheus.MustNewConstMetric(c.outOfSync, prometheus.GaugeValue, float64(out), dest)
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, lag, dest)
		ch <- prometheus.MustNewConstMetric(c.adjusts, prometheus.GaugeValue, float64(adjusts), dest)
	}
}
