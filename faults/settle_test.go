package faults

import (
	"fmt"
	"testing"
	"time"
)

// The plan settles (issue #11: destinations equal the plan): once the
// destinations equal the source after a few ordinary updates, with no fault
// at all, the planner must plan nothing more. A planner that keeps finding
// a difference the applier cannot remove writes to Shopify for ever.
func TestPlanSettles(t *testing.T) {
	const planEvery = 2 * time.Second
	p := newPipeline(t, pipelineOptions{planEvery: planEvery})
	cat := newCatalog(t, p.src, 5)
	cat.seed(40)
	r := report(t, fmt.Sprintf("40 products synced to %d destinations, then 20 ordinary updates (titles and prices) in the source, no fault", len(p.dsts)))
	p.start()
	p.waitConverged(*flagConverge)
	for range 20 {
		cat.update()
	}
	took, d := p.waitConverged(*flagConverge)
	found(t, "destinations equal the source %v after the updates", took.Round(time.Millisecond))
	r.sent = cat.changes * len(p.dsts)
	r.lost = d.missing + d.wrong + d.extra
	r.applied = r.sent - r.lost
	r.duplicated = d.duplicated
	p.waitSettled(time.Minute, planEvery)
	a := p.waitAudited(time.Minute)
	found(t, "nothing pending across two full plans; %d audit rows, one per attempt (%d settled deltas checked)", a.rows, a.settledChecked)
}
