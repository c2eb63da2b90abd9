package fakeshop

import (
	"bytes"
	"encoding/json"
)

// OrderedMap is a JSON object that keeps its keys in insertion order: GraphQL
// responses must list fields in the order the query selected them.
type OrderedMap struct {
	Keys   []string
	Values []any
}

// Set appends a key (the executor never sets a key twice).
func (m *OrderedMap) Set(k string, v any) {
	m.Keys = append(m.Keys, k)
	m.Values = append(m.Values, v)
}

// Get returns the value of k.
func (m *OrderedMap) Get(k string) (any, bool) {
	for i, key := range m.Keys {
		if key == k {
			return m.Values[i], true
		}
	}
	return nil, false
}

// MarshalJSON writes the object with its keys in order.
func (m *OrderedMap) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range m.Keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := json.Marshal(m.Values[i])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Plain converts a result into map[string]any / []any form, which is what
// the cost calculator walks to compute the actual cost.
func Plain(v any) any {
	switch x := v.(type) {
	case *OrderedMap:
		if x == nil {
			return nil
		}
		out := make(map[string]any, len(x.Keys))
		for i, k := range x.Keys {
			out[k] = Plain(x.Values[i])
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	default:
		return v
	}
}
