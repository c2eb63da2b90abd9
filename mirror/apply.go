package mirror

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/schema/events"
)

// Apply writes one delivery (a webhook, or a reconcile read) into the mirror
// in one transaction (a savepoint when db is the caller's transaction), with
// one change row per row it changes, source naming the cause. It returns one
// Result per distinct incoming row, then one per child or object tombstoned.
//
// The guards are the snapshot's: a row is written only when its content
// differs from the mirror's and it is not older (Shopify's updated_at), so
// applying the same payload twice changes nothing the second time and a
// payload older than the mirror is reported Stale. A ChildSet whose parent
// came back Stale is skipped. When one batch holds a row twice, the newer
// (then the later) wins.
//
// An invalid row fails the whole batch before anything is written; a row
// the database refuses (a CHECK constraint) fails it with nothing written.
func (m *Mirror) Apply(ctx context.Context, db DB, src events.Source, b Batch) ([]Result, error) {
	groups, err := groupRows(b.Rows)
	if err != nil {
		return nil, err
	}
	rels := make([]childRef, len(b.ChildSets))
	var locks []tableLock
	for _, g := range groups {
		locks = append(locks, tableLock{g.t, g.store})
	}
	for i, cs := range b.ChildSets {
		if rels[i], err = cs.validate(); err != nil {
			return nil, err
		}
		locks = append(locks, tableLock{rels[i].table, cs.Store})
	}
	for _, d := range b.Deletions {
		if err := d.validate(); err != nil {
			return nil, err
		}
		t := tableOf(d.Resource)
		locks = append(locks, tableLock{t, d.Store})
		for _, c := range t.children {
			locks = append(locks, tableLock{c.table, d.Store})
		}
	}

	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("mirror apply: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := lockTables(ctx, tx, locks); err != nil {
		return nil, fmt.Errorf("mirror apply: %w", err)
	}

	var results []Result
	stale := map[Ref]bool{}
	for _, g := range groups {
		rs, err := mergeRows(ctx, tx, g, src)
		if err != nil {
			return nil, fmt.Errorf("mirror apply: %w", err)
		}
		for _, r := range rs {
			if r.Outcome == Stale {
				stale[Ref{g.store, r.GID}] = true
			}
		}
		results = append(results, rs...)
	}
	for i, cs := range b.ChildSets {
		if stale[Ref{cs.Store, cs.Parent.GID}] {
			continue
		}
		rs, err := dropChildren(ctx, tx, rels[i], cs.Store, cs.Parent.GID, cs.At, cs.Keep, src)
		if err != nil {
			return nil, fmt.Errorf("mirror apply: %w", err)
		}
		results = append(results, rs...)
	}
	for _, d := range b.Deletions {
		rs, err := deleteObject(ctx, tx, d, src)
		if err != nil {
			return nil, fmt.Errorf("mirror apply: %w", err)
		}
		results = append(results, rs...)
	}

	changed := false
	for _, r := range results {
		changed = changed || r.Outcome == Applied
	}
	if changed {
		if err := notify(ctx, tx); err != nil {
			return nil, fmt.Errorf("mirror apply: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("mirror apply: commit: %w", err)
	}
	m.m.rowResults(results)
	return results, nil
}

// Tombstone applies one deletion; see Apply.
func (m *Mirror) Tombstone(ctx context.Context, db DB, src events.Source, d Deletion) ([]Result, error) {
	return m.Apply(ctx, db, src, Batch{Deletions: []Deletion{d}})
}

// rowGroup is the rows of one table and store in a batch, one per key.
type rowGroup struct {
	t     *table
	store string
	rows  []Row
}

func groupRows(rows []Row) ([]*rowGroup, error) {
	type gk struct {
		t     *table
		store string
	}
	byKey := map[gk]*rowGroup{}
	index := map[Ref]int{} // position of a GID in its group
	var out []*rowGroup
	for _, r := range rows {
		if err := checkRow(r); err != nil {
			return nil, err
		}
		t := tableOf(r.Resource())
		ref := r.Ref()
		g := byKey[gk{t, ref.Store}]
		if g == nil {
			g = &rowGroup{t: t, store: ref.Store}
			byKey[gk{t, ref.Store}] = g
			out = append(out, g)
		}
		key := Ref{string(t.resource) + "|" + ref.Store, ref.GID}
		if i, dup := index[key]; dup {
			if older(r.Updated(), g.rows[i].Updated()) {
				continue
			}
			g.rows[i] = r
			continue
		}
		index[key] = len(g.rows)
		g.rows = append(g.rows, r)
	}
	// Write parents before children, as the mirror's tables are ordered.
	sortGroups(out)
	return out, nil
}

func older(a, b *time.Time) bool { return a != nil && b != nil && a.Before(*b) }

func sortGroups(gs []*rowGroup) {
	for i := 1; i < len(gs); i++ {
		for j := i; j > 0 && gs[j].t.order < gs[j-1].t.order; j-- {
			gs[j], gs[j-1] = gs[j-1], gs[j]
		}
	}
}

// applySQL caches each table's per-row merge statement.
var applySQL sync.Map // *table → string

func (t *table) applyMergeSQL() string {
	if s, ok := applySQL.Load(t); ok {
		return s.(string)
	}
	s := t.render("merge.sql.tmpl", sqlData{Source: t.applySource(), PerRow: true})
	applySQL.Store(t, s)
	return s
}

func mergeRows(ctx context.Context, tx pgx.Tx, g *rowGroup, src events.Source) ([]Result, error) {
	payload, err := rowsJSON(g.t, g.rows)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, g.t.applyMergeSQL(), g.store, string(src), payload)
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", g.t.name, err)
	}
	var out []Result
	for rows.Next() {
		var (
			gid     string
			op      *string
			isStale bool
		)
		if err := rows.Scan(&gid, &op, &isStale); err != nil {
			rows.Close()
			return nil, fmt.Errorf("merge %s: %w", g.t.name, err)
		}
		r := Result{Resource: g.t.resource, GID: gid, Outcome: Unchanged}
		switch {
		case op != nil:
			r.Outcome, r.Operation = Applied, events.Operation(*op)
		case isStale:
			r.Outcome = Stale
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("merge %s: %w", g.t.name, err)
	}
	return out, nil
}

var childrenSQL sync.Map // childRef → string

func (c childRef) sql() string {
	if s, ok := childrenSQL.Load(c); ok {
		return s.(string)
	}
	s := c.table.render("tombstone_children.sql.tmpl", sqlData{ParentCol: c.parentCol, KeepCol: c.keepCol})
	childrenSQL.Store(c, s)
	return s
}

// dropChildren tombstones parent's children of one kind that keep lacks.
func dropChildren(ctx context.Context, tx pgx.Tx, c childRef, store, parent string, at *time.Time, keep []string, src events.Source) ([]Result, error) {
	if keep == nil {
		keep = []string{}
	}
	rows, err := tx.Query(ctx, c.sql(), store, string(src), parent, at, keep)
	if err != nil {
		return nil, fmt.Errorf("tombstone %s of %s: %w", c.table.name, parent, err)
	}
	gids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("tombstone %s of %s: %w", c.table.name, parent, err)
	}
	out := make([]Result, len(gids))
	for i, g := range gids {
		out[i] = Result{Resource: c.table.resource, GID: g, Outcome: Applied, Operation: events.Delete}
	}
	return out, nil
}

