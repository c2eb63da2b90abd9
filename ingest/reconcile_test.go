package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/reconcile"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// Changes made without any webhook reaching the mirror (nothing is
// subscribed) are caught by one incremental reconcile pass.
func TestReconcileCatchesChangesWithoutWebhooks(t *testing.T) {
	f := newFixture(t, fakeshop.Options{}, fakeshop.SeedConfig{Seed: 21, Products: 50})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := f.runner(snapshot.Config{}).Snapshot(ctx, f.client)
	require.NoError(t, err)
	f.requireMirrored(ctx)
	rc, err := reconcile.New(f.pool, reconcile.MirrorSink{Mirror: f.mirror}, reconcile.Config{})
	require.NoError(t, err)

	// Right after the snapshot a pass re-reads everything (the store is
	// younger than the overlap) and changes nothing: a reconcile read and
	// a bulk line of one object are the same row.
	res, err := rc.Pass(ctx, f.client)
	require.NoError(t, err)
	for _, r := range res {
		require.Positive(t, r.Objects, r.Family)
		require.Zero(t, r.Outcomes.Applied, r.Family)
	}

	newChanger(f, 1).update(60)
	_, before, _ := f.mirrorDiff(ctx, false)
	require.Positive(t, before, "the changes are not in the mirror yet")

	res, err = rc.Pass(ctx, f.client)
	require.NoError(t, err)
	require.Len(t, res, 5)
	var applied int64
	for _, r := range res {
		require.Empty(t, r.Skipped, r.Family)
		applied += r.Outcomes.Applied
	}
	require.Positive(t, applied)
	f.requireMirroredAfterChanges(ctx)

	// Every pass left its cursor behind and completed.
	var completed int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM ingest_runs WHERE kind = 'reconcile' AND status = 'completed' AND cursor IS NOT NULL`).Scan(&completed))
	require.Equal(t, 10, completed)
	// A second pass finds nothing new to apply.
	res, err = rc.Pass(ctx, f.client)
	require.NoError(t, err)
	for _, r := range res {
		require.Zero(t, r.Outcomes.Applied, r.Family)
	}
}

// A family never snapshotted is skipped: a pass cannot see older changes.
func TestReconcileSkipsAFamilyWithoutSnapshot(t *testing.T) {
	f := newFixture(t, fakeshop.Options{}, fakeshop.SeedConfig{Seed: 22, Products: 5})
	rc, err := reconcile.New(f.pool, reconcile.MirrorSink{Mirror: f.mirror}, reconcile.Config{Families: []events.Family{events.Orders}})
	require.NoError(t, err)
	res, err := rc.Pass(context.Background(), f.client)
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Equal(t, "no completed snapshot yet", res[0].Skipped)
}
