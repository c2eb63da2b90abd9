package bulk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"strconv"
)

// JoinStats describes one Join.
type JoinStats struct {
	Records int // records delivered
	Roots   int // top-level records
	Spilled int // records that arrived before an ancestor and waited on disk
	Index   int // entries in the id index
}

// Joiner joins a bulk file's records to their ancestors. The zero value
// spills to os.TempDir with default reader options.
type Joiner struct {
	// SpillDir holds the temporary file of records that arrive before an
	// ancestor; empty means os.TempDir().
	SpillDir string
	Options  Options
}

// Join is Joiner{SpillDir: spillDir}.Join.
func Join(ctx context.Context, r io.Reader, spillDir string, fn func(Record) error) (JoinStats, error) {
	return Joiner{SpillDir: spillDir}.Join(ctx, r, fn)
}

// Join reads a bulk JSONL file and calls fn once per record with ParentID,
// Root and Depth set, whatever the order of the lines: Shopify's ungrouped
// output (the 2026-01 default) promises no order, so a child may precede
// its parent.
//
// It reads r once. A record whose ancestors have all been seen is delivered
// at once; the others are written to a spill file and delivered after the
// input ends, when every ancestor is known. Records are therefore delivered
// in file order except the spilled ones, which come last.
//
// Memory is bounded by the read buffer, the longest line and the id index,
// independent of the file's bytes: the index keeps a 63-bit hash per id
// (pointer-free, so the garbage collector does not scan it) mapping each
// child to its parent's hash, and each top-level GID's text in one byte
// arena. That is about 20 to 40 bytes per record plus the length of each
// top-level GID; a file of 10 million records needs a few hundred MB.
// Distinct ids colliding in 63 bits is improbable (about 1 in 10^5 for 10^8
// ids); an id seen twice (a node reachable from two parents) keeps its first
// parent.
//
// fn's Record.Raw is valid only during the call. An error from fn stops the
// join and is returned as is; a record whose parent never appears is a
// *LineError wrapping ErrOrphan, reported after the other records.
func (j Joiner) Join(ctx context.Context, r io.Reader, fn func(Record) error) (JoinStats, error) {
	var st JoinStats
	idx := newIndex()
	var spill *spillFile
	defer func() {
		if spill != nil {
			spill.remove()
		}
	}()

	rd := NewReader(r, j.Options)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		if rec.Line&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		if err := idx.add(rec); err != nil {
			return st, err
		}
		ok, err := idx.resolve(&rec)
		if err != nil {
			return st, err
		}
		if !ok {
			if spill == nil {
				if spill, err = newSpillFile(j.SpillDir); err != nil {
					return st, err
				}
			}
			if err := spill.write(rec); err != nil {
				return st, err
			}
			st.Spilled++
			continue
		}
		if rec.Depth == 0 {
			st.Roots++
		}
		st.Records++
		if err := fn(rec); err != nil {
			return st, err
		}
	}
	st.Index = len(idx.links)
	if spill == nil {
		return st, nil
	}

	// Every ancestor is now indexed: one pass over the spill resolves the rest.
	sr, err := spill.reopen()
	if err != nil {
		return st, err
	}
	maxLine := j.Options.MaxLineSize
	if maxLine <= 0 {
		maxLine = DefaultMaxLineSize
	}
	rd = NewReader(sr, Options{MaxLineSize: maxLine + 24}) // room for the line-number prefix
	rd.spilled = true
	var orphan error
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		ok, err := idx.resolve(&rec)
		if err != nil {
			return st, err
		}
		if !ok {
			if orphan == nil {
				orphan = &LineError{Line: rec.Line, Err: fmt.Errorf("%w: %s", ErrOrphan, rec.ParentID)}
			}
			continue
		}
		st.Records++
		if err := fn(rec); err != nil {
			return st, err
		}
	}
	return st, orphan
}

// rootTag marks an index value that locates a top-level GID in the arena
// (offset<<16 | length) rather than holding a parent's hash.
const rootTag = 1 << 63

// maxChain bounds the walk to the root; Shopify nests at most two
// connections deep, so a longer chain means a cycle.
const maxChain = 16

type index struct {
	seed  maphash.Seed
	links map[uint64]uint64
	arena []byte
}

func newIndex() *index {
	return &index{seed: maphash.MakeSeed(), links: make(map[uint64]uint64, 1<<16)}
}

func (x *index) hash(s string) uint64 {
	h := maphash.String(x.seed, s) &^ rootTag
	if h == 0 {
		h = 1
	}
	return h
}

func (x *index) add(rec Record) error {
	h := x.hash(rec.ID)
	if _, dup := x.links[h]; dup {
		return nil
	}
	if rec.ParentID != "" {
		x.links[h] = x.hash(rec.ParentID)
		return nil
	}
	if len(rec.ID) >= 1<<16 {
		return &LineError{Line: rec.Line, Err: fmt.Errorf("id of %d bytes is too long", len(rec.ID))}
	}
	off := len(x.arena)
	x.arena = append(x.arena, rec.ID...)
	x.links[h] = rootTag | uint64(off)<<16 | uint64(len(rec.ID))
	return nil
}

// resolve sets rec's Root and Depth when all its ancestors are indexed.
func (x *index) resolve(rec *Record) (bool, error) {
	if rec.ParentID == "" {
		rec.Root, rec.Depth = rec.ID, 0
		return true, nil
	}
	h := x.hash(rec.ParentID)
	for depth := 1; depth <= maxChain; depth++ {
		v, ok := x.links[h]
		if !ok {
			return false, nil
		}
		if v&rootTag == 0 {
			h = v
			continue
		}
		if depth == 1 {
			rec.Root = rec.ParentID
		} else {
			off, n := (v&^rootTag)>>16, v&0xffff
			rec.Root = string(x.arena[off : off+n])
		}
		rec.Depth = depth
		return true, nil
	}
	return false, &LineError{Line: rec.Line, Err: fmt.Errorf("ancestors of %s form a cycle or nest deeper than %d", rec.ID, maxChain)}
}

// spillFile holds records waiting for an ancestor, as "<line>\t<json>\n".
type spillFile struct {
	f *os.File
	w *bufio.Writer
}

func newSpillFile(dir string) (*spillFile, error) {
	f, err := os.CreateTemp(dir, "bulk-spill-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("bulk: creating spill file: %w", err)
	}
	return &spillFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (s *spillFile) write(rec Record) error {
	var num [20]byte
	s.w.Write(strconv.AppendInt(num[:0], int64(rec.Line), 10))
	s.w.WriteByte('\t')
	s.w.Write(rec.Raw)
	if err := s.w.WriteByte('\n'); err != nil {
		return fmt.Errorf("bulk: writing spill file: %w", err)
	}
	return nil
}

func (s *spillFile) reopen() (io.Reader, error) {
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("bulk: writing spill file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("bulk: rewinding spill file: %w", err)
	}
	return s.f, nil
}

func (s *spillFile) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
