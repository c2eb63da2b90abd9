package fakeshop

import (
	"context"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// Object is a value of a GraphQL object type. TypeName is its concrete type,
// which the executor needs for __typename, fragments on interfaces and Node.
type Object interface {
	TypeName() string
}

// Identified is an Object with a numeric id: what connections list, since
// cursors are built from ids.
type Identified interface {
	Object
	NumericID() int64
}

// FieldFunc resolves one field of one object type. It returns the field's
// value in Go form: nil for null; string, bool, int, int64, float64 or
// time.Time (and pointers to them) for scalars and enums; an Object for an
// object; a slice for a list; a *Conn for a connection (the executor pages
// it with the field's first/after/last/before/reverse arguments).
// A *UserError or other error becomes a GraphQL error at the field's path.
type FieldFunc func(rc *ResolveContext, obj Object, args map[string]any) (any, error)

// ResolveContext is what a FieldFunc knows about the request.
type ResolveContext struct {
	Ctx   context.Context
	Shop  *Shop
	Field *ast.Field
	Path  ast.Path
	// Vars are the operation's coerced variables, for reading directive
	// arguments such as @idempotent(key:) with Field.Directives.
	Vars map[string]any
	// APIVersion is the version the request was answered as.
	APIVersion string
}

// resolvers maps GraphQL type name → field name → resolver. The resolvers_*.go
// files fill it from init, one resource family per file, so a later stage adds
// a family (mutations, bulk operations) by adding a file.
var resolvers = map[string]map[string]FieldFunc{}

// register adds resolvers for a type; registering a field twice is a bug.
func register(typeName string, fields map[string]FieldFunc) {
	m := resolvers[typeName]
	if m == nil {
		m = map[string]FieldFunc{}
		resolvers[typeName] = m
	}
	for name, f := range fields {
		if _, dup := m[name]; dup {
			panic(fmt.Sprintf("fakeshop: %s.%s registered twice", typeName, name))
		}
		m[name] = f
	}
}

// Register is register for other packages' extensions of fakeshop (tests of a
// later stage, fault injection); call it before serving.
func Register(typeName string, fields map[string]FieldFunc) { register(typeName, fields) }

// field adapts a resolver that needs only the typed object.
func field[T Object](f func(o T) any) FieldFunc {
	return func(_ *ResolveContext, obj Object, _ map[string]any) (any, error) { return f(obj.(T)), nil }
}

// fieldCtx adapts a resolver that needs the request and arguments.
func fieldCtx[T Object](f func(rc *ResolveContext, o T, args map[string]any) (any, error)) FieldFunc {
	return func(rc *ResolveContext, obj Object, args map[string]any) (any, error) { return f(rc, obj.(T), args) }
}

// selfResolver is an object that resolves its own fields: generic helper
// objects (connections, edges, static value objects) rather than resources.
type selfResolver interface {
	Object
	resolveField(rc *ResolveContext, name string, args map[string]any) (any, error)
}

// Obj is a plain value object (SEO, MoneyV2, PageInfo, Count, ...) whose
// fields are known up front.
type Obj struct {
	Type   string
	Fields map[string]any
}

// NewObj builds an Obj from alternating field names and values.
func NewObj(typ string, kv ...any) *Obj {
	o := &Obj{Type: typ, Fields: make(map[string]any, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Fields[kv[i].(string)] = kv[i+1]
	}
	return o
}

// TypeName implements Object.
func (o *Obj) TypeName() string { return o.Type }

func (o *Obj) resolveField(_ *ResolveContext, name string, _ map[string]any) (any, error) {
	v, ok := o.Fields[name]
	if !ok {
		return nil, fmt.Errorf("fakeshop does not implement %s.%s", o.Type, name)
	}
	return v, nil
}

// root objects: the executor starts from these.
type queryRoot struct{}

func (queryRoot) TypeName() string { return "QueryRoot" }

type mutationRoot struct{}

func (mutationRoot) TypeName() string { return "Mutation" }
