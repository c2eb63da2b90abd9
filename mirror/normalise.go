package mirror

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GIDPrefix starts every Shopify global id.
const GIDPrefix = "gid://shopify/"

// GID builds a Shopify global id from a type and a REST numeric id.
func GID(typ string, id int64) string {
	return GIDPrefix + typ + "/" + strconv.FormatInt(id, 10)
}

// gidType returns the type of a GID ("Product" of gid://shopify/Product/1),
// or "" when s is no Shopify GID.
func gidType(s string) string {
	rest, ok := strings.CutPrefix(s, GIDPrefix)
	if !ok {
		return ""
	}
	typ, id, ok := strings.Cut(rest, "/")
	if !ok || id == "" {
		return ""
	}
	return typ
}

// checkGID fails unless gid is a Shopify GID of type typ.
func checkGID(field, gid, typ string) error {
	if got := gidType(gid); got != typ {
		return fmt.Errorf("%s %q is not a gid://shopify/%s/ id", field, gid, typ)
	}
	return nil
}

// canonicalDecimal writes a decimal string by value: no leading zeros in the
// integer part, no trailing zeros in the fraction, "0" for zero. Input that
// is not a plain decimal is returned as is (the database will reject it).
func canonicalDecimal(s string) string {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return s
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	frac = strings.TrimRight(frac, "0")
	if intPart == "" {
		intPart = "0"
	}
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

// upper turns a REST enum spelling into GraphQL's: active → ACTIVE,
// best-selling → BEST_SELLING.
func upper(s string) string {
	return strings.ToUpper(strings.ReplaceAll(s, "-", "_"))
}

func optUpper(s *string) *string {
	if s == nil {
		return nil
	}
	u := upper(*s)
	return &u
}

// splitTags parses REST's tags string, "a, b, c".
func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// parseTime parses an RFC 3339 time (GraphQL's "…Z" and REST's "…-05:00"
// alike) into UTC; empty is nil.
func parseTime(field string, s *string) (*time.Time, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	t = t.UTC()
	return &t, nil
}

// emptyToNil maps "" to nil: Shopify sends an unset SKU or barcode as null
// or "", and both mean none.
func emptyToNil(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

// number is a JSON value that may be a number or a numeric string (REST
// money fields are strings, GraphQL's Decimal is a string, some payloads
// carry numbers); it keeps the literal text.
type number string

func (n *number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = number(s)
		return nil
	}
	var x json.Number
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*n = number(x.String())
	return nil
}

func (n *number) ptr() *string {
	if n == nil || *n == "" {
		return nil
	}
	s := string(*n)
	return &s
}

// restID is a REST numeric id; it may be absent (0).
type restID int64

func (id restID) gid(typ string) *string {
	if id == 0 {
		return nil
	}
	g := GID(typ, int64(id))
	return &g
}

// node is a GraphQL reference to another object: {"id": "gid://…"}.
type node struct {
	ID string `json:"id"`
}

func (n *node) gid() *string {
	if n == nil || n.ID == "" {
		return nil
	}
	return &n.ID
}

// moneyBag is GraphQL's MoneyBag; the shop's currency is what the mirror keeps.
type moneyBag struct {
	ShopMoney struct {
		Amount number `json:"amount"`
	} `json:"shopMoney"`
}

func (m *moneyBag) amount() *string {
	if m == nil {
		return nil
	}
	return m.ShopMoney.Amount.ptr()
}
