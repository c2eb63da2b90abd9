package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/applier"
)

// demoProgress is where the demo's pipeline stands, read from the database.
type demoProgress struct {
	Mirrored map[string]int64 // live products per store
	Dests    []applier.DestinationStatus
	// Unpublished changes wait in the outbox; Inbox deliveries wait to be
	// applied to the mirror.
	Unpublished, Inbox int64
	// FullPlans counts the planner's completed full plans.
	FullPlans uint64
	// AppliedPerSecond is the rate of applied deltas since the previous
	// look (0 at the first).
	AppliedPerSecond float64
}

// rateSince sets AppliedPerSecond from the previous look, taken dt ago.
func (p *demoProgress) rateSince(prev demoProgress, dt time.Duration) {
	_, _, applied, _, _ := p.totals()
	_, _, before, _, _ := prev.totals()
	if dt > 0 && prev.Dests != nil {
		p.AppliedPerSecond = float64(applied-before) / dt.Seconds()
	}
}

// Planned is every delta planned so far; Pending, Applied and Failed sum
// the destinations'; Lag is the largest.
func (p demoProgress) totals() (planned, pending, applied, failed int64, lag time.Duration) {
	for _, d := range p.Dests {
		planned += d.Pending + d.Applied + d.Failed + d.Superseded
		pending += d.Pending
		applied += d.Applied
		failed += d.Failed
		lag = max(lag, d.Lag)
	}
	return
}

// superseded sums the destinations' superseded deltas.
func (p demoProgress) superseded() (n int64) {
	for _, d := range p.Dests {
		n += d.Superseded
	}
	return n
}

// idle reports whether nothing is left to do: the first full plan is done,
// no delta waits and no change waits for Kafka. Webhooks still arriving do
// not count: the destinations' echoes of the demo's own writes (~28 per
// product created) keep coming long after the last write on a small machine,
// change nothing (the applier mirrored its answers), and verify reads the
// stores' live state, so a webhook with a real change shows as drift.
func (p demoProgress) idle() bool {
	_, pending, _, _, _ := p.totals()
	return p.FullPlans > 0 && pending == 0 && p.Unpublished == 0
}

func readDemoProgress(ctx context.Context, pool *pgxpool.Pool, reg prometheus.Gatherer) (demoProgress, error) {
	p := demoProgress{Mirrored: map[string]int64{}}
	rows, err := pool.Query(ctx, `SELECT s.domain, (SELECT count(*) FROM products p WHERE p.store = s.domain AND p.deleted_at IS NULL)
		FROM stores s ORDER BY s.role DESC, s.domain`)
	if err != nil {
		return p, err
	}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return p, err
		}
		p.Mirrored[s] = n
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM change_outbox WHERE published_at IS NULL),
		(SELECT count(*) FROM webhook_deliveries WHERE status IN ('received', 'failed'))`).Scan(&p.Unpublished, &p.Inbox); err != nil {
		return p, err
	}
	if p.Dests, err = applier.Status(ctx, pool); err != nil {
		return p, err
	}
	p.FullPlans = histogramCount(reg, "shopsync_planner_plan_seconds", "kind", "full")
	return p, nil
}

// histogramCount is the sample count of a histogram's series with the
// given label value, from the gatherer's current values.
func histogramCount(g prometheus.Gatherer, name, label, value string) uint64 {
	mfs, err := g.Gather()
	if err != nil {
		return 0
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

// shortStore is a demo store's domain without what all of them share.
func shortStore(domain string) string {
	return strings.TrimPrefix(strings.TrimSuffix(domain, ".myshopify.com"), "demo-")
}

// line is the progress as one terminal line.
func (p demoProgress) line(elapsed time.Duration, source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%6s  mirrored %s %d", elapsed.Round(time.Second), shortStore(source), p.Mirrored[source])
	for _, d := range p.Dests {
		fmt.Fprintf(&b, " · %s %d", shortStore(d.Store), p.Mirrored[d.Store])
	}
	planned, pending, applied, failed, lag := p.totals()
	fmt.Fprintf(&b, " | planned %d applied %d (%.0f/s) pending %d", planned, applied, p.AppliedPerSecond, pending)
	if failed > 0 {
		fmt.Fprintf(&b, " failed %d", failed)
	}
	// Planned counts deltas that gave way to newer plans of their keys (or
	// went stale) too: said, so that planned minus applied and pending is
	// not read as work left or lost.
	if s := p.superseded(); s > 0 {
		fmt.Fprintf(&b, " superseded %d", s)
	}
	fmt.Fprintf(&b, " | lag %s", lag.Round(time.Second))
	if p.Inbox > 0 {
		fmt.Fprintf(&b, " · webhooks waiting %d", p.Inbox)
	}
	b.WriteString(" | budget")
	for i, d := range p.Dests {
		if i > 0 {
			b.WriteString(" ·")
		}
		if d.Budget == nil {
			fmt.Fprintf(&b, " %s -", shortStore(d.Store))
			continue
		}
		fmt.Fprintf(&b, " %s %.0f/%.0f (%.0f%% used)", shortStore(d.Store), d.Budget.Available, d.Budget.Maximum, 100*d.Budget.UsedShare)
	}
	return b.String()
}

// log writes the progress as one structured log line.
func (p demoProgress) log(l *slog.Logger, elapsed time.Duration) {
	planned, pending, applied, failed, lag := p.totals()
	attrs := []any{"elapsed_seconds", elapsed.Seconds(), "planned", planned, "applied", applied,
		"applied_per_second", p.AppliedPerSecond, "pending", pending, "superseded", p.superseded(),
		"failed", failed, "lag_seconds", lag.Seconds(), "unpublished_changes", p.Unpublished,
		"webhooks_waiting", p.Inbox, "full_plans", p.FullPlans}
	for s, n := range p.Mirrored {
		attrs = append(attrs, slog.Int64("mirrored_products."+shortStore(s), n))
	}
	for _, d := range p.Dests {
		if d.Budget != nil {
			attrs = append(attrs, slog.Group("budget."+shortStore(d.Store), "available", d.Budget.Available,
				"maximum", d.Budget.Maximum, "used_share", d.Budget.UsedShare, "throttled", d.Budget.Throttled))
		}
	}
	l.Info("demo progress", attrs...)
}
