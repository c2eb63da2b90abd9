package fakeshop

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// MaxPageSize is the most items one connection page returns (FACTS.md §3.2).
const MaxPageSize = 250

// Conn is what a connection field resolves to: every matching item, already
// filtered and sorted ascending by (sort value, id). The executor pages it
// with the field's arguments; the bulk-operation stage iterates Items whole,
// which is why a resolver returns the list rather than a page.
type Conn struct {
	Items []Identified
	// SortValue gives the value an item sorts by (a string or an int64);
	// nil means the id. Cursors carry it, so paging stays correct while
	// items are added or removed between pages.
	SortValue func(Identified) any
}

// All iterates every item in order, for streaming consumers.
func (c *Conn) All() func(yield func(Identified) bool) {
	return func(yield func(Identified) bool) {
		for _, it := range c.Items {
			if !yield(it) {
				return
			}
		}
	}
}

func (c *Conn) value(it Identified) any {
	if c.SortValue == nil {
		return it.NumericID()
	}
	return c.SortValue(it)
}

// newConn sorts items ascending by (value, id) and returns the connection.
func newConn[T Identified](items []T, sortValue func(Identified) any) *Conn {
	c := &Conn{Items: make([]Identified, len(items)), SortValue: sortValue}
	for i, it := range items {
		c.Items[i] = it
	}
	if sortValue != nil {
		slices.SortStableFunc(c.Items, func(a, b Identified) int {
			return compareKeys(cursorKey{sortValue(a), a.NumericID()}, cursorKey{sortValue(b), b.NumericID()})
		})
	}
	return c
}

// cursorKey is what a cursor encodes: Shopify's cursors are base64 JSON of
// {"last_id":…,"last_value":…}, and so are fakeshop's.
type cursorKey struct {
	Value any   `json:"last_value"`
	ID    int64 `json:"last_id"`
}

