package cost_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/shopsync/shopsync/shopify/cost"
)

func testSchema(t *testing.T) *ast.Schema {
	t.Helper()
	sdl, err := os.ReadFile("testdata/schema.graphql")
	require.NoError(t, err)
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(sdl)})
	require.NoError(t, err)
	return schema
}

func operation(t *testing.T, schema *ast.Schema, query string) *ast.OperationDefinition {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, query)
	require.Empty(t, errs, "query must validate against the test schema")
	require.Len(t, doc.Operations, 1)
	return doc.Operations[0]
}

func TestRequestedCost(t *testing.T) {
	schema := testSchema(t)
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"scalars on one object", `{ shop { name currencyCode } }`, nil, 1},
		{"nested object", `{ shop { name primaryDomain { host } } }`, nil, 2},
		{"enum and scalar are free", `{ product(id: "1") { status title } }`, nil, 1},
		{"connection of 250 ids", `{ products(first: 250) { edges { node { id } } } }`, nil, 252},
		{"last sizes a connection", `{ products(last: 4) { nodes { id } } }`, nil, 6},
		{"pageInfo and cursor are free", `{ products(first: 3) { pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, nil, 5},
		{"edges and nodes together cost the larger item", `{ products(first: 3) { edges { node { id } } nodes { id seo { title } } } }`, nil, 2 + 3*2},
		{
			"nested connection multiplies by the parent page",
			`{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }`,
			nil, 2 + 10*(1+2+5),
		},
		{
			"three levels: product, variant, inventory level",
			`{ products(first: 10) { nodes { variants(first: 5) { nodes { inventoryItem {
			    inventoryLevels(first: 3) { nodes { location { name } } } } } } } } }`,
			nil, 2 + 10*(1+(2+5*(1+(1+(2+3*(1+1)))))),
		},
		{"variable default", `query($n: Int = 5) { products(first: $n) { nodes { id } } }`, nil, 7},
		{"variable value (JSON number)", `query($n: Int = 5) { products(first: $n) { nodes { id } } }`, map[string]any{"n": float64(20)}, 22},
		{"variable value (json.Number)", `query($n: Int) { products(first: $n) { nodes { id } } }`, map[string]any{"n": json.Number("3")}, 5},
		{
			"named fragment",
			`query { products(first: 2) { nodes { ...P } } } fragment P on Product { id seo { title } }`,
			nil, 2 + 2*2,
		},
		{
			"interface costs its most expensive type",
			`{ node(id: "x") { id
			    ... on Product { seo { title } variants(first: 3) { nodes { id } } }
			    ... on Collection { products(first: 1) { nodes { id } } } } }`,
			nil, 1 + (1 + (2 + 3)),
		},
		{
			"union costs its most expensive member",
			`{ search(term: "x") { ... on Product { seo { title } } ... on Collection { title } } }`,
			nil, 2,
		},
		{
			"fields merged across fragments are costed once",
			`{ product(id: "1") { seo { title } ...F } } fragment F on Product { seo { description } }`,
			nil, 2,
		},
		{
			"aliases are separate fields",
			`{ a: product(id: "1") { id } b: product(id: "2") { id } }`,
			nil, 2,
		},
		{"skip true", `query($s: Boolean!) { shop { name } product(id: "1") @skip(if: $s) { id } }`, map[string]any{"s": true}, 1},
		{"skip false", `query($s: Boolean!) { shop { name } product(id: "1") @skip(if: $s) { id } }`, map[string]any{"s": false}, 2},
		{"include false", `{ shop { name } product(id: "1") @include(if: false) { id } }`, nil, 1},
		{"typename and introspection are free", `{ __typename shop { __typename name } }`, nil, 1},
		{
			// The query a real productCreate fixture sent, with requestedQueryCost 13.
			"productCreate as observed",
			`mutation { productCreate(input: {title: ""}) {
			    product { id title variants(first: 1) { edges { node { id } } } }
			    userErrors { field message } } }`,
			nil, 13,
		},
		{
			"bulkOperationRunQuery as observed",
			`mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }") {
			    bulkOperation { id status } userErrors { field message } } }`,
			nil, 10,
		},
		{
			"deeper objects under a payload are charged",
			`mutation { productCreate(input: {}) { product { seo { title } } } }`,
			nil, 11,
		},
		{
			"each mutation field costs 10",
			`mutation { a: productCreate(input: {}) { userErrors { message } } b: productCreate(input: {}) { userErrors { message } } }`,
			nil, 20,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cost.Requested(schema, operation(t, schema, tc.query), tc.vars)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestMissingPageSize(t *testing.T) {
	schema := testSchema(t)
	op := operation(t, schema, `{ products(first: 2) { nodes { variants { nodes { id } } } } }`)

	_, err := cost.Requested(schema, op, nil)
	var missing *cost.MissingPageSizeError
	require.ErrorAs(t, err, &missing)
	require.Equal(t, "products.nodes.variants", missing.Path)

	// A client wanting an upper bound assumes Shopify's maximum page.
	got, err := cost.Calculator{Schema: schema, MissingPageSize: 250}.Requested(op, nil)
	require.NoError(t, err)
	require.Equal(t, 2+2*(1+2+250), got)

	// A variable that is null counts as missing too.
	op = operation(t, schema, `query($n: Int) { products(first: $n) { nodes { id } } }`)
	_, err = cost.Requested(schema, op, nil)
	require.ErrorAs(t, err, &missing)
	require.Equal(t, "products", missing.Path)
}

func TestBadPageSize(t *testing.T) {
	schema := testSchema(t)
	op := operation(t, schema, `query($n: Int) { products(first: $n) { nodes { id } } }`)
	_, err := cost.Requested(schema, op, map[string]any{"n": float64(-1)})
	require.ErrorContains(t, err, "products(first)")
}

func TestUnvalidatedOperation(t *testing.T) {
	schema := testSchema(t)
	doc, err := parser.ParseQuery(&ast.Source{Input: `{ shop { name } }`})
	require.NoError(t, err)
	_, err = cost.Requested(schema, doc.Operations[0], nil)
	require.ErrorIs(t, err, cost.ErrNotValidated)
}

func TestActualCost(t *testing.T) {
	schema := testSchema(t)
	decode := func(s string) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &m))
		return m
	}
	cases := []struct {
		name      string
		query     string
		data      string
		requested int
		actual    int
	}{
		{
			"connections charge what they returned",
			`{ products(first: 10) { edges { node { id variants(first: 5) { nodes { id } } } } } }`,
			`{"products":{"edges":[{"node":{"id":"1","variants":{"nodes":[{"id":"a"}]}}},
			                       {"node":{"id":"2","variants":{"nodes":[{"id":"b"},{"id":"c"},{"id":"d"}]}}}]}}`,
			2 + 10*(1+2+5), 2 + (1 + 2 + 1) + (1 + 2 + 3),
		},
		{
			"an empty connection costs its base",
			`{ products(first: 50) { nodes { id } } }`,
			`{"products":{"nodes":[]}}`,
			52, 2,
		},
		{
			"a null object stops the walk",
			`{ product(id: "1") { seo { title } variants(first: 5) { nodes { id } } } }`,
			`{"product":null}`,
			1 + 1 + 7, 1,
		},
		{
			"productCreate that failed as observed",
			`mutation { productCreate(input: {title: ""}) {
			    product { id title variants(first: 1) { edges { node { id } } } }
			    userErrors { field message } } }`,
			`{"productCreate":{"product":null,"userErrors":[{"field":["title"],"message":"Title can't be blank"}]}}`,
			13, 10,
		},
		{
			"interface resolved by __typename",
			`{ node(id: "x") { __typename ... on Product { variants(first: 3) { nodes { id } } } ... on Collection { title } } }`,
			`{"node":{"__typename":"Collection","title":"c"}}`,
			1 + 5, 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := operation(t, schema, tc.query)
			requested, err := cost.Requested(schema, op, nil)
			require.NoError(t, err)
			require.Equal(t, tc.requested, requested)
			actual, err := cost.Actual(schema, op, nil, decode(tc.data))
			require.NoError(t, err)
			require.Equal(t, tc.actual, actual)
			require.LessOrEqual(t, actual, requested)
		})
	}
}
