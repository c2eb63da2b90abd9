package fakeshop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/shopsync/shopsync/shopify/adminapi"
)

// A bulk export walks the query's connections item by item and writes one
// line per node as soon as the node is resolved, so its memory is one line,
// one item list per open connection level (a slice of record pointers the
// resolver copied under the shop's read lock) and the file buffer, whatever
// the size of the shop.
//
// Each line is produced by the request executor (execution.field), so the
// values, scalars and errors are exactly those of an ordinary query. What
// the exporter adds is the bulk shape (FACTS.md §1.5): a connection field is
// not written inline but becomes lines of its own, each node with
// "__parentId" set to the id of the node that holds the connection (through
// any inline objects between them, e.g. a variant's inventoryItem
// { inventoryLevels }); inline objects that held nothing but connections are
// left out rather than written as {}; and pagination arguments are ignored,
// while query, sortKey and reverse apply.
//
// Consistency: records are immutable, so every line is a record as it was at
// one instant. The export is not one snapshot of the whole shop, though, nor
// is Shopify's, which runs for minutes: the top-level items are those that
// existed when the export started, and each node's children are read when
// that node is written, so changes made during the export may or may not
// appear.

// bulkInjectedError is a failure FailNextBulkQuery asked for.
type bulkInjectedError struct{ code string }

func (e *bulkInjectedError) Error() string { return "injected bulk failure " + e.code }

// export writes the operation's result file and returns its size in bytes.
// On failure the lines written so far are flushed, for partialDataUrl.
func (j *bulkJob) export(ctx context.Context) (int64, error) {
	f, err := os.OpenFile(j.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, fmt.Errorf("fakeshop: bulk result file: %w", err)
	}
	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 1<<20)
	var sink lineSink = orderedSink{bw}
	// Grouped output promises children after their parent (FACTS.md §1.5),
	// so only an ungrouped result is shuffled.
	if n := j.ops.opts.BulkShuffleWindow; n > 0 && !j.group {
		sink = newShuffleSink(bw, n, uint64(j.id))
	}
	x := &exporter{
		e: &execution{
			schema: adminapi.Schema(), doc: j.plan.doc, op: j.plan.op, vars: j.plan.vars,
			shop: j.ops.shop, ctx: ctx, version: adminapi.Version,
		},
		job:     j,
		sink:    sink,
		delay:   j.ops.opts.BulkLineDelay,
		kinds:   map[*ast.Field]bulkFieldKind{},
		nodeSel: map[*ast.Field]ast.SelectionSet{},
		merged:  map[mergedKey]ast.SelectionSet{},
		plans:   map[groupsKey][]bulkField{},
	}
	x.rc = ResolveContext{Ctx: ctx, Shop: j.ops.shop, Vars: j.plan.vars, APIVersion: adminapi.Version}
	runErr := x.run()
	flushErr := sink.flush()
	closeErr := f.Close()
	if err := errors.Join(runErr, flushErr, closeErr); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

// exporter is one bulk export in progress.
type exporter struct {
	e     *execution
	job   *bulkJob
	sink  lineSink
	buf   []byte
	delay time.Duration

	// rc is the ResolveContext of every resolver call on the fast path;
	// only Field changes between calls.
	rc ResolveContext

	// Caches over the query's AST, which is fixed for the export (a bulk
	// query has no variables to change it between nodes): how each field is
	// treated, the node selection of each connection, merged
	// sub-selections, and the compiled fields per selection set and type.
	kinds   map[*ast.Field]bulkFieldKind
	nodeSel map[*ast.Field]ast.SelectionSet
	merged  map[mergedKey]ast.SelectionSet
	plans   map[groupsKey][]bulkField
}

type bulkFieldKind uint8

const (
	plainField      bulkFieldKind = iota + 1 // written inline by the executor
	objectField                              // a single inline object, built like a line
	holdsConnection                          // an inline object with a connection inside
	connectionField                          // becomes lines of its own
)

// bulkField is one response key of a selection set on one concrete type,
// compiled once: the executor's field group plus everything the executor
// would look up again for every node (resolver, arguments, schema type).
type bulkField struct {
	g        fieldGroup
	kind     bulkFieldKind
	typename bool
	fn       FieldFunc // nil: the executor's own path (self-resolving objects)
	args     map[string]any
	typ      *ast.Type
}

type mergedKey struct {
	first *ast.Field
	typ   string
}

type groupsKey struct {
	first *ast.Selection
	n     int
	typ   string
}

// nestedConn is a connection met while building a line, to be exported
// after it: the object that has the field, and the field.
type nestedConn struct {
	holder Object
	typ    *ast.Definition
	g      fieldGroup
}

