package fakeshop

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// DateTimeFormat is how DateTime values are written: UTC with a Z and whole
// seconds, as the Admin API returns them (webhooks use offsets instead).
const DateTimeFormat = "2006-01-02T15:04:05Z"

// formatTime writes t as a DateTime.
func formatTime(t time.Time) string { return t.UTC().Format(DateTimeFormat) }

// serializeLeaf writes a scalar or enum value. Shopify's custom scalars
// (Money, Decimal, UnsignedInt64, DateTime, URL, HTML) are all JSON strings.
func serializeLeaf(def *ast.Definition, v any) (any, error) {
	if def.Kind == ast.Enum {
		s, ok := v.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			return nil, fmt.Errorf("internal: %v is not a %s value", v, def.Name)
		}
		return s, nil
	}
	switch def.Name {
	case "Int":
		switch n := v.(type) {
		case int:
			return n, nil
		case int64:
			return n, nil
		}
	case "Float":
		switch n := v.(type) {
		case float64:
			return n, nil
		case int:
			return float64(n), nil
		}
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "JSON":
		return v, nil
	default: // String, ID and every custom scalar
		switch x := v.(type) {
		case string:
			return x, nil
		case time.Time:
			return formatTime(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case int:
			return strconv.Itoa(x), nil
		}
	}
	return nil, fmt.Errorf("internal: cannot serialize %T as %s", v, def.Name)
}