var oneSQL sync.Map // *table → string

func (t *table) tombstoneOneSQL() string {
	if s, ok := oneSQL.Load(t); ok {
		return s.(string)
	}
	s := t.render("tombstone_one.sql.tmpl", sqlData{})
	oneSQL.Store(t, s)
	return s
}

// deleteObject tombstones one object and, unless the deletion was stale, its
// children.
func deleteObject(ctx context.Context, tx pgx.Tx, d Deletion, src events.Source) ([]Result, error) {
	t := tableOf(d.Resource)
	gid := d.GID
	if gid == "" {
		// A disconnected inventory level: find the live level of the item at
		// the location.
		err := tx.QueryRow(ctx, `SELECT gid FROM inventory_levels
			WHERE store = $1 AND inventory_item_gid = $2 AND location_gid = $3 AND deleted_at IS NULL`,
			d.Store, d.InventoryItemGID, d.LocationGID).Scan(&gid)
		if errors.Is(err, pgx.ErrNoRows) {
			return []Result{{Resource: t.resource, GID: d.InventoryItemGID + " " + d.LocationGID, Outcome: Unchanged}}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("find inventory level: %w", err)
		}
	}
	var (
		n       int64
		isStale bool
	)
	if err := tx.QueryRow(ctx, t.tombstoneOneSQL(), d.Store, string(src), gid, d.At).Scan(&n, &isStale); err != nil {
		return nil, fmt.Errorf("tombstone %s %s: %w", t.name, gid, err)
	}
	r := Result{Resource: t.resource, GID: gid, Outcome: Unchanged}
	switch {
	case n > 0:
		r.Outcome, r.Operation = Applied, events.Delete
	case isStale:
		r.Outcome = Stale
		return []Result{r}, nil
	}
	out := []Result{r}
	for _, c := range t.children {
		rs, err := dropChildren(ctx, tx, c, d.Store, gid, d.At, nil, src)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}
