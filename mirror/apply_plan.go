package mirror

import (
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// applyPlan is the work of one ApplyMany: the batches' rows grouped per
// table and store (deduplicated), and the tombstones to write per table,
// each remembering which batch it came from so that its Result goes back
// there.
type applyPlan struct {
	groups []*rowGroup
	owners map[rowKey][]rowOwner // the batches that held each row
	stale  map[rowKey]bool       // rows the mirror had newer versions of

	childSets []ownedChildSet
	objects   map[*table]map[rowKey]*objectWork // deletions, per table
	levels    []ownedDeletion                   // level deletions without a GID
	drops     map[childRef]map[dropKey]*dropWork

	// variantsGone are the variants tombstoned so far, whose inventory
	// items follow them.
	variantsGone map[Ref]int // → owner

	results  [][]Result
	changed  bool // some change row was written: notify the relay
	notified bool // the relay's notification is queued already (mergeGroup)

	// lockKeys are the tables' advisory locks, until a statement took them.
	lockKeys []string
}

type rowKey struct {
	t          *table
	store, gid string
}

// rowOwner is a batch that held a row, and the row's updated_at there.
type rowOwner struct {
	batch int
	at    *time.Time
}

type ownedChildSet struct {
	ChildSet
	rel   childRef
	owner int
}

type ownedDeletion struct {
	Deletion
	owner int
}

// objectWork is one object to tombstone. explicit: Shopify said it was
// deleted; its Result is reported, and its deletion is remembered if the
// mirror never held it. A cascade reports only what it changed, and
// remembers unseen objects only when told to.
type objectWork struct {
	at       *time.Time
	owner    int
	explicit bool
	remember bool
}

type dropKey struct{ store, parent string }

// dropWork is one parent's children to tombstone: all of them, or those
// not in keep.
type dropWork struct {
	at    *time.Time
	keep  []string
	all   bool
	owner int
}

// planApply validates and groups the batches; nothing is written yet.
func planApply(bs []Batch) (*applyPlan, error) {
	p := &applyPlan{
		owners: map[rowKey][]rowOwner{}, stale: map[rowKey]bool{},
		objects: map[*table]map[rowKey]*objectWork{}, drops: map[childRef]map[dropKey]*dropWork{},
		variantsGone: map[Ref]int{}, results: make([][]Result, len(bs)),
	}
	type gk struct {
		t     *table
		store string
	}
	byGroup := map[gk]*rowGroup{}
	index := map[rowKey]int{} // position of a row in its group
	for bi, b := range bs {
		for _, r := range b.Rows {
			if err := checkRow(r); err != nil {
				return nil, err
			}
			t := tableOf(r.Resource())
			ref := r.Ref()
			g := byGroup[gk{t, ref.Store}]
			if g == nil {
				g = &rowGroup{t: t, store: ref.Store}
				byGroup[gk{t, ref.Store}] = g
				p.groups = append(p.groups, g)
			}
			k := rowKey{t, ref.Store, ref.GID}
			if os := p.owners[k]; len(os) > 0 && os[len(os)-1].batch == bi {
				// The same batch twice: one Result, for its newer copy.
				if !older(r.Updated(), os[len(os)-1].at) {
					os[len(os)-1].at = r.Updated()
				}
			} else {
				p.owners[k] = append(os, rowOwner{bi, r.Updated()})
			}
			if i, dup := index[k]; dup {
				if !older(r.Updated(), g.rows[i].Updated()) {
					g.rows[i] = r
				}
				continue
			}
			index[k] = len(g.rows)
			g.rows = append(g.rows, r)
		}
		for _, cs := range b.ChildSets {
			rel, err := cs.validate()
			if err != nil {
				return nil, err
			}
			p.childSets = append(p.childSets, ownedChildSet{cs, rel, bi})
		}
		for _, d := range b.Deletions {
			if err := d.validate(); err != nil {
				return nil, err
			}
			if d.GID == "" {
				p.levels = append(p.levels, ownedDeletion{d, bi})
				continue
			}
			p.addObject(tableOf(d.Resource), d.Store, d.GID, d.At, bi, true)
		}
	}
	p.dropDeletedRows()
	// Write parents before children, as the mirror's tables are ordered.
	sortGroups(p.groups)
	return p, nil
}

// locks lists every table and store the plan may write: the rows' tables,
// and for tombstones the table and everything that cascades from it.
func (p *applyPlan) locks() []tableLock {
	var out []tableLock
	var cascade func(t *table, store string)
	cascade = func(t *table, store string) {
		out = append(out, tableLock{t, store})
		for _, c := range t.children {
			cascade(c.table, store)
		}
		if t.resource == events.Variant {
			cascade(tables[events.InventoryItem], store)
		}
	}
	for _, g := range p.groups {
		out = append(out, tableLock{g.t, g.store})
	}
	for _, cs := range p.childSets {
		cascade(cs.rel.table, cs.Store)
	}
	for t, objs := range p.objects {
		for k := range objs {
			cascade(t, k.store)
		}
	}
	for _, d := range p.levels {
		cascade(tables[events.InventoryLevel], d.Store)
	}
	return out
}

// add records a Result for a batch.
func (p *applyPlan) add(owner int, r Result) {
	p.results[owner] = append(p.results[owner], r)
	if r.Outcome == Applied {
		p.changed = true
	}
}

// addObject queues an object's tombstone. Two deletions of one object keep
// the later time; an unknown time (nil) is the later, as it tombstones
// whatever the row's updated_at.
func (p *applyPlan) addObject(t *table, store, gid string, at *time.Time, owner int, explicit bool) {
	objs := p.objects[t]
	if objs == nil {
		objs = map[rowKey]*objectWork{}
		p.objects[t] = objs
	}
	k := rowKey{t, store, gid}
	w := objs[k]
	if w == nil {
		objs[k] = &objectWork{at: at, owner: owner, explicit: explicit}
		return
	}
	w.explicit = w.explicit || explicit
	if w.at != nil && (at == nil || at.After(*w.at)) {
		w.at, w.owner = at, owner
	}
}

// addChildSets queues the child lists whose parent row was not stale; of
// several lists of one parent, the newest counts (then the later).
func (p *applyPlan) addChildSets() {
	for _, cs := range p.childSets {
		pt := tableOf(cs.ParentResource)
		if p.stale[rowKey{pt, cs.Store, cs.Parent.GID}] {
			continue
		}
		keep := cs.Keep
		if keep == nil {
			keep = []string{}
		}
		p.addDrop(cs.rel, cs.Store, cs.Parent.GID, &dropWork{at: cs.At, keep: keep, owner: cs.owner})
	}
}

// addDrop queues one parent's children to tombstone. Dropping all (the
// parent was deleted) wins over a list; of two lists the newer wins.
func (p *applyPlan) addDrop(c childRef, store, parent string, w *dropWork) {
	ds := p.drops[c]
	if ds == nil {
		ds = map[dropKey]*dropWork{}
		p.drops[c] = ds
	}
	k := dropKey{store, parent}
	cur := ds[k]
	switch {
	case cur == nil, w.all && !cur.all:
		ds[k] = w
	case cur.all:
	case !older(w.at, cur.at):
		ds[k] = w
	}
}
