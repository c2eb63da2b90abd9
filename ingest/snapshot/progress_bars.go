package snapshot

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/shopsync/shopsync/schema/events"
)

// Bars reports snapshots as one terminal progress bar per family: a
// spinner-like empty bar while Shopify exports, then records loaded out of
// the export's count.
type Bars struct {
	p *mpb.Progress
}

// NewBars draws bars on w until ctx ends or Wait returns. It draws whatever
// w is (mpb by itself stays silent on anything but a terminal); choosing
// bars for terminals only is DefaultProgress's job.
func NewBars(ctx context.Context, w io.Writer) *Bars {
	return &Bars{p: mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithAutoRefresh())}
}

// Wait waits for every bar to finish drawing. Call it once every family's
// Done has been reported.
func (b *Bars) Wait() { b.p.Wait() }

// Track implements Progress.
func (b *Bars) Track(store string, family events.Family) Tracker {
	state := new(atomic.Value)
	state.Store("starting")
	bar := b.p.AddBar(0,
		mpb.PrependDecorators(
			decor.Name(fmt.Sprintf("%s %-11s", store, family), decor.WCSyncSpaceR),
			decor.Any(func(decor.Statistics) string { return state.Load().(string) }, decor.WCSyncSpaceR),
		),
		mpb.AppendDecorators(
			decor.CountersNoUnit("%d / %d", decor.WCSyncSpace),
			decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace),
		),
	)
	return &barTracker{bar: bar, state: state}
}

// barTracker drives one bar. state is written by the run and read by the
// bar's decorator on mpb's render goroutine, hence atomic.
type barTracker struct {
	bar   *mpb.Bar
	state *atomic.Value
}

func (t *barTracker) Exporting(string, bool) { t.state.Store("exporting") }

func (t *barTracker) Loading(total int64) {
	t.state.Store("loading")
	t.bar.SetTotal(total, false)
}

func (t *barTracker) Loaded(n int64) { t.bar.SetCurrent(n) }

func (t *barTracker) Done(st LoadStats, err error) {
	if err != nil {
		t.state.Store("failed")
		t.bar.Abort(false)
		return
	}
	t.state.Store(fmt.Sprintf("done, %d changed", st.Changed))
	t.bar.SetTotal(-1, true)
}
