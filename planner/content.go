package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The content family flows like products, source to destinations:
// collections (custom ones with their members, smart ones with their
// rules), pages, blogs and articles, each matched by handle (an article by
// its blog's handle and its own) and written under the link's field and
// delete policies. sql/content_*.sql say what is planned.
//
// It is planned in a transaction of its own, after the link's products
// family has committed: a collection's members are mapped through the
// product pairs in id_map, so a collection planned in the same full run as
// the creation of its products gets the members that exist now, and the
// plan after the applier has created (and recorded) the others adds them.
// The family is small beside the catalogue and has no incremental (keyed)
// runs: every full plan plans all of it, which is also how changes that
// Shopify sends no webhook for (pages, blogs, articles) reach the plan once
// reconciliation has mirrored them.

// contentResources are the plan_deltas (and plan_conflicts) resources of the
// content family.
var contentResources = []string{"collection", "collection_product", "page", "blog", "article"}

// contentStatements are the family's statements, in order: blogs before
// articles (articles read the blog pairs found by handle).
var contentStatements = []string{"content_collections.sql", "content_pages.sql", "content_blogs.sql", "content_articles.sql"}

// PlanContent plans the content family of one link (all of it).
func (p *Planner) PlanContent(ctx context.Context, linkID int64) (*LinkResult, error) {
	return p.planContentOf(ctx, linkID, Options{})
}

// PlanContentDry is PlanContent that writes nothing and returns what it
// computed.
func (p *Planner) PlanContentDry(ctx context.Context, linkID int64) (*LinkResult, error) {
	return p.planContentOf(ctx, linkID, Options{DryRun: true})
}

func (p *Planner) planContentOf(ctx context.Context, linkID int64, opts Options) (*LinkResult, error) {
	start := time.Now()
	l, err := enabledLink(ctx, p.pool, linkID)
	if err != nil {
		return nil, err
	}
	res := &Result{RunID: newRunID(KindContent), Kind: KindContent, DryRun: opts.DryRun}
	lr, err := p.planContent(ctx, res.RunID, l, opts)
	if err != nil {
		return nil, err
	}
	res.Links = []LinkResult{lr}
	res.Duration = time.Since(start)
	p.observe(res)
	return &res.Links[0], nil
}

// planContent plans the content family of one link in one transaction, one
// round trip, under the link's plan lock.
func (p *Planner) planContent(ctx context.Context, runID string, l Link, opts Options) (LinkResult, error) {
	lr := LinkResult{Link: l, Planned: map[string]int{}, Inserted: map[string]int{}}
	fail := func(err error) (LinkResult, error) {
		return LinkResult{}, fmt.Errorf("planner: plan content of link %d (%s -> %s): %w", l.ID, l.Source, l.Destination, err)
	}
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return fail(err)
	}
	defer conn.Release()
	if err := ensureScratch(ctx, conn); err != nil {
		return fail(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // after Commit, a no-op

	shape := sqlShape{Match: l.MatchKey}
	args := []any{l.ID, l.Source, l.Destination}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1::int4, $2::int4)`, lockClass, int32(l.ID)).Exec(discard)
	b.Queue(`SELECT set_config('jit', 'off', true)`).Exec(discard)
	// Hash joins only, as a full plan of products: the sizes of the CTEs
	// are guessed (a pair list taken for two rows made every collection
	// scan every member), and a nested loop fed a thousand times the rows it
	// was planned for runs a thousand times longer.
	b.Queue(`SELECT set_config('work_mem', $1, true)`, p.workMem).Exec(discard)
	b.Queue(`SELECT set_config('enable_nestloop', 'off', true), set_config('enable_mergejoin', 'off', true)`).Exec(discard)
	for _, f := range contentStatements {
		b.Queue(query(f, shape), args...).Exec(discard)
	}
	queueStageReads(b, shape, l.ID, &lr, opts.DryRun || opts.Collect)
	superseded := map[string]int{}
	if !opts.DryRun {
		b.Queue(`WITH s AS (`+query("supersede.sql", shape)+`) SELECT operation, count(*)::int FROM s GROUP BY operation`,
			l.ID, contentResources).Query(countsInto(superseded))
		b.Queue(`WITH i AS (`+query("insert.sql", shape)+`) SELECT operation, count(*)::int FROM i GROUP BY operation`,
			l.ID, runID, l.Destination).Query(countsInto(lr.Inserted))
		b.Queue(query("pairs_release.sql", shape), l.ID).Exec(discard)
		b.Queue(query("pairs_record.sql", shape), l.ID).Exec(discard)
		b.Queue(query("conflicts_clear.sql", shape), l.ID, contentResources).Exec(discard)
		b.Queue(query("conflicts_record.sql", shape), l.ID, runID).Exec(discard)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fail(err)
	}
	lr.Superseded = Total(superseded)
	if opts.DryRun {
		return lr, nil
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	p.announce(ctx, conn, l.Destination, lr.Inserted) // notify.go
	return lr, nil
}

// merge adds another run's counts and deltas of the same link: a content
// plan's to the products family's of the same run, or one scoped run's to
// the others of the same incremental plan.
func (lr *LinkResult) merge(c LinkResult) {
	for op, n := range c.Planned {
		lr.Planned[op] += n
	}
	for op, n := range c.Inserted {
		lr.Inserted[op] += n
	}
	lr.Superseded += c.Superseded
	lr.ConflictCount += c.ConflictCount
	lr.Deltas = append(lr.Deltas, c.Deltas...)
	lr.Conflicts = append(lr.Conflicts, c.Conflicts...)
	lr.recorded += c.recorded
}
