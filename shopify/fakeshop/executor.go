package fakeshop

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// execution runs one validated operation against one shop. It is a plain
// GraphQL executor over gqlparser's annotated AST (every ast.Field carries its
// Definition after validation): it collects fields through fragments and
// inline fragments, honours @skip/@include, resolves each field through the
// resolvers registry, completes values against the schema types (lists,
// non-null with null propagation, interfaces by concrete type, custom scalars
// as strings) and records errors with their path.
type execution struct {
	schema  *ast.Schema
	doc     *ast.QueryDocument
	op      *ast.OperationDefinition
	vars    map[string]any
	shop    *Shop
	ctx     context.Context
	version string
	errs    gqlerror.List
}

// run executes the operation and returns its data (nil when a non-null root
// field failed, as the spec says).
func (e *execution) run() *OrderedMap {
	var root Object = queryRoot{}
	def := e.schema.Query
	if e.op.Operation == ast.Mutation {
		root, def = mutationRoot{}, e.schema.Mutation
	}
	// Root mutation fields run one after another in document order; so do
	// query fields here, which the spec allows.
	data, ok := e.selectionSet(e.op.SelectionSet, def, root, nil)
	if !ok {
		return nil
	}
	return data
}

// fieldGroup is the fields of one response key, merged across fragments.
type fieldGroup struct {
	key    string
	fields []*ast.Field
}

// collectFields implements the spec's CollectFields for a concrete type.
func (e *execution) collectFields(set ast.SelectionSet, typ *ast.Definition) []fieldGroup {
	var groups []fieldGroup
	index := map[string]int{}
	visited := map[string]bool{}
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !e.included(s.Directives) {
					continue
				}
				if i, ok := index[s.Alias]; ok {
					groups[i].fields = append(groups[i].fields, s)
					continue
				}
				index[s.Alias] = len(groups)
				groups = append(groups, fieldGroup{key: s.Alias, fields: []*ast.Field{s}})
			case *ast.InlineFragment:
				if !e.included(s.Directives) || !e.applies(s.TypeCondition, typ) {
					continue
				}
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if !e.included(s.Directives) || visited[s.Name] {
					continue
				}
				visited[s.Name] = true
				frag := s.Definition
				if frag == nil {
					frag = e.doc.Fragments.ForName(s.Name)
				}
				if frag == nil || !e.applies(frag.TypeCondition, typ) {
					continue
				}
				walk(frag.SelectionSet)
			}
		}
	}
	walk(set)
	return groups
}

func (e *execution) applies(condition string, typ *ast.Definition) bool {
	if condition == "" || condition == typ.Name {
		return true
	}
	cond := e.schema.Types[condition]
	if cond == nil {
		return false
	}
	for _, t := range e.schema.GetPossibleTypes(cond) {
		if t.Name == typ.Name {
			return true
		}
	}
	return false
}

func (e *execution) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil {
		if v, _ := d.ArgumentMap(e.vars)["if"].(bool); v {
			return false
		}
	}
	if d := dirs.ForName("include"); d != nil {
		if v, _ := d.ArgumentMap(e.vars)["if"].(bool); !v {
			return false
		}
	}
	return true
}

// selectionSet executes a selection set on obj of concrete type typ. ok is
// false when a non-null field came back null, which nulls this object.
func (e *execution) selectionSet(set ast.SelectionSet, typ *ast.Definition, obj Object, path ast.Path) (*OrderedMap, bool) {
	out := &OrderedMap{}
	for _, g := range e.collectFields(set, typ) {
		if err := e.ctx.Err(); err != nil {
			e.addError(path, g.fields[0], fmt.Errorf("request cancelled: %w", err))
			return nil, false
		}
		v, ok := e.field(typ, obj, g, append(path, ast.PathName(g.key)))
		if !ok {
			return nil, false
		}
		out.Set(g.key, v)
	}
	return out, true
}

// field resolves and completes one response key.
func (e *execution) field(typ *ast.Definition, obj Object, g fieldGroup, path ast.Path) (any, bool) {
	f := g.fields[0]
	if f.Name == "__typename" {
		return typ.Name, true
	}
	if f.Definition == nil {
		e.addError(path, f, fmt.Errorf("field %s.%s is not in the schema", typ.Name, f.Name))
		return nil, true
	}
	args := f.ArgumentMap(e.vars)
	rc := &ResolveContext{Ctx: e.ctx, Shop: e.shop, Field: f, Path: path, Vars: e.vars, APIVersion: e.version}
	raw, err := e.resolve(rc, typ, obj, f.Name, args)
	if err != nil {
		e.addError(path, f, err)
		return nil, !f.Definition.Type.NonNull
	}
	return e.complete(f.Definition.Type, g.fields, raw, path, args)
}

