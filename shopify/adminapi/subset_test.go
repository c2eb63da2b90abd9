package adminapi

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// fullSchemaPath finds Shopify's full 2026-01 SDL, which lives outside the
// repository at <repo>/../shared/shopify/graphql.schema. The repository root is
// the nearest ancestor holding go.work.
func fullSchemaPath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return filepath.Join(dir, "..", "shared", "shopify", "graphql.schema")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.work above %s: cannot locate the repository root", dir)
		}
		dir = parent
	}
}

// TestSubsetMatchesFullSchema proves the subset is a faithful subset: every
// type, field, argument, input field, enum value, interface and directive it
// declares exists in Shopify's schema with the same type and default, and
// nothing Shopify requires (a non-null argument or input field without a
// default) is left out.
func TestSubsetMatchesFullSchema(t *testing.T) {
	path := fullSchemaPath(t)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("the full Admin API schema is not present at %s (../shared is absent); the subset cannot be compared", path)
	}
	if err != nil {
		t.Fatalf("read full schema: %v", err)
	}
	full, err := gqlparser.LoadSchema(&ast.Source{Name: "graphql.schema", Input: string(b)})
	if err != nil {
		t.Fatalf("load full schema: %v", err)
	}
	problems := compareSchemas(Schema(), full)
	for _, p := range problems {
		t.Error(p)
	}
}

func compareSchemas(sub, full *ast.Schema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	if sub.Query.Name != full.Query.Name || sub.Mutation.Name != full.Mutation.Name {
		add("schema roots differ: query %s/%s mutation %s/%s", sub.Query.Name, full.Query.Name, sub.Mutation.Name, full.Mutation.Name)
	}
	for name, st := range sub.Types {
		if st.BuiltIn {
			continue
		}
		ft := full.Types[name]
		if ft == nil {
			add("type %s is not in the full schema", name)
			continue
		}
		if st.Kind != ft.Kind {
			add("type %s is %s, full schema says %s", name, st.Kind, ft.Kind)
			continue
		}
		for _, iface := range st.Interfaces {
			if !slices.Contains(ft.Interfaces, iface) {
				add("type %s implements %s, full schema does not", name, iface)
			}
		}
		for _, member := range st.Types {
			if !slices.Contains(ft.Types, member) {
				add("union %s has member %s, full schema does not", name, member)
			}
		}
		for _, ev := range st.EnumValues {
			if ft.EnumValues.ForName(ev.Name) == nil {
				add("enum %s has value %s, full schema does not", name, ev.Name)
			}
		}
		switch st.Kind {
		case ast.Object, ast.Interface:
			for _, sf := range st.Fields {
				if sf.Name == "__typename" || sf.Name == "__schema" || sf.Name == "__type" {
					continue
				}
				ff := ft.Fields.ForName(sf.Name)
				if ff == nil {
					add("field %s.%s is not in the full schema", name, sf.Name)
					continue
				}
				if sf.Type.String() != ff.Type.String() {
					add("field %s.%s has type %s, full schema says %s", name, sf.Name, sf.Type, ff.Type)
				}
				out = append(out, compareArgs(name+"."+sf.Name, sf.Arguments, ff.Arguments)...)
			}
		case ast.InputObject:
			for _, sf := range st.Fields {
				ff := ft.Fields.ForName(sf.Name)
				if ff == nil {
					add("input field %s.%s is not in the full schema", name, sf.Name)
					continue
				}
				if sf.Type.String() != ff.Type.String() {
					add("input field %s.%s has type %s, full schema says %s", name, sf.Name, sf.Type, ff.Type)
				}
				if defaultString(sf.DefaultValue) != defaultString(ff.DefaultValue) {
					add("input field %s.%s defaults to %s, full schema says %s", name, sf.Name, defaultString(sf.DefaultValue), defaultString(ff.DefaultValue))
				}
			}
			for _, ff := range ft.Fields {
				if ff.Type.NonNull && ff.DefaultValue == nil && st.Fields.ForName(ff.Name) == nil {
					add("input %s leaves out required field %s", name, ff.Name)
				}
			}
		}
	}
	for name, sd := range sub.Directives {
		if sd.Position != nil && sd.Position.Src != nil && sd.Position.Src.BuiltIn {
			continue
		}
		fd := full.Directives[name]
		if fd == nil {
			add("directive @%s is not in the full schema", name)
			continue
		}
		out = append(out, compareArgs("@"+name, sd.Arguments, fd.Arguments)...)
		if !slices.Equal(sd.Locations, fd.Locations) {
			add("directive @%s is on %v, full schema says %v", name, sd.Locations, fd.Locations)
		}
		if sd.IsRepeatable != fd.IsRepeatable {
			add("directive @%s repeatable=%v, full schema says %v", name, sd.IsRepeatable, fd.IsRepeatable)
		}
	}
	return out
}

