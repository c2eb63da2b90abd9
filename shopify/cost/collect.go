package cost

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// group is every field selected under one response key; GraphQL execution
// merges them into one field, so the calculator costs them once.
type group struct {
	key    string
	fields []*ast.Field
}

// collect resolves fragments and @skip/@include for an object of concrete
// type def (or of def itself when it is abstract with no known implementors)
// and groups the resulting fields by response key, in selection order.
func (w *walker) collect(set ast.SelectionSet, def *ast.Definition) []group {
	var groups []group
	byKey := map[string]int{}
	var visit func(ast.SelectionSet)
	visit = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !w.included(s.Directives) {
					continue
				}
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if i, ok := byKey[key]; ok {
					groups[i].fields = append(groups[i].fields, s)
					continue
				}
				byKey[key] = len(groups)
				groups = append(groups, group{key: key, fields: []*ast.Field{s}})
			case *ast.InlineFragment:
				if w.included(s.Directives) && w.applies(s.TypeCondition, def) {
					visit(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if s.Definition != nil && w.included(s.Directives) && w.applies(s.Definition.TypeCondition, def) {
					visit(s.Definition.SelectionSet)
				}
			}
		}
	}
	visit(set)
	return groups
}

// applies reports whether a fragment on condition applies to type def.
func (w *walker) applies(condition string, def *ast.Definition) bool {
	if condition == "" || condition == def.Name {
		return true
	}
	cond := w.calc.Schema.Types[condition]
	if cond == nil || !cond.IsAbstractType() {
		return false
	}
	for _, t := range w.calc.Schema.GetPossibleTypes(cond) {
		if t.Name == def.Name {
			return true
		}
	}
	return false
}

// included evaluates @skip(if:) and @include(if:).
func (w *walker) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil && w.directiveIf(d) {
		return false
	}
	if d := dirs.ForName("include"); d != nil && !w.directiveIf(d) {
		return false
	}
	return true
}

func (w *walker) directiveIf(d *ast.Directive) bool {
	arg := d.Arguments.ForName("if")
	if arg == nil {
		return false
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil {
		return false
	}
	b, _ := v.(bool)
	return b
}

// merge concatenates the selection sets of fields sharing a response key.
func merge(fields []*ast.Field) ast.SelectionSet {
	if len(fields) == 1 {
		return fields[0].SelectionSet
	}
	var set ast.SelectionSet
	for _, f := range fields {
		set = append(set, f.SelectionSet...)
	}
	return set
}
