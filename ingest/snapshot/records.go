package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/shopsync/shopsync/shopify/bulk"
)

// CountError is a bulk result holding a different number of records than
// the operation's objectCount: a truncated or damaged download that still
// parsed. The run fails and nothing is applied.
type CountError struct {
	Want, Got int64
}

func (e *CountError) Error() string {
	return fmt.Sprintf("snapshot: bulk result has %d records, the operation counted %d", e.Got, e.Want)
}

// downloadError is a failure to read the result file from Shopify's
// storage, as opposed to a file that was read and is wrong: the first is
// worth retrying, the second fails the run.
type downloadError struct{ err error }

func (e *downloadError) Error() string {
	return "snapshot: downloading the bulk result: " + e.err.Error()
}
func (e *downloadError) Unwrap() error { return e.err }

// downloadReader marks read errors of the download as such, so that they
// can be told apart from bulk.Join's verdicts on the content.
type downloadReader struct{ r io.Reader }

func (d downloadReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &downloadError{err: err}
	}
	return n, err
}

// joined is the record stream of one bulk result: every record joined to
// its ancestors (bulk.Join, any line order), then a last error if the file
// is malformed or its record count differs from want.
type joined struct {
	body     io.Reader
	spillDir string
	want     int64
	every    int64
	tracker  Tracker
	// verified is set once every record was yielded and the count checked.
	verified bool
	// err is the error the stream ended with, kept because a loader may
	// not return it intact (pgx's CopyFrom turns it into the server's
	// text).
	err error
}

func (j *joined) records(ctx context.Context) iter.Seq2[bulk.Record, error] {
	return func(yield func(bulk.Record, error) bool) {
		var n int64
		stopped := false
		st, err := bulk.Joiner{SpillDir: j.spillDir}.Join(ctx, downloadReader{j.body}, func(r bulk.Record) error {
			n++
			if n%j.every == 0 {
				j.tracker.Loaded(n)
			}
			if !yield(r, nil) {
				stopped = true
				return errStopped
			}
			return nil
		})
		switch {
		case stopped:
			return
		case err != nil:
			j.err = err
			yield(bulk.Record{}, err)
			return
		case int64(st.Records) != j.want:
			j.err = &CountError{Want: j.want, Got: int64(st.Records)}
			yield(bulk.Record{}, j.err)
			return
		}
		j.tracker.Loaded(n)
		j.verified = true
	}
}

var errStopped = errors.New("snapshot: the loader stopped reading")
