package reconcile

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// MirrorSink writes pages with mirror.Apply, source reconcile: each line
// through mirror.FromGraphQL (the same conversion a snapshot's lines go
// through), each complete child list as a mirror.ChildSet.
type MirrorSink struct {
	Mirror *mirror.Mirror
}

// ApplyPage implements Sink.
func (s MirrorSink) ApplyPage(ctx context.Context, tx pgx.Tx, store string, p Page) (Outcomes, error) {
	var b mirror.Batch
	for _, l := range p.Lines {
		lb, err := mirror.FromGraphQL(store, l)
		if err != nil {
			return Outcomes{}, fmt.Errorf("reconcile: %w", err)
		}
		b.Add(lb)
	}
	for _, c := range p.Children {
		at := c.At
		b.ChildSets = append(b.ChildSets, mirror.ChildSet{
			Store: store, Parent: mirror.Ref{Store: store, GID: c.Parent},
			ParentResource: c.ParentResource, Child: c.Child, Keep: c.Keep, At: &at,
		})
	}
	results, err := s.Mirror.Apply(ctx, tx, events.Reconcile, b)
	if err != nil {
		return Outcomes{}, err
	}
	var o Outcomes
	for _, r := range results {
		switch r.Outcome {
		case mirror.Applied:
			o.Applied++
		case mirror.Unchanged:
			o.Unchanged++
		case mirror.Stale:
			o.Stale++
		}
	}
	return o, nil
}
