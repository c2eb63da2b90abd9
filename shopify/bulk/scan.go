package bulk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// scanLine validates one JSONL line as a JSON object in a single pass and
// returns its top-level "id" and "__parentId" strings (decoded; Shopify
// escapes "/" as "\/"). Writing this instead of json.Unmarshal keeps the
// reader to one allocation-free pass over each byte; it is strict JSON
// (RFC 8259) except that it does not check UTF-8, as encoding/json does not.
func scanLine(b []byte) (id, parent string, hasID, hasParent bool, err error) {
	s := scanner{b: b}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return "", "", false, false, s.fail("a line must be a JSON object")
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			s.ws()
			if s.peek() != '"' {
				return "", "", false, false, s.fail("expected a string key")
			}
			ks, ke, kesc, err := s.str()
			if err != nil {
				return "", "", false, false, err
			}
			key := s.b[ks:ke]
			if kesc {
				key = unescape(key)
			}
			s.ws()
			if s.peek() != ':' {
				return "", "", false, false, s.fail("expected ':' after a key")
			}
			s.i++
			s.ws()
			want := 0
			switch string(key) {
			case "id":
				want = 1
			case "__parentId":
				want = 2
			}
			if want != 0 && s.peek() == '"' {
				vs, ve, vesc, err := s.str()
				if err != nil {
					return "", "", false, false, err
				}
				v := s.b[vs:ve]
				if vesc {
					v = unescape(v)
				}
				if !utf8.Valid(v) {
					v = replaceInvalidUTF8(v)
				}
				if want == 1 {
					id, hasID = string(v), true
				} else {
					parent, hasParent = string(v), true
				}
			} else if err := s.value(0); err != nil {
				return "", "", false, false, err
			}
			s.ws()
			c := s.peek()
			if c == ',' {
				s.i++
				continue
			}
			if c == '}' {
				s.i++
				break
			}
			return "", "", false, false, s.fail("expected ',' or '}' in an object")
		}
	}
	s.ws()
	if s.i != len(s.b) {
		return "", "", false, false, s.fail("data after the object")
	}
	return id, parent, hasID, hasParent, nil
}

// maxDepth bounds nesting so a hostile line cannot exhaust the stack.
const maxDepth = 512

var errEnd = errors.New("unexpected end of line")

type scanner struct {
	b []byte
	i int
}

// syntaxError carries the byte offset of a malformed line.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("malformed JSON at byte %d: %s", e.offset, e.msg)
}

func (s *scanner) fail(msg string) error {
	if s.i >= len(s.b) {
		msg = errEnd.Error() + " (" + msg + ")"
	}
	return &syntaxError{msg: msg, offset: s.i}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) error {
	if depth > maxDepth {
		return s.fail("nesting too deep")
	}
	switch c := s.peek(); {
	case c == '"':
		_, _, _, err := s.str()
		return err
	case c == '{':
		s.i++
		s.ws()
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if s.peek() != '"' {
				return s.fail("expected a string key")
			}
			if _, _, _, err := s.str(); err != nil {
				return err
			}
			s.ws()
			if s.peek() != ':' {
				return s.fail("expected ':' after a key")
			}
			s.i++
			s.ws()
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return nil
			default:
				return s.fail("expected ',' or '}' in an object")
			}
		}
	case c == '[':
		s.i++
		s.ws()
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return nil
			default:
				return s.fail("expected ',' or ']' in an array")
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.fail("expected a value")
	}
}

// str scans a string starting at its opening quote and returns the range of
// its raw contents and whether they contain escapes.
func (s *scanner) str() (start, end int, escaped bool, err error) {
	s.i++ // opening quote
	start = s.i
	for s.i < len(s.b) {
		// Skip eight plain bytes at a time (no quote, backslash or control
		// character): strings are most of a line's bytes.
		for s.i+8 <= len(s.b) && !special8(binary.LittleEndian.Uint64(s.b[s.i:])) {
			s.i += 8
		}
		if s.i >= len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			end = s.i
			s.i++
			return start, end, escaped, nil
		case c == '\\':
			escaped = true
			s.i++
			switch s.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				s.i++
				for range 4 {
					if !isHex(s.peek()) {
						return 0, 0, false, s.fail("bad \\u escape")
					}
					s.i++
				}
			default:
				return 0, 0, false, s.fail("bad escape")
			}
		case c < 0x20:
			return 0, 0, false, s.fail("control character in a string")
		default:
			s.i++
		}
	}
	return 0, 0, false, s.fail("unterminated string")
}

func (s *scanner) number() error {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return s.fail("bad number")
	}
	if s.peek() == '.' {
		s.i++
		if !isDigit(s.peek()) {
			return s.fail("bad number fraction")
		}
		s.digits()
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !isDigit(s.peek()) {
			return s.fail("bad number exponent")
		}
		s.digits()
	}
	return nil
}

func (s *scanner) digits() {
	for isDigit(s.peek()) {
		s.i++
	}
}

func (s *scanner) literal(lit string) error {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return s.fail("bad literal")
	}
	s.i += len(lit)
	return nil
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special8 reports whether any of the eight bytes in x is '"', '\\' or
// below 0x20 (SWAR: a byte is zero iff the classic haszero trick flags it).
func special8(x uint64) bool {
	q := x ^ ('"' * ones)
	bs := x ^ ('\\' * ones)
	return ((q-ones)&^q|(bs-ones)&^bs|(x-0x20*ones)&^x)&highs != 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// unescape decodes the contents of a string str has already validated.
func unescape(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		j := bytes.IndexByte(raw[i:], '\\')
		if j < 0 {
			return append(out, raw[i:]...)
		}
		out = append(out, raw[i:i+j]...)
		i += j + 1
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := rune(hex4(raw[i+1 : i+5]))
			i += 4
			if utf16.IsSurrogate(r) && i+7 <= len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if r2 := rune(hex4(raw[i+3 : i+7])); utf16.DecodeRune(r, r2) != utf8.RuneError {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, raw[i])
		}
	}
	return out
}

func hex4(b []byte) int {
	n := 0
	for _, c := range b {
		n <<= 4
		switch {
		case c >= '0' && c <= '9':
			n |= int(c - '0')
		case c >= 'a' && c <= 'f':
			n |= int(c-'a') + 10
		default:
			n |= int(c-'A') + 10
		}
	}
	return n
}

// replaceInvalidUTF8 replaces each invalid byte with U+FFFD, as
// encoding/json does when it decodes a string.
func replaceInvalidUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r)
		b = b[n:]
	}
	return out
}
