package faults

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// kill -9 (issue #11, item 1): while the source's products sync to two
// destinations and keep changing, a random component (the webhook receiver
// and relay, which are `shopsync ingest`; the planner; the applier) is
// SIGKILLed at a random moment and started again after a random pause.
// At the end the destinations equal the plan, no product is duplicated in
// any store or in the mirror, and every settled delta has one audit row per
// attempt.
func TestKill9(t *testing.T) {
	p := newPipeline(t, pipelineOptions{orders: true})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	kills := *flagKills
	churnPerKill := max(*flagChurn/max(kills, 1), 1)
	r := report(t, fmt.Sprintf("%d products syncing to %d destinations; %d times: kill -9 a component (each in turn, random order) at a random moment "+
		"(0.2 to 3 s after the last restart), make %d source changes and place %d orders in the destinations while it is down, restart it after 0.2 to 2 s",
		*flagProducts, len(p.dsts), kills, churnPerKill, max(churnPerKill/5, 1)))
	cat := newCatalog(t, p.src, 6)
	cat.seed(*flagProducts)
	p.start()

	var log []string
	var order []int
	for i := range kills {
		time.Sleep(time.Duration(200+rng.IntN(2800)) * time.Millisecond) // a random point in the sync, not synchronisation
		// Each component in turn, in a random order each round, so that
		// even a few kills hit every one.
		if i%3 == 0 {
			order = rng.Perm(3)
		}
		c := p.procs()[order[i%3]]
		require.True(t, c.running(), "%s died on its own before kill %d:\n%s", c.name, i+1, c.tail(3000))
		c.kill9()
		cat.churn(churnPerKill)
		cat.placeOrders(p.dsts, max(churnPerKill/5, 1))
		time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond) // down for a while
		c.start()
		if c == p.ingest {
			p.waitIngestListening()
		}
		log = append(log, c.name)
	}
	found(t, "killed in turn: %s", strings.Join(log, ", "))
	took, d := p.waitConverged(*flagConverge)
	dup := d.duplicated + p.mirrorDuplicates()
	r.sent = cat.changes*len(p.dsts) + cat.orders
	r.lost = d.missing + d.wrong + d.extra
	r.applied = r.sent - r.lost
	r.duplicated = dup
	a := p.waitAudited(2 * time.Minute)
	for _, c := range p.procs() {
		require.True(t, c.running(), "%s is not running at the end:\n%s", c.name, c.tail(3000))
	}
	found(t, "destinations equal the plan and each of the %d destination orders is in the source once, %v after the last restart; %d duplicates in the stores and mirror; "+
		"audit %d rows for %d attempt ids, %d settled deltas with one row per attempt",
		cat.orders, took.Round(time.Millisecond), dup, a.rows, a.attemptIDs, a.settledChecked)
	require.Zero(t, dup)
}