func (e *execution) resolve(rc *ResolveContext, typ *ast.Definition, obj Object, name string, args map[string]any) (any, error) {
	if fn := resolvers[typ.Name][name]; fn != nil {
		return fn(rc, obj, args)
	}
	if sr, ok := obj.(selfResolver); ok {
		return sr.resolveField(rc, name, args)
	}
	return nil, fmt.Errorf("fakeshop does not implement %s.%s yet", typ.Name, name)
}

// complete turns a resolved Go value into response JSON for type t.
func (e *execution) complete(t *ast.Type, fields []*ast.Field, v any, path ast.Path, args map[string]any) (any, bool) {
	v = unwrap(v)
	if v == nil {
		if t.NonNull {
			e.addError(path, fields[0], fmt.Errorf("Cannot return null for non-nullable field %s", fieldLabel(fields[0])))
			return nil, false
		}
		return nil, true
	}
	if t.Elem != nil {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice {
			e.addError(path, fields[0], fmt.Errorf("internal: %s resolved to %T, want a list", fieldLabel(fields[0]), v))
			return nil, !t.NonNull
		}
		out := make([]any, rv.Len())
		for i := range out {
			item, ok := e.complete(t.Elem, fields, rv.Index(i).Interface(), append(path, ast.PathIndex(i)), args)
			if !ok {
				if t.NonNull {
					return nil, false
				}
				return nil, true
			}
			out[i] = item
		}
		return out, true
	}
	def := e.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		s, err := serializeLeaf(def, v)
		if err != nil {
			e.addError(path, fields[0], err)
			return nil, !t.NonNull
		}
		return s, true
	}
	if conn, ok := v.(*Conn); ok {
		page, err := conn.page(def.Name, args)
		if err != nil {
			e.addError(path, fields[0], err)
			return nil, !t.NonNull
		}
		v = page
	}
	obj, ok := v.(Object)
	if !ok {
		e.addError(path, fields[0], fmt.Errorf("internal: %s resolved to %T, want an object", fieldLabel(fields[0]), v))
		return nil, !t.NonNull
	}
	concrete := e.schema.Types[obj.TypeName()]
	if concrete == nil || (def.Kind != ast.Object && !e.applies(def.Name, concrete)) || (def.Kind == ast.Object && concrete.Name != def.Name) {
		e.addError(path, fields[0], fmt.Errorf("internal: %s resolved to a %s, which is not a %s", fieldLabel(fields[0]), obj.TypeName(), def.Name))
		return nil, !t.NonNull
	}
	var sub ast.SelectionSet
	for _, f := range fields {
		sub = append(sub, f.SelectionSet...)
	}
	m, ok := e.selectionSet(sub, concrete, obj, path)
	if !ok {
		return nil, !t.NonNull
	}
	return m, true
}

// unwrap unwraps pointers to scalars and turns typed nils into nil, so
// resolvers can return *string, *time.Time or a nil *Product directly.
func unwrap(v any) any {
	if v == nil {
		return nil
	}
	if _, ok := v.(Object); ok {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil
		}
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		if _, ok := v.(*Conn); ok {
			return v
		}
		return rv.Elem().Interface()
	case reflect.Slice, reflect.Map:
		if rv.IsNil() {
			return nil
		}
	}
	return v
}

func fieldLabel(f *ast.Field) string {
	if f.ObjectDefinition != nil {
		return f.ObjectDefinition.Name + "." + f.Name
	}
	return f.Name
}

// addError records a field error at path with the field's location. A
// resolver's *gqlerror.Error keeps its message and extensions.
func (e *execution) addError(path ast.Path, f *ast.Field, err error) {
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = &gqlerror.Error{Message: err.Error()}
	} else {
		cp := *gqlErr
		gqlErr = &cp
	}
	gqlErr.Path = append(ast.Path(nil), path...)
	if f != nil && f.Position != nil && len(gqlErr.Locations) == 0 {
		gqlErr.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	e.errs = append(e.errs, gqlErr)
}
