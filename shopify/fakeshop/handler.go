package fakeshop

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
)

// Shopify's answers for requests that never reach GraphQL.
const (
	invalidTokenBody = `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`
	missingQueryBody = `{"errors":{"query":"Required parameter missing or invalid"}}`
	unknownShopBody  = `{"errors":"Not Found"}`
	maxBodyBytes     = 8 << 20
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/api/{version}/graphql.json", func(w http.ResponseWriter, r *http.Request) {
		s.serveGraphQL(w, r, shopFromHost(r.Host))
	})
	mux.HandleFunc("POST /shops/{shop}/admin/api/{version}/graphql.json", func(w http.ResponseWriter, r *http.Request) {
		s.serveGraphQL(w, r, r.PathValue("shop"))
	})
	mux.HandleFunc("GET /bulk/{shop}/{token}/{file}", s.serveBulkFile)
	s.adminRoutes(mux)
	return mux
}

// shopFromHost takes the shop name from a <name>.myshopify.com Host header.
func shopFromHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	name, ok := strings.CutSuffix(strings.ToLower(host), ".myshopify.com")
	if !ok {
		return ""
	}
	return name
}

// gqlRequest is the JSON body of a GraphQL request.
type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// gqlResponse is the JSON body of a GraphQL answer. Data is a pointer so that
// "data" is absent (not null) when the request never executed, as in
// Shopify's THROTTLED and validation answers.
type gqlResponse struct {
	Data       any            `json:"data,omitempty"`
	Errors     gqlerror.List  `json:"errors,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, shopName string) {
	start := time.Now()
	// Shopify falls forward to a supported version when asked for one it does
	// not serve; fakeshop serves exactly one, so every request is answered
	// as it, and the header says so.
	w.Header().Set("X-Shopify-API-Version", adminapi.Version)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	shop := s.Shop(shopName)
	if shop == nil {
		writeRaw(w, http.StatusNotFound, unknownShopBody)
		return
	}
	token := r.Header.Get("X-Shopify-Access-Token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(shop.token)) != 1 {
		writeRaw(w, http.StatusUnauthorized, invalidTokenBody)
		return
	}
	if s.graphQLFaultBefore(w, r, shop) {
		return
	}
	req, ok := readRequest(w, r)
	if !ok {
		return
	}
	status, resp, throttled := s.execute(r, shop, req)
	if s.graphQLFaultAfter(w, shop) {
		return
	}
	if throttled {
		if ext, ok := resp.Extensions["cost"].(costExtension); ok {
			if wait, ok := shop.currentBudget().Wait(float64(ext.RequestedQueryCost)); ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			}
		}
	}
	body, err := json.Marshal(resp)
	if err != nil {
		s.log.Error("fakeshop: encoding response", "shop", shop.name, "err", err)
		writeRaw(w, http.StatusInternalServerError, `{"errors":"Internal error"}`)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	s.log.Debug("fakeshop request", "shop", shop.name, "status", status, "operation", req.OperationName, "took", time.Since(start))
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// readRequest decodes the body: JSON {query, variables, operationName}, or
// the bare query for Content-Type application/graphql. Numbers are kept as
// json.Number so that big ids and Ints survive.
func readRequest(w http.ResponseWriter, r *http.Request) (gqlRequest, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeRaw(w, http.StatusBadRequest, missingQueryBody)
		return gqlRequest{}, false
	}
	var req gqlRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/graphql") {
		req.Query = string(body)
	} else {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			writeRaw(w, http.StatusBadRequest, missingQueryBody)
			return gqlRequest{}, false
		}
	}
	if strings.TrimSpace(req.Query) == "" {
		writeRaw(w, http.StatusBadRequest, missingQueryBody)
		return gqlRequest{}, false
	}
	return req, true
}

// execute runs a request through parse, validation, cost and execution and
// returns the HTTP status and body. Every answer past authentication carries
// extensions.cost when a cost could be computed.
func (s *Server) execute(r *http.Request, shop *Shop, req gqlRequest) (status int, resp gqlResponse, throttled bool) {
	schema := adminapi.Schema()
	doc, perr := parser.ParseQuery(&ast.Source{Name: "query", Input: req.Query})
	if perr != nil {
		return http.StatusOK, gqlResponse{Errors: withCode(gqlerror.List{asGQLError(perr)}, "parseError")}, false
	}
	if errs := validator.Validate(schema, doc); len(errs) > 0 {
		for _, e := range errs {
			setCode(e, validationCode(e.Rule))
		}
		return http.StatusOK, gqlResponse{Errors: errs}, false
	}
	op, opErr := pickOperation(doc, req.OperationName)
	if opErr != nil {
		return http.StatusOK, gqlResponse{Errors: gqlerror.List{opErr}}, false
	}
	vars, verr := validator.VariableValues(schema, op, req.Variables)
	if verr != nil {
		return http.StatusOK, gqlResponse{Errors: withCode(gqlerror.List{asGQLError(verr)}, "INVALID_VARIABLE")}, false
	}
	calc := cost.Calculator{Schema: schema}
	requested, err := calc.Requested(op, vars)
	if err != nil {
		var missing *cost.MissingPageSizeError
		if errors.As(err, &missing) {
			return http.StatusOK, gqlResponse{Errors: gqlerror.List{gqlError("you must provide one of first or last", "BAD_REQUEST")}}, false
		}
		return http.StatusOK, gqlResponse{Errors: gqlerror.List{gqlError(err.Error(), "INTERNAL_SERVER_ERROR")}}, false
	}
	budget := shop.currentBudget()
	if requested > cost.MaxQueryCost {
		e := gqlError(fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).", requested, cost.MaxQueryCost), "MAX_COST_EXCEEDED")
		e.Extensions["cost"] = requested
		e.Extensions["maxCost"] = cost.MaxQueryCost
		return http.StatusOK, gqlResponse{Errors: gqlerror.List{e}, Extensions: costExt(requested, nil, budget)}, false
	}
	if ok, _ := budget.TryCharge(float64(requested)); !ok {
		e := &gqlerror.Error{Message: "Throttled", Extensions: map[string]any{
			"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}
		return s.opts.ThrottledStatus, gqlResponse{Errors: gqlerror.List{e}, Extensions: costExt(requested, nil, budget)}, true
	}
	ex := &execution{schema: schema, doc: doc, op: op, vars: vars, shop: shop, ctx: r.Context(), version: adminapi.Version}
	data := ex.run()
	var plain map[string]any
	if data != nil {
		plain, _ = Plain(data).(map[string]any)
	}
	actual, err := calc.Actual(op, vars, plain)
	if err != nil {
		actual = requested
	}
	if actual < requested {
		budget.Refund(float64(requested - actual))
	}
	resp = gqlResponse{Errors: ex.errs, Extensions: costExt(requested, &actual, budget)}
	if data != nil {
		resp.Data = data
	} else {
		resp.Data = json.RawMessage("null")
	}
	return http.StatusOK, resp, false
}

func costExt(requested int, actual *int, b Budget) map[string]any {
	return map[string]any{"cost": costExtension{RequestedQueryCost: requested, ActualQueryCost: actual, ThrottleStatus: statusOf(b)}}
}

// pickOperation chooses the operation to run, as the spec's GetOperation.
func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	var op *ast.OperationDefinition
	switch {
	case name != "":
		op = doc.Operations.ForName(name)
		if op == nil {
			return nil, gqlError(fmt.Sprintf("No operation named %q", name), "BAD_REQUEST")
		}
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	default:
		return nil, gqlError("An operation name is required", "BAD_REQUEST")
	}
	if op.Operation == ast.Subscription {
		return nil, gqlError("Subscriptions are not supported", "BAD_REQUEST")
	}
	return op, nil
}

func asGQLError(err error) *gqlerror.Error {
	var e *gqlerror.Error
	if errors.As(err, &e) {
		return e
	}
	return &gqlerror.Error{Message: err.Error()}
}

func withCode(errs gqlerror.List, code string) gqlerror.List {
	for _, e := range errs {
		setCode(e, code)
	}
	return errs
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	if _, ok := e.Extensions["code"]; !ok {
		e.Extensions["code"] = code
	}
}

// validationCode maps gqlparser's rule names to the static-validation codes of
// graphql-ruby, the server library Shopify runs, so clients that branch on
// extensions.code see familiar values. UNVERIFIED per code against Shopify.
func validationCode(rule string) string {
	switch rule {
	case "FieldsOnCorrectType":
		return "undefinedField"
	case "KnownArgumentNames":
		return "argumentNotAccepted"
	case "ProvidedRequiredArguments":
		return "missingRequiredArguments"
	case "KnownTypeNames":
		return "undefinedType"
	case "ValuesOfCorrectType":
		return "argumentLiteralsIncompatible"
	case "ScalarLeafs":
		return "selectionMismatch"
	case "VariablesInAllowedPosition":
		return "variableMismatch"
	case "NoUnusedVariables":
		return "variableNotUsed"
	case "NoUndefinedVariables":
		return "variableNotDefined"
	case "KnownFragmentNames":
		return "undefinedFragment"
	case "NoUnusedFragments":
		return "useAndDefineFragment"
	case "KnownDirectives":
		return "undefinedDirective"
	case "PossibleFragmentSpreads":
		return "cannotSpreadFragment"
	case "OverlappingFieldsCanBeMerged":
		return "fieldConflict"
	case "UniqueArgumentNames":
		return "argumentNotUnique"
	}
	return "GRAPHQL_VALIDATION_FAILED"
}
