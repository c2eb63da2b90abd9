package mirror

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// rowsJSON encodes rows of one table as the JSON array an Apply passes to
// jsonb_populate_recordset: one object per row keyed by column name, each
// value in the text form PostgreSQL's input functions read (numeric as a
// string, bytea as \x hex, timestamps in RFC 3339).
func rowsJSON(t *table, rows []Row) ([]byte, error) {
	e := &encoder{}
	buf := []byte{'['}
	for i, r := range rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		e.reset(string(t.resource))
		r.encode(e)
		vals := e.finish(t.hashed)
		buf = append(buf, '{')
		for j, v := range vals {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendQuote(buf, t.cols[j].name) // column names are plain ASCII
			buf = append(buf, ':')
			var err error
			if buf, err = appendValueJSON(buf, v); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.name, t.cols[j].name, err)
			}
		}
		buf = append(buf, '}')
	}
	return append(buf, ']'), nil
}

func appendValueJSON(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case json.RawMessage:
		if !json.Valid(x) {
			return nil, fmt.Errorf("invalid JSON")
		}
		return append(buf, x...), nil
	case []byte:
		buf = append(buf, `"\\x`...)
		buf = hex.AppendEncode(buf, x)
		return append(buf, '"'), nil
	case time.Time:
		buf = append(buf, '"')
		buf = x.UTC().AppendFormat(buf, time.RFC3339Nano)
		return append(buf, '"'), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	}
	b, err := json.Marshal(v) // strings and []string
	if err != nil {
		return nil, err
	}
	return append(buf, b...), nil
}
