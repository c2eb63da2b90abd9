package reconcile

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Page is one read's worth of objects, written to the mirror in one
// transaction.
//
// Lines have the shape of a bulk query's JSONL lines: a node's JSON as
// GraphQL returned it, without its nested connections, and a child node
// (a variant, an inventory level, a collection member, an article, a line
// item) carries its parent's GID in "__parentId". A reconcile read and a
// snapshot of the same object therefore hand the mirror the same JSON.
type Page struct {
	Lines []json.RawMessage
	// Children lists the parents whose children of one kind the page holds
	// completely: the mirror drops the children they no longer have.
	Children []ChildList
	// Newest is the newest updatedAt of the page's top-level objects when
	// the read is sorted by updatedAt (every later page is at least as
	// new); zero otherwise.
	Newest time.Time
}

// ChildList is one parent's complete list of children of one kind.
type ChildList struct {
	ParentResource events.Resource
	Parent         string
	Child          events.Resource
	// Keep are the children's GIDs (for collection members, the product
	// GIDs).
	Keep []string
	// At is the parent's updatedAt when read.
	At time.Time
}

// line marshals a node read over GraphQL into a bulk-shaped line: the
// node's fields without the nested connections named in drop, with
// __parentId set when parent is not empty.
func line(node any, parent string, drop ...string) (json.RawMessage, error) {
	b, err := json.Marshal(node)
	if err != nil {
		return nil, fmt.Errorf("reconcile: encode node: %w", err)
	}
	if parent == "" && len(drop) == 0 {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("reconcile: re-read node: %w", err)
	}
	for _, k := range drop {
		delete(m, k)
	}
	if parent != "" {
		p, _ := json.Marshal(parent)
		m["__parentId"] = p
	}
	return json.Marshal(m)
}

func (p *Page) add(node any, parent string, drop ...string) error {
	l, err := line(node, parent, drop...)
	if err != nil {
		return err
	}
	p.Lines = append(p.Lines, l)
	return nil
}

func (p *Page) newest(t time.Time) {
	if t.After(p.Newest) {
		p.Newest = t
	}
}
