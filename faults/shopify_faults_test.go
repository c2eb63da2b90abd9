package faults

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// Shopify misbehaving (issue #11, item 3): 5 % of GraphQL requests answered
// 5xx (some after the write happened), throttling bursts, and 10 % of
// webhooks dropped, 10 % duplicated, others reordered and delayed. The
// destinations must still converge to the plan within the reconciliation
// interval after the last change (plus the plan and apply time it takes).
func TestShopifyFaults(t *testing.T) {
	const reconcile = 4 * time.Second
	// Deletions whose webhook was dropped are caught only by a full
	// snapshot (reconcile passes read what changed, and a deleted product
	// does not show), so snapshots run on an interval too.
	const snapshot = 10 * time.Second
	p := newPipeline(t, pipelineOptions{reconcile: reconcile, snapshot: snapshot})
	r := report(t, fmt.Sprintf("%d products synced to %d destinations, then fakeshop faults on every store "+
		"(5%% GraphQL 5xx of which 1%% after the write, throttling 1 s in every 4 s, webhooks 10%% dropped, 10%% duplicated, "+
		"20%% delayed up to 3 s, 20%% reordered) while %d changes are made in the source; reconcile every %v, full snapshot every %v",
		*flagProducts, len(p.dsts), *flagChurn, reconcile, snapshot))
	cat := newCatalog(t, p.src, 1)
	cat.seed(*flagProducts)
	p.start()
	took, _ := p.waitConverged(*flagConverge)
	found(t, "initial sync converged in %v", took.Round(time.Millisecond))

	faults := fakeshop.Faults{
		GraphQLErrorRate: 0.04, GraphQLLostResponseRate: 0.01,
		WebhookDropRate: 0.10, WebhookDuplicateRate: 0.10,
		WebhookDelayRate: 0.2, WebhookMaxDelay: 3 * time.Second,
		WebhookReorderRate: 0.2, WebhookReorderWindow: 500 * time.Millisecond,
	}
	for _, s := range p.shops() {
		require.NoError(t, s.SetFaults(faults))
	}
	throttleBursts(p.shops(), 4*time.Second, time.Second)
	cat.churn(*flagChurn)

	took, d := p.waitConverged(*flagConverge)
	stats := p.srv.WebhookStats()
	dup := d.duplicated + p.mirrorDuplicates()
	r.sent = cat.changes * len(p.dsts)
	r.lost = d.missing + d.wrong + d.extra
	r.applied = r.sent - r.lost
	r.duplicated = dup
	a := p.waitAudited(time.Minute)
	found(t, "destinations equal the plan %v after the last change (reconcile interval %v, full snapshot %v); webhooks %+v",
		took.Round(time.Millisecond), reconcile, snapshot, stats)
	found(t, "audit: %d rows for %d attempt ids (%d copies folded), %d settled deltas with one row per attempt, %d deltas failed",
		a.rows, a.attemptIDs, a.copies, a.settledChecked, a.failed)
	require.Zero(t, dup)
	require.LessOrEqual(t, took, snapshot+reconcile+time.Minute, "not converged within the reconciliation interval (plus planning and applying)")
}
