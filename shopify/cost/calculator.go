package cost

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// MutationCost is what Shopify charges for each mutation root field.
const MutationCost = 10

// Calculator computes requested and actual costs against one schema. The zero
// MissingPageSize makes a connection without first/last an error.
type Calculator struct {
	Schema *ast.Schema
	// MissingPageSize, when positive, is the page size assumed for a
	// connection selected without first or last (250 gives an upper bound).
	MissingPageSize int
}

// Requested returns the static cost Shopify charges before running op, with
// vars as decoded from the request's JSON variables (nil when there are none).
func Requested(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any) (int, error) {
	return Calculator{Schema: schema}.Requested(op, vars)
}

// Actual returns the cost of op given the data object of its response
// (JSON-decoded: map[string]any, []any and scalars).
func Actual(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any, data map[string]any) (int, error) {
	return Calculator{Schema: schema}.Actual(op, vars, data)
}

// Requested returns the static requested cost of op.
func (c Calculator) Requested(op *ast.OperationDefinition, vars map[string]any) (int, error) {
	w := walker{calc: c, vars: vars}
	return w.operation(op, nil)
}

// Actual returns the cost of op as executed, given the response's data.
func (c Calculator) Actual(op *ast.OperationDefinition, vars map[string]any, data map[string]any) (int, error) {
	w := walker{calc: c, vars: vars, actual: true}
	return w.operation(op, data)
}

// walker holds one costing pass. In actual mode every cost is computed over
// the response value at the same position; a key absent from the response
// means its field was not executed (a fragment for another type, a skipped
// field) and costs nothing.
type walker struct {
	calc   Calculator
	vars   map[string]any
	actual bool
}

func (w *walker) operation(op *ast.OperationDefinition, data map[string]any) (int, error) {
	if op == nil {
		return 0, fmt.Errorf("cost: no operation")
	}
	var root *ast.Definition
	switch op.Operation {
	case ast.Query:
		root = w.calc.Schema.Query
	case ast.Mutation:
		root = w.calc.Schema.Mutation
	default:
		return 0, fmt.Errorf("cost: %s operations are not supported", op.Operation)
	}
	if root == nil {
		return 0, fmt.Errorf("cost: schema has no %s type", op.Operation)
	}
	var value any
	if data != nil {
		value = data
	}
	if op.Operation != ast.Mutation {
		return w.selectionSet(op.SelectionSet, root, value, "", false)
	}
	total := 0
	for _, g := range w.collect(op.SelectionSet, root) {
		f := g.fields[0]
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		if f.Definition == nil {
			return 0, ErrNotValidated
		}
		fv, present := lookup(value, g.key)
		if w.actual && !present {
			continue
		}
		total += MutationCost
		payload := w.calc.Schema.Types[f.Definition.Type.Name()]
		if payload == nil || payload.IsLeafType() || (w.actual && fv == nil) {
			continue
		}
		// The mutation's 10 points cover its payload and the objects the
		// payload returns directly (see the package comment).
		c, err := w.selectionSet(merge(g.fields), payload, fv, g.key, true)
		if err != nil {
			return 0, err
		}
		total += c
	}
	return total, nil
}

// selectionSet costs set selected on a value of type def. waiveOwn drops the
// own point of each direct object child (used under a mutation payload).
func (w *walker) selectionSet(set ast.SelectionSet, def *ast.Definition, value any, path string, waiveOwn bool) (int, error) {
	if !def.IsAbstractType() {
		return w.concrete(set, def, value, path, waiveOwn)
	}
	candidates := w.calc.Schema.GetPossibleTypes(def)
	if m, ok := value.(map[string]any); ok {
		if tn, ok := m["__typename"].(string); ok {
			if concrete := w.calc.Schema.Types[tn]; concrete != nil {
				candidates = []*ast.Definition{concrete}
			}
		}
	}
	if len(candidates) == 0 {
		return w.concrete(set, def, value, path, waiveOwn)
	}
	best := 0
	for _, concrete := range candidates {
		c, err := w.concrete(set, concrete, value, path, waiveOwn)
		if err != nil {
			return 0, err
		}
		best = max(best, c)
	}
	return best, nil
}

func (w *walker) concrete(set ast.SelectionSet, def *ast.Definition, value any, path string, waiveOwn bool) (int, error) {
	total := 0
	for _, g := range w.collect(set, def) {
		fv, present := lookup(value, g.key)
		c, err := w.field(g.fields, fv, present, join(path, g.key), waiveOwn)
		if err != nil {
			return 0, err
		}
		total += c
	}
	return total, nil
}

func (w *walker) field(fields []*ast.Field, value any, present bool, path string, waiveOwn bool) (int, error) {
	f := fields[0]
	if strings.HasPrefix(f.Name, "__") {
		return 0, nil
	}
	if f.Definition == nil {
		return 0, ErrNotValidated
	}
	if w.actual && !present {
		return 0, nil
	}
	def := w.calc.Schema.Types[f.Definition.Type.Name()]
	if def == nil {
		return 0, fmt.Errorf("cost: %s: unknown type %s", path, f.Definition.Type.Name())
	}
	if def.IsLeafType() {
		return 0, nil
	}
	if isConnection(f.Definition, def) {
		return w.connection(fields, def, value, path)
	}
	own := 1
	if waiveOwn {
		own = 0
	}
	set := merge(fields)
	if !w.actual {
		c, err := w.selectionSet(set, def, nil, path, false)
		return own + c, err
	}
	// A list of objects is costed like one object: its most expensive element.
	best := 0
	for _, elem := range flatten(value) {
		if elem == nil {
			continue
		}
		c, err := w.selectionSet(set, def, elem, path, false)
		if err != nil {
			return 0, err
		}
		best = max(best, c)
	}
	return own + best, nil
}

