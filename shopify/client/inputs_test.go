package client

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	gqlast "github.com/vektah/gqlparser/v2/ast"

	"github.com/shopsync/shopsync/shopify/adminapi"
)

// sentAsNull are the nullable input fields sent even when nil, because their
// null means something of its own (see operations/inventory_write.graphql).
var sentAsNull = map[string]bool{
	"InventoryQuantityInput.changeFromQuantity": true,
	"InventoryChangeInput.changeFromQuantity":   true,
}

// TestGeneratedInputsOmitOnlyNullableFields checks the rule the mutation
// operations' @genqlient directives implement, on the generated code itself:
// genqlient generates each input type once, for whichever operation it meets
// first, so an operation missing a directive would silently change the type
// for all of them. A nullable field must be a pointer (or slice) left out
// when unset; a non-null field must always be sent.
func TestGeneratedInputsOmitOnlyNullableFields(t *testing.T) {
	schema := adminapi.Schema()
	f, err := parser.ParseFile(token.NewFileSet(), "generated.go", nil, 0)
	require.NoError(t, err)

	checked := 0
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			ts := spec.(*ast.TypeSpec)
			def := schema.Types[ts.Name.Name]
			st, isStruct := ts.Type.(*ast.StructType)
			if def == nil || def.Kind != gqlast.InputObject || !isStruct {
				continue
			}
			for _, field := range st.Fields.List {
				require.NotNil(t, field.Tag, "%s: field without a json tag", ts.Name.Name)
				tagText, err := strconv.Unquote(field.Tag.Value)
				require.NoError(t, err)
				name, opts, _ := strings.Cut(reflect.StructTag(tagText).Get("json"), ",")
				fd := def.Fields.ForName(name)
				require.NotNil(t, fd, "%s.%s is not in the schema", def.Name, name)
				key := def.Name + "." + name
				omit := opts == "omitempty"
				_, isPtr := field.Type.(*ast.StarExpr)
				_, isSlice := field.Type.(*ast.ArrayType)
				switch {
				case fd.Type.NonNull:
					require.False(t, omit, "%s is non-null: it must always be sent", key)
					require.False(t, isPtr, "%s is non-null: it must not be a pointer", key)
				case sentAsNull[key]:
					require.False(t, omit, "%s must be sent as null when unset", key)
					require.True(t, isPtr, "%s must be a pointer", key)
				default:
					require.True(t, omit, "%s is nullable: it must be left out when unset (add omitempty to the operation)", key)
					require.True(t, isPtr || isSlice, "%s is nullable: it must be a pointer or a slice", key)
				}
				checked++
			}
		}
	}
	require.Greater(t, checked, 100, "expected the write mutations' input types in generated.go")
}
