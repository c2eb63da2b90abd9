package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The orders family runs the other way from the products family: an order
// placed in a link's destination is recreated in the link's source
// (create_order), and its cancellation there cancels the source's twin
// (cancel_order). Its deltas have resource "order", the destination order's
// GID as key and source_gid, and the link's source as target_store; a
// cancel_order's target_gid is the source order (id_map resource "order",
// recorded by the applier when it creates the order). sql/orders_stage.sql
// says what is planned and how lines are matched.
//
// # Exactly once
//
// A destination order is planned for creation only while id_map has no
// source twin for it, and at most one delta per order is pending (the
// plan_deltas_one_pending index). The applier looks the order's identity tag
// up in the source before every create, so a create retried after a crash,
// or planned again after a delta was given up, finds the order made the
// first time instead of making a second one.
//
// # Inventory
//
// inventoryBehaviour is chosen per link inventory mode so that a sale lowers
// the source's stock exactly once:
//
//   - none: the destination's stock is its own business; the source ships the
//     order, so orderCreate decrements the source (DECREMENT_IGNORING_POLICY:
//     the sale has happened, it must not be refused for lack of stock).
//   - one_way: the source's levels overwrite the destination's, so the source
//     must take the sale itself, DECREMENT_IGNORING_POLICY as above; the
//     next plan sets the destination to the lowered source level.
//   - two_way: inventory sync moves the source by the destination's own
//     decrement already, so orderCreate must not decrement again: BYPASS.
//
// cancel_order restocks the source under none and one_way (it took the
// stock at create) and not under two_way (the destination's restock, if any,
// reaches the source through inventory sync).

// orderResources are the plan_deltas resources of the orders family.
var orderResources = []string{"order"}

// PlanOrders plans the orders family of one link: the given destination
// orders (GIDs), or every order of the destination when orderGIDs is nil.
func (p *Planner) PlanOrders(ctx context.Context, linkID int64, orderGIDs []string) (*LinkResult, error) {
	return p.planOrdersOf(ctx, linkID, orderGIDs, Options{})
}

// PlanOrdersDry is PlanOrders that writes nothing and returns the deltas it
// computed.
func (p *Planner) PlanOrdersDry(ctx context.Context, linkID int64, orderGIDs []string) (*LinkResult, error) {
	return p.planOrdersOf(ctx, linkID, orderGIDs, Options{DryRun: true})
}

func (p *Planner) planOrdersOf(ctx context.Context, linkID int64, orderGIDs []string, opts Options) (*LinkResult, error) {
	start := time.Now()
	l, err := enabledLink(ctx, p.pool, linkID)
	if err != nil {
		return nil, err
	}
	res := &Result{RunID: newRunID(KindKeys), Kind: KindKeys, DryRun: opts.DryRun}
	lr := LinkResult{Link: l, Planned: map[string]int{}, Inserted: map[string]int{}}
	if err := p.planOrders(ctx, res.RunID, l, orderGIDs, opts, &lr); err != nil {
		return nil, err
	}
	res.Links = []LinkResult{lr}
	res.Duration = time.Since(start)
	p.observe(res)
	return &res.Links[0], nil
}

// planOrders plans the orders family of one link in its own transaction,
// adding its counts (and, when collecting, its deltas) to lr. orderGIDs nil
// plans every order of the destination.
func (p *Planner) planOrders(ctx context.Context, runID string, l Link, orderGIDs []string, opts Options, lr *LinkResult) error {
	fail := func(err error) error {
		return fmt.Errorf("planner: plan orders of link %d (%s -> %s): %w", l.ID, l.Destination, l.Source, err)
	}
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // after Commit, a no-op

	// The same lock as the products family's plans of the link: a full and
	// an incremental run must not supersede each other's deltas halfway.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int4, $2::int4)`, lockClass, int32(l.ID)); err != nil {
		return fail(err)
	}
	// Separate statements, not a batch: the later ones read the table the
	// first creates, and pgx prepares a batch's statements before running it.
	if _, err := tx.Exec(ctx, query("orders_stage.sql", sqlShape{}), l.ID, orderGIDs); err != nil {
		return fail(fmt.Errorf("stage: %w", err))
	}
	planned := map[string]int{}
	if err := readCounts(ctx, tx, planned, `SELECT operation, count(*)::int FROM plan_orders_stage GROUP BY operation`); err != nil {
		return fail(err)
	}
	if opts.DryRun || opts.Collect {
		rows, err := tx.Query(ctx, `SELECT n.resource, n.operation, n.key, n.source_gid, n.target_gid, n.desired, n.planned_version, n.reason,
		       EXISTS (SELECT 1 FROM plan_deltas d
		               WHERE d.link_id = $1 AND d.status = 'pending' AND d.resource = n.resource AND d.key = n.key
		                 AND d.operation = n.operation AND d.desired = n.desired
		                 AND d.target_gid IS NOT DISTINCT FROM n.target_gid) AS pending
		FROM plan_orders_stage n ORDER BY n.operation, n.key`, l.ID)
		if err != nil {
			return fail(err)
		}
		ds, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Delta])
		if err != nil {
			return fail(err)
		}
		lr.Deltas = append(lr.Deltas, ds...)
	}
	if opts.DryRun {
		addCounts(lr.Planned, planned)
		return nil // the deferred rollback drops everything
	}
	superseded, inserted := map[string]int{}, map[string]int{}
	if err := readCounts(ctx, tx, superseded, `WITH s AS (`+query("orders_supersede.sql", sqlShape{})+`) SELECT operation, count(*)::int FROM s GROUP BY operation`,
		l.ID, orderGIDs); err != nil {
		return fail(fmt.Errorf("supersede: %w", err))
	}
	if err := readCounts(ctx, tx, inserted, `WITH i AS (`+query("orders_insert.sql", sqlShape{})+`) SELECT operation, count(*)::int FROM i GROUP BY operation`,
		l.ID, runID); err != nil {
		return fail(fmt.Errorf("insert: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	p.announce(ctx, p.pool, l.Source, inserted) // notify.go: orders go to the source (the commit gave the connection back)
	addCounts(lr.Planned, planned)
	addCounts(lr.Inserted, inserted)
	lr.Superseded += Total(superseded)
	return nil
}

func readCounts(ctx context.Context, tx pgx.Tx, into map[string]int, sql string, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	return countsInto(into)(rows)
}

func addCounts(into, from map[string]int) {
	for k, v := range from {
		into[k] += v
	}
}