func compareArgs(owner string, sub, full ast.ArgumentDefinitionList) []string {
	var out []string
	for _, sa := range sub {
		fa := full.ForName(sa.Name)
		if fa == nil {
			out = append(out, fmt.Sprintf("argument %s(%s) is not in the full schema", owner, sa.Name))
			continue
		}
		if sa.Type.String() != fa.Type.String() {
			out = append(out, fmt.Sprintf("argument %s(%s) has type %s, full schema says %s", owner, sa.Name, sa.Type, fa.Type))
		}
		if defaultString(sa.DefaultValue) != defaultString(fa.DefaultValue) {
			out = append(out, fmt.Sprintf("argument %s(%s) defaults to %s, full schema says %s", owner, sa.Name, defaultString(sa.DefaultValue), defaultString(fa.DefaultValue)))
		}
	}
	for _, fa := range full {
		if fa.Type.NonNull && fa.DefaultValue == nil && sub.ForName(fa.Name) == nil {
			out = append(out, fmt.Sprintf("%s leaves out required argument %s", owner, fa.Name))
		}
	}
	return out
}

func defaultString(v *ast.Value) string {
	if v == nil {
		return "<none>"
	}
	return v.String()
}

// TestCompareSchemasCatchesDifferences keeps the checker honest: each kind of
// drift it is meant to catch is planted in a tiny schema pair.
func TestCompareSchemasCatchesDifferences(t *testing.T) {
	full := gqlparser.MustLoadSchema(&ast.Source{Name: "full", Input: `
		directive @idempotent(key: String!) on FIELD
		interface Node { id: ID! }
		type QueryRoot { thing(id: ID!, n: Int = 1): Thing }
		type Mutation { noop: Boolean }
		schema { query: QueryRoot mutation: Mutation }
		type Thing implements Node { id: ID! name: String! }
		enum Color { RED GREEN }
		input In { a: String! b: Int = 2 }
	`})
	sub := gqlparser.MustLoadSchema(&ast.Source{Name: "sub", Input: `
		directive @idempotent(key: String) on FIELD
		interface Node { id: ID! }
		interface Other { id: ID! }
		type QueryRoot { thing(n: Int = 5): Thing extra: Int }
		type Mutation { noop: Boolean }
		schema { query: QueryRoot mutation: Mutation }
		type Thing implements Node & Other { id: ID! name: String }
		enum Color { RED BLUE }
		input In { b: Int = 3 }
		type Missing { x: Int }
	`})
	problems := compareSchemas(sub, full)
	want := []string{
		"argument @idempotent(key) has type String, full schema says String!",
		"argument QueryRoot.thing(n) defaults to 5, full schema says 1",
		"QueryRoot.thing leaves out required argument id",
		"field QueryRoot.extra is not in the full schema",
		"type Thing implements Other, full schema does not",
		"field Thing.name has type String, full schema says String!",
		"enum Color has value BLUE, full schema does not",
		"input field In.b defaults to 3, full schema says 2",
		"input In leaves out required field a",
		"type Missing is not in the full schema",
		"type Other is not in the full schema",
	}
	for _, w := range want {
		if !slices.Contains(problems, w) {
			t.Errorf("checker missed %q; it reported %q", w, problems)
		}
	}
}
