package adminapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSchemaLoads(t *testing.T) {
	s := Schema()
	require.NotNil(t, s.Query)
	require.Equal(t, "QueryRoot", s.Query.Name)
	require.Equal(t, "Mutation", s.Mutation.Name)
	require.NotNil(t, s.Directives["idempotent"])
	for _, name := range CustomScalars {
		def := s.Types[name]
		require.NotNil(t, def, name)
		require.Equal(t, "SCALAR", string(def.Kind), name)
	}
	// Every Node implementer must be reachable for node(id:) to resolve it.
	require.NotEmpty(t, s.GetPossibleTypes(s.Types["Node"]))
}
