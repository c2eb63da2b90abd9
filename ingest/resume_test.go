package ingest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// stallingTransport passes bulk result downloads through until limit bytes
// have been read, then holds the download until its request is canceled:
// a connection that hangs halfway.
type stallingTransport struct {
	limit   int64
	stalled atomic.Bool
}

func (s *stallingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || strings.HasSuffix(req.URL.Path, "graphql.json") {
		return resp, err
	}
	resp.Body = &stallingBody{rc: resp.Body, left: s.limit, ctx: req.Context(), stalled: &s.stalled}
	return resp, nil
}

type stallingBody struct {
	rc      io.ReadCloser
	left    int64
	ctx     context.Context
	stalled *atomic.Bool
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.stalled.Store(true)
		<-b.ctx.Done()
		return 0, b.ctx.Err()
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *stallingBody) Close() error { return b.rc.Close() }

// A snapshot stopped in the middle of its load (the process canceled with
// rows already staged) resumes on the next start: the same run and bulk
// operation, the staged rows not staged again, the same final mirror, and
// exactly one change row per mirrored row.
func TestSnapshotStoppedWhileLoadingResumes(t *testing.T) {
	f := newFixture(t, fakeshop.Options{}, fakeshop.SeedConfig{Seed: 51, Products: 300})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mcfg := mirror.DefaultConfig()
	mcfg.BatchRows, mcfg.Logger = 200, slog.New(slog.DiscardHandler)
	m, err := mirror.New(f.pool, mcfg)
	require.NoError(t, err)
	cfg := snapshot.Config{Families: []events.Family{events.Products}, SpillDir: t.TempDir()}
	runner, err := snapshot.NewRunner(f.pool, snapshot.MirrorLoader{Mirror: m}, cfg)
	require.NoError(t, err)

	stall := &stallingTransport{limit: 1 << 20}
	stalling := f.newClient(&transport.Config{Registry: transport.NewRegistry(cost.Enterprise, nil), Base: stall})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan []snapshot.Result, 1)
	go func() {
		res, _ := runner.Snapshot(runCtx, stalling)
		done <- res
	}()
	// Stop once the download hangs and some rows are durably staged.
	store := runs.NewStore(f.pool)
	var runID int64
	require.Eventually(t, func() bool {
		run, err := store.Active(ctx, f.shop.Domain(), events.Products)
		if err != nil || run == nil || run.Status != runs.Loading || !stall.stalled.Load() {
			return false
		}
		runID = run.ID
		var cursor string
		err = f.pool.QueryRow(ctx, fmt.Sprintf(`SELECT cursor FROM mirror_staging.run_%d`, run.ID)).Scan(&cursor)
		return err == nil && cursor != ""
	}, time.Minute, 10*time.Millisecond)
	var staged string
	require.NoError(t, f.pool.QueryRow(ctx, fmt.Sprintf(`SELECT cursor FROM mirror_staging.run_%d`, runID)).Scan(&staged))
	stop()
	first := <-done
	require.ErrorIs(t, first[0].Err, context.Canceled)
	var changes int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM change_outbox`).Scan(&changes))
	require.Zero(t, changes, "nothing is in the mirror before the commit")

	res, err := runner.Snapshot(ctx, f.client)
	require.NoError(t, err)
	require.True(t, res[0].Resumed)
	require.Equal(t, runID, res[0].RunID)
	require.Len(t, f.shop.BulkOperations(), 1, "the resumed run waited on no new operation")
	t.Logf("stopped with %s records staged; resumed and loaded %d records", staged, res[0].Stats.Records)

	// The mirror is the shop's catalogue, one create per row and nothing else.
	want, err := shopState(ctx, f.shop, f.tracker, f.client)
	require.NoError(t, err)
	got, err := mirrorState(ctx, f.pool, f.shop.Domain())
	require.NoError(t, err)
	for _, table := range []string{"products", "variants"} {
		require.Equal(t, want[table], got[table], table)
	}
	var rows, dup int
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM variants) + (SELECT count(*) FROM inventory_items)`).Scan(&rows))
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM change_outbox`).Scan(&changes))
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT resource, gid FROM change_outbox GROUP BY 1, 2 HAVING count(*) > 1) d`).Scan(&dup))
	require.Equal(t, rows, changes, "one change row per mirrored row")
	require.Zero(t, dup)
}
