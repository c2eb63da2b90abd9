package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/maphash"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/shopsync/shopsync/shopify/cost"
)

type costKey struct{}

// WithCost tells the transport the requested cost of the request made with
// ctx, e.g. from cost.Requested or a cost reported earlier for the same
// query. It takes precedence over any estimate of the transport's own.
func WithCost(ctx context.Context, points int) context.Context {
	return context.WithValue(ctx, costKey{}, points)
}

func costFrom(ctx context.Context) (int, bool) {
	n, ok := ctx.Value(costKey{}).(int)
	return n, ok && n > 0
}

// request is the JSON body of a GraphQL POST.
type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// maxCached bounds the estimator's caches; query texts are few (generated
// operations), so reaching it means something is building queries
// dynamically and the caches start over.
const maxCached = 1024

// estimator turns a request body into the cost to reserve.
type estimator struct {
	schema   *ast.Schema
	fallback float64
	seed     maphash.Seed

	mu      sync.Mutex
	learned map[uint64]float64            // query text → requestedQueryCost last reported
	parsed  map[uint64]*ast.QueryDocument // query text → validated document
}

func newEstimator(schema *ast.Schema, fallback int) *estimator {
	return &estimator{
		schema: schema, fallback: float64(fallback), seed: maphash.MakeSeed(),
		learned: map[uint64]float64{}, parsed: map[uint64]*ast.QueryDocument{},
	}
}

// expected returns the cost to reserve for body, and the key under which a
// reported cost for it is learned.
func (e *estimator) expected(ctx context.Context, body []byte) (float64, uint64) {
	var req request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&req) != nil || req.Query == "" {
		if n, ok := costFrom(ctx); ok {
			return float64(n), 0
		}
		return e.fallback, 0
	}
	key := maphash.String(e.seed, req.Query)
	if n, ok := costFrom(ctx); ok {
		return float64(n), key
	}
	if c, ok := e.static(req, key); ok {
		return c, key
	}
	e.mu.Lock()
	c, ok := e.learned[key]
	e.mu.Unlock()
	if ok {
		return c, key
	}
	return e.fallback, key
}

// static computes the cost with the schema, when there is one and the query
// validates against it.
func (e *estimator) static(req request, key uint64) (float64, bool) {
	if e.schema == nil {
		return 0, false
	}
	e.mu.Lock()
	doc, ok := e.parsed[key]
	e.mu.Unlock()
	if !ok {
		var errs error
		doc, errs = loadQuery(e.schema, req.Query)
		if errs != nil {
			return 0, false
		}
		e.mu.Lock()
		if len(e.parsed) >= maxCached {
			clear(e.parsed)
		}
		e.parsed[key] = doc
		e.mu.Unlock()
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil {
		return 0, false
	}
	c, err := cost.Calculator{Schema: e.schema, MissingPageSize: 250}.Requested(op, req.Variables)
	if err != nil {
		return 0, false
	}
	return float64(c), true
}

func loadQuery(schema *ast.Schema, query string) (*ast.QueryDocument, error) {
	doc, errs := gqlparser.LoadQuery(schema, query)
	if len(errs) > 0 {
		return nil, errs
	}
	return doc, nil
}

// learn records the requested cost Shopify reported for a query.
func (e *estimator) learn(key uint64, requested float64) {
	if key == 0 || requested <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.learned) >= maxCached {
		clear(e.learned)
	}
	e.learned[key] = requested
}