// connection costs 2 + items × item cost; fields of the connection other than
// edges, nodes and pageInfo (rare) are added once.
func (w *walker) connection(fields []*ast.Field, def *ast.Definition, value any, path string) (int, error) {
	var edges, nodes []group
	extra := 0
	for _, g := range w.collect(merge(fields), def) {
		switch g.fields[0].Name {
		case "edges":
			edges = append(edges, g)
		case "nodes":
			nodes = append(nodes, g)
		case "pageInfo":
			// Part of the connection's base cost of 2.
		default:
			fv, present := lookup(value, g.key)
			c, err := w.field(g.fields, fv, present, join(path, g.key), false)
			if err != nil {
				return 0, err
			}
			extra += c
		}
	}
	if !w.actual {
		n, err := w.pageSize(fields[0], path)
		if err != nil {
			return 0, err
		}
		item, err := w.item(edges, nodes, nil, -1, path)
		if err != nil {
			return 0, err
		}
		return 2 + n*item + extra, nil
	}
	if value == nil {
		return 2 + extra, nil
	}
	count := 0
	for _, g := range append(append([]group{}, edges...), nodes...) {
		list, _ := lookup(value, g.key)
		count = max(count, len(flatten(list)))
	}
	total := 2 + extra
	for i := range count {
		item, err := w.item(edges, nodes, value, i, path)
		if err != nil {
			return 0, err
		}
		total += item
	}
	return total, nil
}

// item costs one element of a connection: the node object (1) plus its
// selection, the larger of what edges{node} and nodes select. In actual mode
// it reads element i of the returned lists.
func (w *walker) item(edges, nodes []group, conn any, i int, path string) (int, error) {
	best := 1
	for _, g := range edges {
		edgeDef := w.calc.Schema.Types[g.fields[0].Definition.Type.Name()]
		var edge any
		if w.actual {
			edge = index(conn, g.key, i)
			if edge == nil {
				continue
			}
		}
		c, err := w.selectionSet(merge(g.fields), edgeDef, edge, join(path, g.key), false)
		if err != nil {
			return 0, err
		}
		best = max(best, c)
	}
	for _, g := range nodes {
		nodeDef := w.calc.Schema.Types[g.fields[0].Definition.Type.Name()]
		var node any
		if w.actual {
			node = index(conn, g.key, i)
			if node == nil {
				continue
			}
		}
		c, err := w.selectionSet(merge(g.fields), nodeDef, node, join(path, g.key), false)
		if err != nil {
			return 0, err
		}
		best = max(best, 1+c)
	}
	return best, nil
}

func (w *walker) pageSize(f *ast.Field, path string) (int, error) {
	n := -1
	for _, name := range []string{"first", "last"} {
		arg := f.Arguments.ForName(name)
		if arg == nil {
			continue
		}
		v, err := arg.Value.Value(w.vars)
		if err != nil {
			return 0, fmt.Errorf("cost: %s(%s): %w", path, name, err)
		}
		if v == nil {
			continue
		}
		size, err := toInt(v)
		if err != nil {
			return 0, fmt.Errorf("cost: %s(%s): %w", path, name, err)
		}
		n = max(n, size)
	}
	if n >= 0 {
		return n, nil
	}
	if w.calc.MissingPageSize > 0 {
		return w.calc.MissingPageSize, nil
	}
	return 0, &MissingPageSizeError{Path: path}
}

func isConnection(fd *ast.FieldDefinition, def *ast.Definition) bool {
	if def.Kind != ast.Object || !strings.HasSuffix(def.Name, "Connection") {
		return false
	}
	return fd.Arguments.ForName("first") != nil || fd.Arguments.ForName("last") != nil
}

func toInt(v any) (int, error) {
	var f float64
	switch n := v.(type) {
	case int:
		return n, nil
	case int32:
		return int(n), nil
	case int64:
		f = float64(n)
	case float64:
		f = n
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 0, fmt.Errorf("page size %q is not an integer", n.String())
		}
		f = float64(i)
	default:
		return 0, fmt.Errorf("page size has type %T, want an integer", v)
	}
	if f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, fmt.Errorf("page size %v is not a non-negative integer", f)
	}
	return int(f), nil
}

func lookup(value any, key string) (any, bool) {
	m, ok := value.(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := m[key]
	return v, ok
}

func index(value any, key string, i int) any {
	list, _ := lookup(value, key)
	elems := flatten(list)
	if i >= len(elems) {
		return nil
	}
	return elems[i]
}

// flatten turns a value into its elements: a list (of lists) yields its
// leaves, a single value yields itself.
func flatten(v any) []any {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return []any{v}
	}
	var out []any
	for _, e := range list {
		if inner, ok := e.([]any); ok {
			out = append(out, flatten(inner)...)
			continue
		}
		out = append(out, e)
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
