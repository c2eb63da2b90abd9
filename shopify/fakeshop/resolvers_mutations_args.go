package fakeshop

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// inputArgs is a mutation's arguments, or one input object among them, as
// the executor coerced them: string, bool, int64 or json.Number, float64,
// []any, map[string]any, and nil for an explicit null. An absent key was not
// sent at all, which matters where Shopify tells "omitted" from "null"
// (changeFromQuantity, productSet's list fields).
type inputArgs map[string]any

func (a inputArgs) has(k string) bool {
	_, ok := a[k]
	return ok
}

// obj is a nested input object, nil when absent or null.
func (a inputArgs) obj(k string) inputArgs {
	m, _ := a[k].(map[string]any)
	return m
}

// list is a list argument; a single value stands for a list of one, as
// GraphQL's input coercion allows.
func (a inputArgs) list(k string) []any {
	switch v := a[k].(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		return []any{v}
	}
}

// objs is a list of input objects.
func (a inputArgs) objs(k string) []inputArgs {
	l := a.list(k)
	out := make([]inputArgs, 0, len(l))
	for _, v := range l {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

// str is a String (or enum, or string-serialized scalar) argument, nil when
// absent or null.
func (a inputArgs) str(k string) *string {
	switch v := a[k].(type) {
	case string:
		return &v
	case json.Number:
		s := v.String()
		return &s
	}
	return nil
}

func (a inputArgs) strOr(k, def string) string {
	if s := a.str(k); s != nil {
		return *s
	}
	return def
}

func (a inputArgs) boolean(k string) *bool {
	if b, ok := a[k].(bool); ok {
		return &b
	}
	return nil
}

func (a inputArgs) integer(k string) *int {
	if n, ok := toInt(a[k]); ok {
		return &n
	}
	return nil
}

// strs is a [String!] argument, nil when absent or null (so "leave alone"
// and "set to empty" differ).
func (a inputArgs) strs(k string) *[]string {
	if a[k] == nil {
		return nil
	}
	out := []string{}
	for _, v := range a.list(k) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return &out
}

// id reads an ID argument that should name a typ. given is false when the
// argument is absent or null. A well-formed GID of another type gives id 0,
// which no record has, so the caller answers "not found" as Shopify does; a
// malformed one is a GraphQL error ("Invalid global id").
func (a inputArgs) id(k, typ string) (id int64, given bool, err error) {
	raw, ok := a[k]
	if !ok || raw == nil {
		return 0, false, nil
	}
	n, ok, err := idOfType(raw, typ)
	if err != nil {
		return 0, true, err
	}
	if !ok {
		return 0, true, nil
	}
	return n, true, nil
}

// ids reads a [ID!] argument of one type; ids of another type become 0.
func (a inputArgs) ids(k, typ string) ([]int64, error) {
	l := a.list(k)
	out := make([]int64, len(l))
	for i, raw := range l {
		n, ok, err := idOfType(raw, typ)
		if err != nil {
			return nil, err
		}
		if ok {
			out[i] = n
		}
	}
	return out, nil
}

// money reads a Money or Decimal argument into its canonical string with two
// decimals ("5" and "5.0" are "5.00"), as Shopify returns Money. A value that
// is no number is a GraphQL coercion error, as in Shopify.
func (a inputArgs) money(k string) (*string, error) {
	raw, ok := a[k]
	if !ok || raw == nil {
		return nil, nil
	}
	s, err := canonicalMoney(raw)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func canonicalMoney(raw any) (string, error) {
	text := fmt.Sprint(raw)
	r, ok := new(big.Rat).SetString(strings.TrimSpace(text))
	if !ok {
		return "", gqlError(fmt.Sprintf("Invalid Money value: %q", text), "argumentLiteralsIncompatible")
	}
	return r.FloatString(2), nil
}

// decimalText reads a Decimal argument as the caller wrote it (inventory
// cost), checking only that it is a number.
func (a inputArgs) decimalText(k string) (*string, error) {
	raw, ok := a[k]
	if !ok || raw == nil {
		return nil, nil
	}
	text := strings.TrimSpace(fmt.Sprint(raw))
	if _, ok := new(big.Rat).SetString(text); !ok {
		return nil, gqlError(fmt.Sprintf("Invalid Decimal value: %q", text), "argumentLiteralsIncompatible")
	}
	return &text, nil
}

// dateTime reads a DateTime argument (ISO 8601, as Shopify accepts).
func (a inputArgs) dateTime(k string) (*time.Time, error) {
	s := a.str(k)
	if s == nil {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, *s); err == nil {
			return &t, nil
		}
	}
	return nil, gqlError(fmt.Sprintf("Invalid DateTime value: %q", *s), "argumentLiteralsIncompatible")
}

// seo reads an SEOInput.
func (a inputArgs) seo(k string) *SEO {
	o := a.obj(k)
	if o == nil {
		return nil
	}
	return &SEO{Title: o.str("title"), Description: o.str("description")}
}

// fieldPath joins a userErrors field path: argument names and list indexes.
func fieldPath(parts ...any) []string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v)
		case int:
			out = append(out, strconv.Itoa(v))
		case []string:
			out = append(out, v...)
		}
	}
	return out
}
