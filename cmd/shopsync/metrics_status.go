package main

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/applier"
)

// statusCollector exposes, at scrape time, where every destination stands
// (what `shopsync status` prints): the plan's backlog and lag, and the cost
// budget the applier last saw. These are gauges read from PostgreSQL rather
// than counted in memory because the plan table is shared by every applier
// replica: any replica reports the same values, so dashboards take max().
type statusCollector struct {
	db                                     *pgxpool.Pool
	pending, failed, lag                   *prometheus.Desc
	available, capacity, restore, used, up *prometheus.Desc
}

func newStatusCollector(db *pgxpool.Pool) *statusCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"destination"}, nil)
	}
	return &statusCollector{
		db:        db,
		pending:   d("shopsync_applier_pending_deltas", "Deltas planned for the destination and not yet applied."),
		failed:    d("shopsync_applier_failed_deltas", "Deltas of the destination that failed (Shopify refused them); they stay until re-planned."),
		lag:       d("shopsync_applier_lag_seconds", "Age of the destination's oldest pending delta; 0 when none waits."),
		available: d("shopsync_applier_budget_available_points", "The destination's GraphQL cost budget currently available, as the applier last saw it."),
		capacity:  d("shopsync_applier_budget_capacity_points", "The destination's GraphQL cost bucket size (maximumAvailable)."),
		restore:   d("shopsync_applier_budget_restore_rate_points", "Points per second the destination's cost bucket refills with."),
		used:      d("shopsync_applier_budget_used_ratio", "Share of the restore rate the applier spent over the last minute (1: as fast as it refills)."),
		up:        prometheus.NewDesc("shopsync_applier_status_up", "1 when the last scrape could read the plan's status from PostgreSQL.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.pending, c.failed, c.lag, c.available, c.capacity, c.restore, c.used, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A database that does not answer
// within the scrape's usual budget gives shopsync_applier_status_up 0 rather
// than a failed scrape, so the process's other metrics still arrive.
func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := applier.Status(ctx, c.db)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	g := func(d *prometheus.Desc, v float64, dest string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, dest)
	}
	for _, s := range st {
		g(c.pending, float64(s.Pending), s.Store)
		g(c.failed, float64(s.Failed), s.Store)
		g(c.lag, s.Lag.Seconds(), s.Store)
		if b := s.Budget; b != nil {
			g(c.available, b.Available, s.Store)
			g(c.capacity, b.Maximum, s.Store)
			g(c.restore, b.RestoreRate, s.Store)
			g(c.used, b.UsedShare, s.Store)
		}
	}
}
