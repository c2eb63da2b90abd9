package bulk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Record is one line of a bulk query's JSONL result: one node of one
// connection.
type Record struct {
	// Line is the 1-based line number in the file.
	Line int
	// ID is the node's GID, e.g. gid://shopify/ProductVariant/42.
	ID string
	// Typename is the GID's type, e.g. "ProductVariant".
	Typename string
	// ParentID is the GID in the line's __parentId: the node of the
	// enclosing connection. Empty for a top-level node.
	ParentID string
	// Root is the top-level ancestor's GID (ID itself for a top-level
	// node). Join sets it; Reader leaves it empty.
	Root string
	// Depth is 0 for a top-level node, 1 for its child, 2 for a grandchild.
	// Join sets it; Reader leaves it 0.
	Depth int
	// Raw is the line's JSON object. It aliases the reader's buffer: it is
	// valid until the next call to Next (or until Join's callback returns);
	// copy it to keep it.
	Raw json.RawMessage
}

// Options tune a Reader. The zero value is the default.
type Options struct {
	// MaxLineSize bounds one line, and so the reader's memory; a longer line
	// is an error. Zero means DefaultMaxLineSize.
	MaxLineSize int
	// AllowUnterminatedLastLine accepts a last line that is a complete
	// object but lacks its newline. By default that is an error: a download
	// cut at a line boundary looks exactly like that, and silently dropping
	// the rest of a snapshot is worse than failing.
	AllowUnterminatedLastLine bool
}

// DefaultMaxLineSize is large enough for a node with big inline fields
// (descriptionHtml, metafield JSON).
const DefaultMaxLineSize = 64 << 20

// Errors a LineError wraps; test for them with errors.Is.
var (
	ErrTruncated   = errors.New("file truncated: the last line has no newline")
	ErrLineTooLong = errors.New("line longer than the maximum line size")
	ErrNoID        = errors.New("no string \"id\" in the line")
	ErrNotGID      = errors.New("id is not a gid://<app>/<Type>/<id> global id")
	ErrOrphan      = errors.New("the line's __parentId never appears in the file")
)

// LineError reports what is wrong with one line of the file.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("bulk: line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Reader streams a bulk JSONL file one record at a time. Its memory is its
// read buffer plus the longest line seen (bounded by MaxLineSize).
type Reader struct {
	br      *bufio.Reader
	opts    Options
	line    int
	long    []byte // accumulates a line longer than the read buffer
	err     error
	spilled bool // lines are "<line>\t<json>", as Join's spill file writes them
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader, opts Options) *Reader {
	if opts.MaxLineSize <= 0 {
		opts.MaxLineSize = DefaultMaxLineSize
	}
	return &Reader{br: bufio.NewReaderSize(r, 1<<20), opts: opts}
}

// Next returns the next record, or io.EOF after the last one. Any other
// error is a *LineError naming the line (or an error from the underlying
// reader) and is sticky.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	for {
		raw, err := r.readLine()
		if err != nil {
			r.err = err
			return Record{}, err
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue // a blank line carries no node
		}
		rec, err := r.parse(raw)
		if err != nil {
			r.err = err
			return Record{}, err
		}
		return rec, nil
	}
}

// readLine returns the next line without its line ending.
func (r *Reader) readLine() ([]byte, error) {
	r.line++
	r.long = r.long[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		switch {
		case err == nil:
			if len(r.long) > 0 {
				r.long = append(r.long, chunk...)
				chunk = r.long
			}
			if len(chunk) > r.opts.MaxLineSize+1 {
				return nil, &LineError{Line: r.line, Err: ErrLineTooLong}
			}
			return trimEOL(chunk), nil
		case errors.Is(err, bufio.ErrBufferFull):
			r.long = append(r.long, chunk...)
			if len(r.long) > r.opts.MaxLineSize {
				return nil, &LineError{Line: r.line, Err: ErrLineTooLong}
			}
		case errors.Is(err, io.EOF):
			rest := append(r.long, chunk...)
			if len(rest) == 0 {
				return nil, io.EOF
			}
			if len(bytes.TrimSpace(rest)) == 0 {
				return nil, io.EOF // trailing blanks after the last newline
			}
			if !r.opts.AllowUnterminatedLastLine {
				return nil, &LineError{Line: r.line, Err: ErrTruncated}
			}
			r.long = rest
			return trimEOL(rest), nil
		default:
			return nil, fmt.Errorf("bulk: reading line %d: %w", r.line, err)
		}
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

func (r *Reader) parse(raw []byte) (Record, error) {
	line := r.line
	if r.spilled {
		tab := bytes.IndexByte(raw, '\t')
		n, err := strconv.Atoi(string(raw[:max(tab, 0)]))
		if tab < 0 || err != nil {
			return Record{}, fmt.Errorf("bulk: spill file line %d is corrupt", r.line)
		}
		line, raw = n, raw[tab+1:]
	}
	id, parent, hasID, _, err := scanLine(raw)
	if err != nil {
		return Record{}, &LineError{Line: line, Err: err}
	}
	if !hasID {
		return Record{}, &LineError{Line: line, Err: ErrNoID}
	}
	typename, ok := Typename(id)
	if !ok {
		return Record{}, &LineError{Line: line, Err: fmt.Errorf("%w: %q", ErrNotGID, id)}
	}
	return Record{Line: line, ID: id, Typename: typename, ParentID: parent, Raw: raw}, nil
}

// Typename returns the type of a global id: "InventoryLevel" for
// gid://shopify/InventoryLevel/1?inventory_item_id=2.
func Typename(gid string) (string, bool) {
	rest, ok := strings.CutPrefix(gid, "gid://")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, "/") // the app, "shopify"
	if !ok {
		return "", false
	}
	typename, id, ok := strings.Cut(rest, "/")
	if !ok || typename == "" || id == "" {
		return "", false
	}
	return typename, true
}
