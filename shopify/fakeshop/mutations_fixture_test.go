package fakeshop

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// mutShop is a shop for the mutation tests: two locations, and a recorder of
// every change the shop announces, so tests can check that a mutation went
// through the Shop write path.
type mutShop struct {
	srv       *Server
	shop      *Shop
	clock     *testClock
	warehouse *Location
	store     *Location

	mu      sync.Mutex
	changes []Change
}

func newMutShop(t *testing.T) *mutShop {
	t.Helper()
	m := &mutShop{clock: newTestClock()}
	m.srv = startServer(t, Options{Clock: m.clock.Now})
	m.shop = m.srv.AddShop(ShopConfig{Name: "mut"})
	var err error
	m.warehouse, err = m.shop.CreateLocation(LocationInput{Name: "Warehouse"})
	require.NoError(t, err)
	m.store, err = m.shop.CreateLocation(LocationInput{Name: "Store"})
	require.NoError(t, err)
	m.shop.OnChange(func(c Change) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.changes = append(m.changes, c)
	})
	return m
}

// topics returns the topics announced since the last call, and forgets them.
func (m *mutShop) topics() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []string{}
	for _, c := range m.changes {
		out = append(out, c.Topic)
	}
	m.changes = nil
	return out
}

// connected returns the available quantity each inventory_levels/connect
// announced since the last topics call carries.
func (m *mutShop) connected() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []int{}
	for _, c := range m.changes {
		if l, ok := c.Resource.(*InventoryLevel); ok && c.Topic == TopicInventoryLevelsConnect {
			out = append(out, l.Quantities[QtyAvailable])
		}
	}
	return out
}

// do runs a GraphQL operation and fails on GraphQL errors.
func (m *mutShop) do(t *testing.T, q string, vars map[string]any) map[string]any {
	t.Helper()
	return query(t, m.srv, m.shop, q, vars)
}

// raw runs a GraphQL operation and returns the whole answer, errors included.
func (m *mutShop) raw(t *testing.T, q string, vars map[string]any) gqlResult {
	t.Helper()
	res := post(t, m.srv.GraphQLURL(m.shop.Name()), m.shop.Token(), q, vars)
	require.Equal(t, http.StatusOK, res.Status, string(res.Raw))
	return res
}

// payload runs a mutation and returns data.<field>, failing on GraphQL errors.
func (m *mutShop) payload(t *testing.T, field, q string, vars map[string]any) map[string]any {
	t.Helper()
	p, ok := m.do(t, q, vars)[field].(map[string]any)
	require.True(t, ok, "no payload for %s", field)
	return p
}

// userErrors returns a payload's userErrors as (code, field, message) maps.
func userErrs(p map[string]any, key ...string) []map[string]any {
	k := "userErrors"
	if len(key) > 0 {
		k = key[0]
	}
	out := []map[string]any{}
	for _, e := range p[k].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// requireUserError checks that a payload has exactly one userError with
// that code (nil for the code-less UserError type) and field path.
func requireUserError(t *testing.T, p map[string]any, code any, field ...string) map[string]any {
	t.Helper()
	errs := userErrs(p)
	require.Len(t, errs, 1, "%v", p)
	if code != nil {
		require.Equal(t, code, errs[0]["code"], "%v", errs[0])
	}
	var want any
	if len(field) > 0 {
		f := make([]any, len(field))
		for i, s := range field {
			f[i] = s
		}
		want = f
	}
	require.Equal(t, want, errs[0]["field"], "%v", errs[0])
	require.NotEmpty(t, errs[0]["message"])
	return errs[0]
}

// simpleProduct stores a product with one variant per (sku, location
// quantities) spec, stocked with available quantities.
func (m *mutShop) simpleProduct(t *testing.T, title string, skus ...string) (*Product, []*Variant) {
	t.Helper()
	var vs []VariantInput
	for _, sku := range skus {
		vs = append(vs, VariantInput{OptionValues: []SelectedOption{{"Size", sku}}, SKU: ptr(sku), Price: ptr("10.00"),
			Quantities: []LocationQuantity{{m.warehouse.ID, QtyAvailable, 5}}})
	}
	p, err := m.shop.CreateProduct(ProductInput{Title: ptr(title)}, vs)
	require.NoError(t, err)
	m.topics()
	return p, m.shop.Variants(p)
}