// run exports every top-level field: a connection's nodes are root lines;
// a top-level object (shop, collection(id:)) is one root line of its own
// (how Shopify treats those is UNVERIFIED).
func (x *exporter) run() error {
	root := x.e.schema.Query
	for _, c := range x.compile(x.e.op.SelectionSet, root) {
		g, f := c.g, c.g.fields[0]
		switch c.kind {
		case connectionField:
			if err := x.connection(nestedConn{holder: queryRoot{}, typ: root, g: g}, "", true); err != nil {
				return err
			}
		default:
			if c.typename || len(f.SelectionSet) == 0 {
				continue
			}
			raw, err := x.resolve(root, queryRoot{}, f)
			if err != nil {
				return err
			}
			objs := []any{raw}
			if list, ok := raw.([]any); ok {
				objs = list
			}
			for _, o := range objs {
				if obj, ok := unwrap(o).(Object); ok {
					if err := x.node(obj, x.sub(g, root.Name), "", true); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// connection exports every node of a connection, in the connection's order
// (reversed with reverse: true).
func (x *exporter) connection(n nestedConn, parentID string, root bool) error {
	f := n.g.fields[0]
	raw, err := x.resolve(n.typ, n.holder, f)
	if err != nil {
		return err
	}
	if raw == nil {
		return nil
	}
	conn, ok := raw.(*Conn)
	if !ok {
		return fmt.Errorf("internal: %s resolved to %T, want a connection", fieldLabel(f), raw)
	}
	sel := x.nodeSelection(n.g)
	items := conn.Items
	reverse, _ := f.ArgumentMap(x.e.vars)["reverse"].(bool)
	for i := range items {
		it := items[i]
		if reverse {
			it = items[len(items)-1-i]
		}
		if err := x.node(it, sel, parentID, root); err != nil {
			return err
		}
	}
	return nil
}

// node writes one node's line, then the nodes of its nested connections.
func (x *exporter) node(obj Object, sel ast.SelectionSet, parentID string, root bool) error {
	typ := x.e.schema.Types[obj.TypeName()]
	line, nested, err := x.object(obj, typ, sel)
	if err != nil {
		return err
	}
	if len(x.e.errs) > 0 {
		return fmt.Errorf("field error in a bulk export: %w", x.e.errs[0])
	}
	if err := x.emit(line, parentID, root); err != nil {
		return err
	}
	if len(nested) == 0 {
		return nil
	}
	v, _ := line.Get("id")
	id, _ := v.(string)
	if id == "" {
		return fmt.Errorf("a %s with nested connections resolved without an id", typ.Name)
	}
	for _, n := range nested {
		if err := x.connection(n, id, false); err != nil {
			return err
		}
	}
	return nil
}

// object builds the line of obj: every selected field as the executor
// would write it, except connections, which it returns for the caller to
// export. Leaves and lists go through the executor's completion; single
// inline objects are built here, recursively, so that their fields use the
// compiled plan too and a connection inside one is found.
func (x *exporter) object(obj Object, typ *ast.Definition, sel ast.SelectionSet) (*OrderedMap, []nestedConn, error) {
	plan := x.compile(sel, typ)
	out := &OrderedMap{Keys: make([]string, 0, len(plan)), Values: make([]any, 0, len(plan))}
	var nested []nestedConn
	for i := range plan {
		c := &plan[i]
		if c.typename {
			out.Set(c.g.key, typ.Name)
			continue
		}
		switch c.kind {
		case connectionField:
			nested = append(nested, nestedConn{holder: obj, typ: typ, g: c.g})
			continue
		case objectField, holdsConnection:
			raw, err := x.resolve(typ, obj, c.g.fields[0])
			if err != nil {
				return nil, nil, err
			}
			inner, _ := raw.(Object)
			if inner == nil {
				if c.typ.NonNull {
					return nil, nil, fmt.Errorf("field error in a bulk export: Cannot return null for non-nullable field %s", fieldLabel(c.g.fields[0]))
				}
				out.Set(c.g.key, nil)
				continue
			}
			m, sub, err := x.object(inner, x.e.schema.Types[inner.TypeName()], x.sub(c.g, typ.Name))
			if err != nil {
				return nil, nil, err
			}
			nested = append(nested, sub...)
			if len(m.Keys) > 0 || c.kind == objectField {
				out.Set(c.g.key, m)
			}
			continue
		}
		if err := x.e.ctx.Err(); err != nil {
			return nil, nil, err
		}
		var v any
		ok := true
		sr, self := obj.(selfResolver)
		if c.fn == nil && (!self || c.typ == nil) {
			v, ok = x.e.field(typ, obj, c.g, nil)
		} else {
			f := c.g.fields[0]
			x.rc.Field = f
			var raw any
			var err error
			if c.fn != nil {
				raw, err = c.fn(&x.rc, obj, c.args)
			} else {
				raw, err = sr.resolveField(&x.rc, f.Name, c.args)
			}
			if err != nil {
				x.e.addError(nil, f, err)
				ok = !c.typ.NonNull
			} else {
				v, ok = x.e.complete(c.typ, c.g.fields, raw, nil, c.args)
			}
		}
		if !ok || len(x.e.errs) > 0 {
			return nil, nil, fmt.Errorf("field error in a bulk export: %w", x.e.errs[len(x.e.errs)-1])
		}
		out.Set(c.g.key, v)
	}
	return out, nested, nil
}

// resolve calls a field's resolver (no completion): for connections and the
// objects that lead to them.
func (x *exporter) resolve(typ *ast.Definition, obj Object, f *ast.Field) (any, error) {
	args := f.ArgumentMap(x.e.vars)
	x.rc.Field = f
	raw, err := x.e.resolve(&x.rc, typ, obj, f.Name, args)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", fieldLabel(f), err)
	}
	return unwrap(raw), nil
}

// emit writes one line: the object, with __parentId last for a nested node.
func (x *exporter) emit(line *OrderedMap, parentID string, root bool) error {
	j := x.job
	if j.fault != nil && j.objects.Load() >= j.fault.after {
		return &bulkInjectedError{code: j.fault.code}
	}
	buf, err := appendJSONObject(x.buf[:0], line)
	if err != nil {
		return fmt.Errorf("encoding a bulk line: %w", err)
	}
	if parentID != "" {
		buf = buf[:len(buf)-1]
		if len(line.Keys) > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `"__parentId":`...)
		buf = appendJSONString(buf, parentID)
		buf = append(buf, '}')
	}
	buf = append(buf, '\n')
	x.buf = buf
	if err := x.sink.writeLine(buf); err != nil {
		return fmt.Errorf("writing the bulk result: %w", err)
	}
	j.objects.Add(1)
	if root {
		j.roots.Add(1)
	}
	if x.delay > 0 {
		t := time.NewTimer(x.delay)
		select {
		case <-t.C:
		case <-x.e.ctx.Done():
			t.Stop()
			return x.e.ctx.Err()
		}
	}
	return nil
}

// kind classifies a field once per export.
func (x *exporter) kind(f *ast.Field) bulkFieldKind {
	if k, ok := x.kinds[f]; ok {
		return k
	}
	k := plainField
	if f.Definition != nil {
		def := x.e.schema.Types[f.Definition.Type.Name()]
		single := f.Definition.Type.Elem == nil && len(f.SelectionSet) > 0
		switch {
		case isConnectionType(def):
			k = connectionField
		case single && x.containsConnection(f.SelectionSet):
			k = holdsConnection
		case single && def != nil && def.Kind == ast.Object:
			k = objectField
		}
	}
	x.kinds[f] = k
	return k
}

func (x *exporter) containsConnection(set ast.SelectionSet) bool {
	found := false
	forEachField(set, func(f *ast.Field) {
		if found || f.Definition == nil {
			return
		}
		if isConnectionType(x.e.schema.Types[f.Definition.Type.Name()]) || x.containsConnection(f.SelectionSet) {
			found = true
		}
	})
	return found
}

// nodeSelection is what a connection field selects under edges { node }.
func (x *exporter) nodeSelection(g fieldGroup) ast.SelectionSet {
	if sel, ok := x.nodeSel[g.fields[0]]; ok {
		return sel
	}
	var sel ast.SelectionSet
	for _, f := range g.fields {
		forEachField(f.SelectionSet, func(edges *ast.Field) {
			if edges.Name != "edges" || !x.e.included(edges.Directives) {
				return
			}
			forEachField(edges.SelectionSet, func(node *ast.Field) {
				if node.Name == "node" && x.e.included(node.Directives) {
					sel = append(sel, node.SelectionSet...)
				}
			})
		})
	}
	x.nodeSel[g.fields[0]] = sel
	return sel
}

// sub is a field group's selection set, merged once when the key was
// selected more than once.
func (x *exporter) sub(g fieldGroup, typ string) ast.SelectionSet {
	if len(g.fields) == 1 {
		return g.fields[0].SelectionSet
	}
	k := mergedKey{g.fields[0], typ}
	if sel, ok := x.merged[k]; ok {
		return sel
	}
	var sel ast.SelectionSet
	for _, f := range g.fields {
		sel = append(sel, f.SelectionSet...)
	}
	x.merged[k] = sel
	return sel
}

// compile is the executor's collectFields for a selection set on a
// concrete type, with each group's resolver and arguments looked up once.
func (x *exporter) compile(set ast.SelectionSet, typ *ast.Definition) []bulkField {
	if len(set) == 0 {
		return nil
	}
	k := groupsKey{&set[0], len(set), typ.Name}
	if plan, ok := x.plans[k]; ok {
		return plan
	}
	groups := x.e.collectFields(set, typ)
	plan := make([]bulkField, len(groups))
	for i, g := range groups {
		f := g.fields[0]
		c := bulkField{g: g, typename: f.Name == "__typename", kind: x.kind(f)}
		if f.Definition != nil {
			c.typ = f.Definition.Type
			c.args = f.ArgumentMap(x.e.vars)
			c.fn = resolvers[typ.Name][f.Name]
		} else if !c.typename {
			c.kind = plainField // the executor reports the unknown field
		}
		plan[i] = c
	}
	x.plans[k] = plan
	return plan
}