func encodeCursor(k cursorKey) string {
	if t, ok := k.Value.(time.Time); ok {
		k.Value = formatTime(t)
	}
	b, _ := json.Marshal(k)
	return base64.StdEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursorKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return cursorKey{}, errInvalidCursor
	}
	var raw struct {
		Value json.RawMessage `json:"last_value"`
		ID    json.Number     `json:"last_id"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return cursorKey{}, errInvalidCursor
	}
	id, err := raw.ID.Int64()
	if err != nil {
		return cursorKey{}, errInvalidCursor
	}
	k := cursorKey{ID: id}
	var n json.Number
	if err := json.Unmarshal(raw.Value, &n); err == nil {
		if i, err := n.Int64(); err == nil {
			k.Value = i
			return k, nil
		}
	}
	var str string
	if err := json.Unmarshal(raw.Value, &str); err != nil {
		return cursorKey{}, errInvalidCursor
	}
	k.Value = str
	return k, nil
}

var errInvalidCursor = errors.New("Invalid cursor")

// compareKeys orders by value, then id. Values are int64 or string; a value
// of another kind than its peer compares as its string form.
func compareKeys(a, b cursorKey) int {
	if c := compareValues(a.Value, b.Value); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func compareValues(a, b any) int {
	if t, ok := a.(time.Time); ok {
		a = formatTime(t)
	}
	if t, ok := b.(time.Time); ok {
		b = formatTime(t)
	}
	ai, aok := a.(int64)
	bi, bok := b.(int64)
	if aok && bok {
		return cmp.Compare(ai, bi)
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// pageArgs reads the Relay arguments of a connection field.
type pageArgs struct {
	first, last   *int
	after, before *string
	reverse       bool
}

func readPageArgs(args map[string]any) (pageArgs, error) {
	var p pageArgs
	for _, name := range []string{"first", "last"} {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		n, ok := toInt(v)
		if !ok {
			return p, fmt.Errorf("%s must be an integer", name)
		}
		if n < 0 {
			return p, gqlError(fmt.Sprintf("The value of %s must be a non-negative integer.", name), "BAD_REQUEST")
		}
		if n > MaxPageSize {
			return p, gqlError(fmt.Sprintf("The value of %s cannot exceed %d.", name, MaxPageSize), "BAD_REQUEST")
		}
		if name == "first" {
			p.first = &n
		} else {
			p.last = &n
		}
	}
	if p.first == nil && p.last == nil {
		return p, gqlError("you must provide one of first or last", "BAD_REQUEST")
	}
	if s, ok := args["after"].(string); ok {
		p.after = &s
	}
	if s, ok := args["before"].(string); ok {
		p.before = &s
	}
	p.reverse, _ = args["reverse"].(bool)
	return p, nil
}

// page cuts one page out of the connection for a field of connection type
// typeName (e.g. ProductConnection).
func (c *Conn) page(typeName string, args map[string]any) (*connPage, error) {
	pa, err := readPageArgs(args)
	if err != nil {
		return nil, err
	}
	items := c.Items
	if pa.reverse {
		items = slices.Clone(items)
		slices.Reverse(items)
	}
	dir := 1
	if pa.reverse {
		dir = -1
	}
	// pos compares item i with a cursor key in list order.
	pos := func(i int, k cursorKey) int {
		return dir * compareKeys(cursorKey{c.value(items[i]), items[i].NumericID()}, k)
	}
	lo, hi := 0, len(items)
	if pa.after != nil {
		k, err := decodeCursor(*pa.after)
		if err != nil {
			return nil, err
		}
		lo = sort.Search(len(items), func(i int) bool { return pos(i, k) > 0 })
	}
	if pa.before != nil {
		k, err := decodeCursor(*pa.before)
		if err != nil {
			return nil, err
		}
		hi = sort.Search(len(items), func(i int) bool { return pos(i, k) >= 0 })
	}
	if hi < lo {
		hi = lo
	}
	if pa.first != nil && hi-lo > *pa.first {
		hi = lo + *pa.first
	}
	if pa.last != nil && hi-lo > *pa.last {
		lo = hi - *pa.last
	}
	p := &connPage{typ: typeName, nodes: items[lo:hi], hasPrev: lo > 0, hasNext: hi < len(items)}
	p.cursors = make([]string, len(p.nodes))
	for i, it := range p.nodes {
		p.cursors[i] = encodeCursor(cursorKey{c.value(it), it.NumericID()})
	}
	return p, nil
}

// connPage is one page of a connection, resolving edges, nodes and pageInfo.
type connPage struct {
	typ              string
	nodes            []Identified
	cursors          []string
	hasPrev, hasNext bool
}

func (p *connPage) TypeName() string { return p.typ }

func (p *connPage) resolveField(_ *ResolveContext, name string, _ map[string]any) (any, error) {
	switch name {
	case "nodes":
		return p.nodes, nil
	case "edges":
		edgeType := strings.TrimSuffix(p.typ, "Connection") + "Edge"
		edges := make([]*edge, len(p.nodes))
		for i, n := range p.nodes {
			edges[i] = &edge{typ: edgeType, cursor: p.cursors[i], node: n}
		}
		return edges, nil
	case "pageInfo":
		var start, end *string
		if len(p.cursors) > 0 {
			start, end = &p.cursors[0], &p.cursors[len(p.cursors)-1]
		}
		return NewObj("PageInfo", "hasNextPage", p.hasNext, "hasPreviousPage", p.hasPrev, "startCursor", start, "endCursor", end), nil
	}
	return nil, fmt.Errorf("fakeshop does not implement %s.%s", p.typ, name)
}

type edge struct {
	typ    string
	cursor string
	node   Identified
}

func (e *edge) TypeName() string { return e.typ }

func (e *edge) resolveField(_ *ResolveContext, name string, _ map[string]any) (any, error) {
	switch name {
	case "cursor":
		return e.cursor, nil
	case "node":
		return e.node, nil
	}
	return nil, fmt.Errorf("fakeshop does not implement %s.%s", e.typ, name)
}

// gqlError is a GraphQL error with an extensions.code.
func gqlError(msg, code string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// toInt reads an integer argument in any form gqlparser hands over: int64 from
// literals, json.Number or int64 from variables, float64 from untyped JSON.
func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
