package fakeshop

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The query: argument of Shopify connections takes its search syntax. fakeshop
// implements the subset a sync client uses:
//
//	updated_at:>2026-01-01T00:00:00Z   comparisons >, >=, <, <= on dates and ids
//	sku:ABC-1  handle:red-shirt  status:active,draft   exact (case-insensitive), comma = any of
//	sku:ABC*                            prefix
//	title:shirt  or a bare word         case-insensitive substring of the title
//	a AND b, a b (implicit AND), a OR b, NOT a, -a, and parentheses
//
// As in Shopify, a filter on a field the resource does not support is
// ignored (it matches everything) rather than rejected.

// fieldKind says how a filter field compares.
type fieldKind int

const (
	kindExact fieldKind = iota // case-insensitive equality; trailing * is a prefix
	kindText                   // case-insensitive substring
	kindTime                   // date/time comparisons
	kindInt                    // integer comparisons
)

// filterField reads one searchable field of a resource: its values (a
// product has many SKUs) as strings, int64s or time.Times.
type filterField struct {
	kind   fieldKind
	values func(obj any) []any
}

// filterSpec is the searchable fields of one resource; "" is the field a bare
// word searches.
type filterSpec map[string]filterField

// filterExpr is a parsed query.
type filterExpr interface {
	match(spec filterSpec, obj any) bool
}

type andExpr []filterExpr
type orExpr []filterExpr
type notExpr struct{ e filterExpr }
type termExpr struct {
	field string
	op    string // ":", ">", ">=", "<", "<="
	value string
}

func (a andExpr) match(spec filterSpec, obj any) bool {
	for _, e := range a {
		if !e.match(spec, obj) {
			return false
		}
	}
	return true
}

func (o orExpr) match(spec filterSpec, obj any) bool {
	for _, e := range o {
		if e.match(spec, obj) {
			return true
		}
	}
	return false
}

func (n notExpr) match(spec filterSpec, obj any) bool { return !n.e.match(spec, obj) }

func (t termExpr) match(spec filterSpec, obj any) bool {
	f, ok := spec[t.field]
	if !ok {
		return true // unsupported filter: ignored, as Shopify does
	}
	for _, v := range f.values(obj) {
		if t.matchValue(f.kind, v) {
			return true
		}
	}
	return false
}

func (t termExpr) matchValue(kind fieldKind, v any) bool {
	switch kind {
	case kindTime:
		tv, ok := v.(time.Time)
		want, err := parseFilterTime(t.value)
		if !ok || err != nil {
			return false
		}
		return compareOp(t.op, tv.Compare(want))
	case kindInt:
		iv, ok := v.(int64)
		want, err := strconv.ParseInt(t.value, 10, 64)
		if !ok || err != nil {
			return false
		}
		switch {
		case iv < want:
			return compareOp(t.op, -1)
		case iv > want:
			return compareOp(t.op, 1)
		}
		return compareOp(t.op, 0)
	}
	s := strings.ToLower(fmt.Sprint(v))
	for _, want := range strings.Split(strings.ToLower(t.value), ",") {
		switch {
		case kind == kindText && strings.Contains(s, want):
			return true
		case strings.HasSuffix(want, "*") && strings.HasPrefix(s, strings.TrimSuffix(want, "*")):
			return true
		case kind == kindExact && s == want:
			return true
		}
	}
	return false
}

func compareOp(op string, c int) bool {
	switch op {
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	}
	return c == 0
}

// parseFilterTime accepts the date forms Shopify's search does: RFC 3339 with
// or without a zone (UTC assumed), or a bare date.
func parseFilterTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// parseFilter parses a query string; an empty one matches everything.
func parseFilter(q string) (filterExpr, error) {
	toks, err := tokenize(q)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	if len(toks) == 0 {
		return andExpr{}, nil
	}
	e := p.or()
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in query", p.toks[p.pos])
	}
	return e, nil
}

type filterParser struct {
	toks []string
	pos  int
}

func (p *filterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser) or() filterExpr {
	parts := orExpr{p.and()}
	for p.peek() == "OR" {
		p.pos++
		parts = append(parts, p.and())
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return parts
}

func (p *filterParser) and() filterExpr {
	var parts andExpr
	for {
		switch p.peek() {
		case "", "OR", ")":
			return parts
		case "AND":
			p.pos++
			continue
		}
		parts = append(parts, p.unary())
	}
}

func (p *filterParser) unary() filterExpr {
	tok := p.peek()
	switch {
	case tok == "NOT":
		p.pos++
		return notExpr{p.unary()}
	case tok == "(":
		p.pos++
		e := p.or()
		if p.peek() == ")" {
			p.pos++
		}
		return e
	case strings.HasPrefix(tok, "-") && len(tok) > 1:
		p.pos++
		return notExpr{parseTerm(tok[1:])}
	}
	p.pos++
	return parseTerm(tok)
}

func parseTerm(tok string) termExpr {
	field, value, ok := strings.Cut(tok, ":")
	if !ok {
		return termExpr{field: "", op: ":", value: unquote(tok)}
	}
	op := ":"
	for _, cand := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(value, cand); ok {
			op, value = cand, rest
			break
		}
	}
	return termExpr{field: strings.ToLower(field), op: op, value: unquote(value)}
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// tokenize splits on spaces outside quotes and makes parentheses tokens.
func tokenize(q string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	var quote rune
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, r := range q {
		switch {
		case quote != 0:
			cur.WriteRune(r)
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
			cur.WriteRune(r)
		case unicode.IsSpace(r):
			flush()
		case r == '(' || r == ')':
			flush()
			toks = append(toks, string(r))
		default:
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in query %q", q)
	}
	flush()
	return toks, nil
}

// filterItems keeps the items the query argument matches.
func filterItems[T any](items []T, args map[string]any, spec filterSpec) ([]T, error) {
	q, _ := args["query"].(string)
	if strings.TrimSpace(q) == "" {
		return items, nil
	}
	expr, err := parseFilter(q)
	if err != nil {
		return nil, gqlError(err.Error(), "BAD_REQUEST")
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		if expr.match(spec, it) {
			out = append(out, it)
		}
	}
	return out, nil
}

// Common field readers.
func one(v any) []any { return []any{v} }

func optional(p *string) []any {
	if p == nil {
		return nil
	}
	return []any{*p}
}
