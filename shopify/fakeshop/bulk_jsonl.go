package fakeshop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"strconv"
	"unicode/utf8"
)

// The JSONL of a bulk result is written by hand rather than with
// encoding/json, for two reasons. Shopify's files escape every slash, so a
// GID reads "gid:\/\/shopify\/Product\/1" (FACTS.md §1.5), which
// encoding/json cannot be told to do. And a result has millions of lines of
// a handful of value types (the executor's output: *OrderedMap, []any,
// strings, numbers, booleans), which a type switch writes into one reused
// buffer far faster than reflection. Anything else (a JSON scalar's value)
// goes through encoding/json and then has its slashes escaped, which is
// sound because "/" can only occur inside strings in JSON text and
// encoding/json never writes an escape sequence containing one.

// appendJSON appends v as JSON.
func appendJSON(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case string:
		return appendJSONString(buf, x), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case *OrderedMap:
		if x == nil {
			return append(buf, "null"...), nil
		}
		return appendJSONObject(buf, x)
	case []any:
		if x == nil {
			return append(buf, "null"...), nil
		}
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendJSON(buf, e); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	for {
		i := bytes.IndexByte(b, '/')
		if i < 0 {
			return append(buf, b...), nil
		}
		buf = append(append(buf, b[:i]...), '\\', '/')
		b = b[i+1:]
	}
}

// appendJSONObject appends an object with its keys in order.
func appendJSONObject(buf []byte, m *OrderedMap) ([]byte, error) {
	buf = append(buf, '{')
	for i, k := range m.Keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, k)
		buf = append(buf, ':')
		var err error
		if buf, err = appendJSON(buf, m.Values[i]); err != nil {
			return nil, err
		}
	}
	return append(buf, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way Shopify's files have
// it: "/" escaped, U+2028 and U+2029 escaped (as JSON generators that escape
// slashes for script safety do), other non-ASCII text as UTF-8, invalid
// UTF-8 replaced by U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '/' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\', '/':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// lineSink receives the lines of a result file, each ending in "\n".
type lineSink interface {
	writeLine(line []byte) error
	flush() error
}

// orderedSink writes lines as they come: parents before their children,
// which both grouped and ungrouped output allow (FACTS.md §1.5).
type orderedSink struct{ w *bufio.Writer }

func (s orderedSink) writeLine(line []byte) error {
	_, err := s.w.Write(line)
	return err
}

func (s orderedSink) flush() error { return s.w.Flush() }

// shuffleSink writes lines in random order within a window: each line
// waits in a random slot of the window until a later line takes it, so a
// child may come out before its parent, lines of different parents
// interleave, and memory stays bounded by the window. It is how fakeshop
// tests consumers against Shopify's promise of no order.
type shuffleSink struct {
	w      *bufio.Writer
	window [][]byte
	size   int
	rng    *rand.Rand
}

func newShuffleSink(w *bufio.Writer, size int, seed uint64) *shuffleSink {
	return &shuffleSink{w: w, size: size, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *shuffleSink) writeLine(line []byte) error {
	cp := append([]byte(nil), line...)
	if len(s.window) < s.size {
		s.window = append(s.window, cp)
		return nil
	}
	i := s.rng.IntN(len(s.window))
	out := s.window[i]
	s.window[i] = cp
	_, err := s.w.Write(out)
	return err
}

func (s *shuffleSink) flush() error {
	s.rng.Shuffle(len(s.window), func(i, j int) { s.window[i], s.window[j] = s.window[j], s.window[i] })
	for _, line := range s.window {
		if _, err := s.w.Write(line); err != nil {
			return err
		}
	}
	s.window = nil
	return s.w.Flush()
}

// countingWriter counts the bytes that reach the file: the fileSize.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
