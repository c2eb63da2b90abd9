package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/shopify/bulk"
)

// MirrorLoader is the Loader over the mirror module: every record becomes
// mirror rows (mirror.FromGraphQL) staged by a mirror.Snapshot, which
// Commit merges in one transaction together with the run's completion.
//
// Staging is resumable: each staged batch records the number of records it
// ends at, and a run that stopped while loading skips that many records of
// the downloaded file again (bulk.Join delivers the records of one file in
// the same order every time) instead of staging them twice.
type MirrorLoader struct {
	Mirror *mirror.Mirror
}

// LoadSnapshot implements Loader.
func (l MirrorLoader) LoadSnapshot(ctx context.Context, b Batch, records iter.Seq2[bulk.Record, error]) (LoadStats, error) {
	snap, err := l.Mirror.ResumeSnapshot(ctx, mirror.SnapshotSpec{
		Store: b.Store, Family: b.Family, RunID: b.RunID, StartedAt: b.StartedAt,
	})
	if err != nil {
		return LoadStats{}, err
	}
	var skip int64
	if c := snap.Cursor(); c != "" {
		if skip, err = strconv.ParseInt(c, 10, 64); err != nil {
			_ = snap.Abort(ctx)
			return LoadStats{}, fmt.Errorf("snapshot: staged cursor %q: %w", c, err)
		}
	}
	var n int64
	for rec, err := range records {
		if err != nil {
			return LoadStats{}, l.stop(ctx, snap, err)
		}
		n++
		if n <= skip {
			continue
		}
		// Raw aliases the reader's buffer, and the rows keep it until
		// their batch is staged.
		rows, err := mirror.FromGraphQLNode(b.Store, rec.ID, rec.ParentID, bytes.Clone(rec.Raw))
		if err == nil {
			err = snap.Add(ctx, strconv.FormatInt(n, 10), rows.Rows...)
		}
		if err != nil {
			return LoadStats{}, l.stop(ctx, snap, fmt.Errorf("record %s (line %d): %w", rec.ID, rec.Line, err))
		}
	}
	res, err := snap.Commit(ctx, mirror.CommitOptions{Complete: b.Complete, InTx: b.OnCommit})
	if err != nil {
		// The staging stays: the next attempt resumes and commits it.
		snap.Close()
		return LoadStats{}, err
	}
	return LoadStats{Records: n, Changed: res.Changes(), OnCommitRan: b.OnCommit != nil}, nil
}

// stop ends a load that failed before its commit: a download that broke
// off, or the process stopping, keeps what is staged for the resumed run;
// a file that is wrong (malformed, short, an object the mirror refuses)
// will not get better, so its staging is dropped.
func (l MirrorLoader) stop(ctx context.Context, snap *mirror.Snapshot, err error) error {
	var de *downloadError
	if errors.As(err, &de) || ctx.Err() != nil {
		snap.Close()
		return err
	}
	if aerr := snap.Abort(context.WithoutCancel(ctx)); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}
