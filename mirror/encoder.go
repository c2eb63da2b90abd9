package mirror

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"
)

// colKind says how a column takes part in change detection.
type colKind uint8

const (
	// hashed columns are content: they make up the content hash.
	hashed colKind = iota
	// unhashed columns are stored but are not content: raw (Shopify's own
	// object, whose shape depends on how it was read) and Shopify's
	// bookkeeping times.
	unhashed
	// partial columns are content that some deliveries do not carry (an
	// inventory level's on_hand is missing from webhooks). NULL means
	// "unknown": the mirror keeps its value, and a known value that differs
	// is a change of its own, outside the hash.
	partial
)

// column is one column a row type writes, in the order it writes them.
type column struct {
	name string
	kind colKind
	// insert is the SQL a partial column's unknown value becomes in a new
	// row (the column's default), empty for NULL.
	insert string
}

// encoder turns a row into its column values and content hash. A row type's
// encode method calls it once per column, always in the same order; with
// schema set the encoder only records the columns, which is how each table
// learns its column list from its row type.
type encoder struct {
	schema bool
	cols   []column
	vals   []any
	canon  []byte // the canonical encoding of the hashed columns
	sum    [sha256.Size]byte
}

// Canonical encoding: a tag byte per value, then its bytes; strings and
// lists are length-prefixed so that no two different rows encode alike.
const (
	tagNull byte = iota
	tagString
	tagBool
	tagInt
	tagTime
	tagList
	tagDecimal
	tagJSON
)

func (e *encoder) reset(resource string) {
	e.vals = e.vals[:0]
	e.canon = append(e.canon[:0], resource...)
	e.canon = append(e.canon, 0)
}

// finish appends the content hash as the last value, when the table has one.
func (e *encoder) finish(withHash bool) []any {
	if withHash {
		if e.schema {
			e.cols = append(e.cols, column{name: "content_hash", kind: unhashed})
		}
		e.sum = sha256.Sum256(e.canon)
		e.vals = append(e.vals, e.sum[:])
	}
	return e.vals
}

func (e *encoder) add(name string, kind colKind, v any) {
	if e.schema {
		e.cols = append(e.cols, column{name: name, kind: kind})
	}
	e.vals = append(e.vals, v)
}

func (e *encoder) canonString(s string) {
	e.canon = append(e.canon, tagString)
	e.canon = binary.AppendUvarint(e.canon, uint64(len(s)))
	e.canon = append(e.canon, s...)
}

func (e *encoder) str(name, v string) {
	e.add(name, hashed, v)
	e.canonString(v)
}

func (e *encoder) optStr(name string, v *string) {
	if v == nil {
		e.add(name, hashed, nil)
		e.canon = append(e.canon, tagNull)
		return
	}
	e.str(name, *v)
}

// dec is a numeric column: stored as Shopify wrote it ("10.00"), hashed by
// value, so "10.0" and "10.00" are the same content.
func (e *encoder) dec(name, v string) {
	e.add(name, hashed, v)
	e.canon = append(e.canon, tagDecimal)
	e.canon = append(e.canon, canonicalDecimal(v)...)
	e.canon = append(e.canon, 0)
}

func (e *encoder) optDec(name string, v *string) {
	if v == nil {
		e.add(name, hashed, nil)
		e.canon = append(e.canon, tagNull)
		return
	}
	e.dec(name, *v)
}

func (e *encoder) boolean(name string, v bool) {
	e.add(name, hashed, v)
	e.canon = append(e.canon, tagBool)
	if v {
		e.canon = append(e.canon, 1)
	} else {
		e.canon = append(e.canon, 0)
	}
}

func (e *encoder) integer(name string, v int) {
	e.add(name, hashed, int64(v))
	e.canon = append(e.canon, tagInt)
	e.canon = binary.BigEndian.AppendUint64(e.canon, uint64(int64(v)))
}

func (e *encoder) optInt(name string, v *int) {
	if v == nil {
		e.add(name, hashed, nil)
		e.canon = append(e.canon, tagNull)
		return
	}
	e.integer(name, *v)
}

// time is a hashed timestamp (published_at, cancelled_at: content, not
// bookkeeping), compared to the microsecond PostgreSQL keeps.
func (e *encoder) time(name string, v *time.Time) {
	if v == nil {
		e.add(name, hashed, nil)
		e.canon = append(e.canon, tagNull)
		return
	}
	e.add(name, hashed, *v)
	e.canon = append(e.canon, tagTime)
	e.canon = binary.BigEndian.AppendUint64(e.canon, uint64(v.UnixMicro()))
}

// stamp is a bookkeeping timestamp (created_at, updated_at): stored, not
// content.
func (e *encoder) stamp(name string, v *time.Time) {
	if v == nil {
		e.add(name, unhashed, nil)
		return
	}
	e.add(name, unhashed, *v)
}

// tags is a text[] column of tags: stored in Shopify's order, hashed as a
// set (REST and GraphQL need not list them alike).
func (e *encoder) tags(name string, v []string) {
	if v == nil {
		v = []string{}
	}
	e.add(name, hashed, v)
	sorted := slices.Clone(v)
	slices.Sort(sorted)
	e.canon = append(e.canon, tagList)
	e.canon = binary.AppendUvarint(e.canon, uint64(len(sorted)))
	for _, s := range sorted {
		e.canonString(s)
	}
}

// json is a jsonb column holding a value the row type built (options,
// rules): its encoding/json form is deterministic, so it is hashed as is.
// A nil value is SQL NULL unless emptyArray, then [].
func (e *encoder) json(name string, v any, isNil, emptyArray bool) {
	if isNil {
		if emptyArray {
			e.add(name, hashed, json.RawMessage("[]"))
			e.canon = append(e.canon, tagJSON, '[', ']', 0)
			return
		}
		e.add(name, hashed, nil)
		e.canon = append(e.canon, tagNull)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		// The values are plain structs of strings, ints and bools.
		panic("mirror: marshal " + name + ": " + err.Error())
	}
	e.add(name, hashed, json.RawMessage(b))
	e.canon = append(e.canon, tagJSON)
	e.canon = binary.AppendUvarint(e.canon, uint64(len(b)))
	e.canon = append(e.canon, b...)
}

// raw is the raw column: Shopify's object, never hashed. Empty becomes {}.
func (e *encoder) raw(v json.RawMessage) {
	if len(v) == 0 {
		v = json.RawMessage("{}")
	}
	e.add("raw", unhashed, v)
}

// partialBool and partialInt are partial columns (see partial); dflt is the
// SQL value a new row gets when the delivery does not know it.
func (e *encoder) partialBool(name string, v *bool, dflt string) {
	e.partialCol(name, dflt)
	if v == nil {
		e.vals = append(e.vals, nil)
		return
	}
	e.vals = append(e.vals, *v)
}

func (e *encoder) partialInt(name string, v *int) {
	e.partialCol(name, "")
	if v == nil {
		e.vals = append(e.vals, nil)
		return
	}
	e.vals = append(e.vals, int64(*v))
}

func (e *encoder) partialCol(name, dflt string) {
	if e.schema {
		e.cols = append(e.cols, column{name: name, kind: partial, insert: dflt})
	}
}
