package applier_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
)

// Two applier processes share two destinations: each destination is
// written by one of them only, and both destinations proceed at once.
func TestTwoAppliersOneWriterPerDestination(t *testing.T) {
	f := newFixture(t, fixtureOptions{dests: 2})
	for i, d := range f.dsts {
		for _, h := range []string{"p1", "p2", "p3"} {
			if i == 0 {
				f.addProduct(f.src, f.srcLoc, h, h, []variant{{"S", h + "-S", "1.00", 4}, {"M", h + "-M", "1.00", 5}})
			}
			f.addProduct(d, f.dstLocs[i], h, h, []variant{{"S", h + "-S", "1.00", 0}, {"M", h + "-M", "1.00", 0}})
		}
	}
	f.snapshot()
	require.Equal(t, 12, f.plan())

	var mu sync.Mutex
	writers := map[string]map[string]bool{} // store → holders that sent to it
	run := func(ctx context.Context, holder string) error {
		cfg := f.config()
		cfg.Holder = holder
		cfg.MaxDestinations = 1
		cfg.Hooks.AfterSend = func(_ context.Context, store string, _ []int64) error {
			mu.Lock()
			defer mu.Unlock()
			if writers[store] == nil {
				writers[store] = map[string]bool{}
			}
			writers[store][holder] = true
			return nil
		}
		return f.applier(cfg).Run(ctx)
	}
	ctx, stop := context.WithCancel(f.ctx)
	var wg sync.WaitGroup
	for _, h := range []string{"applier-a", "applier-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, run(ctx, h))
		}()
	}
	require.Eventually(t, func() bool { return f.deltas()["applied"] == 12 }, 30*time.Second, 20*time.Millisecond)
	stop()
	wg.Wait()

	require.Len(t, writers, 2)
	holders := map[string]bool{}
	for store, hs := range writers {
		require.Len(t, hs, 1, "%s was written by %v", store, hs)
		for h := range hs {
			holders[h] = true
		}
	}
	require.Len(t, holders, 2, "each process took one destination")
	// Both released their leases on the way out.
	require.Zero(t, f.count(`SELECT count(*) FROM destination_leases WHERE expires_at > now()`))
	require.Equal(t, 12, f.count(`SELECT sum(attempts)::int FROM plan_deltas`))
	f.auditRows(12)
}

// A process whose lease was taken over while its request was under way
// cannot record the outcome (the fencing token changed): it stops with
// ErrLeaseLost, and the new holder audits the interrupted attempt and
// carries the delta out.
func TestFencedOutHolderRecordsNothing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	dst, dloc := f.dsts[0], f.dstLocs[0]
	f.addProduct(f.src, f.srcLoc, "cap", "Cap", []variant{{"S", "C-S", "7.00", 8}})
	c := f.addProduct(dst, dloc, "cap", "Cap", []variant{{"S", "C-S", "7.00", 1}})
	f.snapshot()
	require.Equal(t, 1, f.plan())

	cfg := f.config()
	cfg.Holder = "slow"
	cfg.Hooks.AfterSend = func(ctx context.Context, store string, _ []int64) error {
		// Another process takes the lease while this one's request is out.
		_, err := f.pool.Exec(ctx, `UPDATE destination_leases SET holder = 'other', token = token + 1 WHERE store = $1`, store)
		return err
	}
	err := f.applier(cfg).RunOnce(f.ctx)
	require.ErrorIs(t, err, applier.ErrLeaseLost)
	require.Equal(t, map[string]int{"pending": 1}, f.deltas())
	require.Equal(t, 8, dst.InventoryLevel(dst.Variants(c)[0].InventoryItemID, dloc.ID).Quantity("available"))

	// While "other" holds a live lease, nobody else writes.
	cfg = f.config()
	cfg.Holder = "third"
	require.NoError(t, f.applier(cfg).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"pending": 1}, f.deltas())

	// "other" dies; once its lease expires the next process takes over.
	f.exec(`UPDATE destination_leases SET expires_at = now() - interval '1 second'`)
	require.NoError(t, f.applier(cfg).RunOnce(f.ctx))
	require.Equal(t, map[string]int{"applied": 1}, f.deltas())
	var holder string
	var token int64
	require.NoError(t, f.pool.QueryRow(f.ctx, `SELECT holder, token FROM destination_leases`).Scan(&holder, &token))
	require.Equal(t, "third", holder)
	require.Equal(t, int64(3), token, "every change of hands raised the token")
	require.Equal(t, map[string]int{"failed": 1, "ok": 1}, f.auditRows(2))
	require.True(t, errors.Is(err, applier.ErrLeaseLost))
}
