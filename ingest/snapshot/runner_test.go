package snapshot_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/bulk"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

func registerStore(t *testing.T, pool *pgxpool.Pool, domain string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `INSERT INTO stores (domain, role) VALUES ($1, 'source')`, domain)
	require.NoError(t, err)
}

func runStatus(t *testing.T, pool *pgxpool.Pool, id int64) (status, bulkID, errText string) {
	t.Helper()
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT status, coalesce(bulk_operation_id, ''), coalesce(error, '') FROM ingest_runs WHERE id = $1`, id).Scan(&status, &bulkID, &errText))
	return status, bulkID, errText
}

func loadedCount(t *testing.T, pool *pgxpool.Pool, family events.Family) int64 {
	t.Helper()
	var n int64
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM loaded_records WHERE family = $1`, string(family)).Scan(&n))
	return n
}

func TestSnapshotLoadsEveryFamilyAndRecordsTheRuns(t *testing.T) {
	pool := testdb.Postgres(t)
	srv, shop := startShop(t, fakeshop.Options{BulkShuffleWindow: 64})
	_, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 3, Products: 30})
	require.NoError(t, err)
	registerStore(t, pool, shop.Domain())
	loader := newCopyLoader(t, pool)
	r, err := snapshot.NewRunner(pool, loader, snapshot.Config{SpillDir: t.TempDir()})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results, err := r.Snapshot(ctx, newClient(t, srv, shop))
	require.NoError(t, err)
	require.Len(t, results, 5)
	for _, res := range results {
		status, bulkID, _ := runStatus(t, pool, res.RunID)
		require.Equal(t, "completed", status, res.Family)
		require.NotEmpty(t, bulkID)
		require.False(t, res.Resumed)
		require.Positive(t, res.Stats.Records)
		require.Equal(t, res.Stats.Records, loadedCount(t, pool, res.Family), res.Family)
	}
	require.Len(t, shop.BulkOperations(), 5, "one bulk operation per family")

	// Children joined to their roots whatever the line order.
	var orphans int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM loaded_records c
		WHERE c.parent <> '' AND NOT EXISTS (SELECT 1 FROM loaded_records p WHERE p.gid = c.parent AND p.run_id = c.run_id)`).Scan(&orphans))
	require.Zero(t, orphans)
}

// A process stopped while Shopify exports leaves the run running with its
// operation id; the next one waits on that operation instead of starting
// another.
func TestSnapshotResumesTheRunningOperation(t *testing.T) {
	pool := testdb.Postgres(t)
	srv, shop := startShop(t, fakeshop.Options{BulkLineDelay: 2 * time.Millisecond})
	_, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 4, Products: 20})
	require.NoError(t, err)
	registerStore(t, pool, shop.Domain())
	loader := newCopyLoader(t, pool)
	cfg := snapshot.Config{Families: []events.Family{events.Products}, SpillDir: t.TempDir()}
	r, err := snapshot.NewRunner(pool, loader, cfg)
	require.NoError(t, err)
	c := newClient(t, srv, shop)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan []snapshot.Result, 1)
	go func() {
		res, _ := r.Snapshot(ctx, c)
		done <- res
	}()
	store := runs.NewStore(pool)
	require.Eventually(t, func() bool {
		run, err := store.Active(context.Background(), shop.Domain(), events.Products)
		return err == nil && run != nil && run.BulkOperationID != ""
	}, 30*time.Second, 5*time.Millisecond)
	cancel()
	first := <-done
	require.Len(t, first, 1)
	require.ErrorIs(t, first[0].Err, context.Canceled)
	status, bulkID, _ := runStatus(t, pool, first[0].RunID)
	require.Equal(t, "running", status, "an interrupted run stays active")
	require.Zero(t, loader.loads.Load())

	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	second, err := r.Snapshot(ctx2, c)
	require.NoError(t, err)
	require.Len(t, second, 1)
	require.True(t, second[0].Resumed)
	require.Equal(t, first[0].RunID, second[0].RunID)
	status, resumedID, _ := runStatus(t, pool, second[0].RunID)
	require.Equal(t, "completed", status)
	require.Equal(t, bulkID, resumedID)
	require.Len(t, shop.BulkOperations(), 1, "the resumed run started no second operation")
	require.EqualValues(t, 1, loader.loads.Load())
}

// A run found in loading downloads its operation's result again.
func TestSnapshotResumesLoading(t *testing.T) {
	pool := testdb.Postgres(t)
	srv, shop := startShop(t, fakeshop.Options{})
	_, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 5, Products: 10})
	require.NoError(t, err)
	registerStore(t, pool, shop.Domain())
	c := newClient(t, srv, shop)
	spec, err := snapshot.SpecOf(events.Content)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	op, err := c.RunBulkQuery(ctx, spec.Query)
	require.NoError(t, err)
	var id int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO ingest_runs (store, family, status, bulk_operation_id, object_count)
		VALUES ($1, 'content', 'loading', $2, $3) RETURNING id`, shop.Domain(), op.ID, op.ObjectCount).Scan(&id))

	loader := newCopyLoader(t, pool)
	r, err := snapshot.NewRunner(pool, loader, snapshot.Config{Families: []events.Family{events.Content}, SpillDir: t.TempDir()})
	require.NoError(t, err)
	res, err := r.Resume(ctx, c)
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Equal(t, id, res[0].RunID)
	require.True(t, res[0].Resumed)
	status, _, _ := runStatus(t, pool, id)
	require.Equal(t, "completed", status)
	require.Equal(t, op.ObjectCount, loadedCount(t, pool, events.Content))
	require.Len(t, shop.BulkOperations(), 1)
}

// Resume starts nothing where no run is active.
func TestResumeStartsNoRun(t *testing.T) {
	pool := testdb.Postgres(t)
	srv, shop := startShop(t, fakeshop.Options{})
	registerStore(t, pool, shop.Domain())
	r, err := snapshot.NewRunner(pool, newCopyLoader(t, pool), snapshot.Config{})
	require.NoError(t, err)
	res, err := r.Resume(context.Background(), newClient(t, srv, shop))
	require.NoError(t, err)
	require.Empty(t, res)
	require.Empty(t, shop.BulkOperations())
}

// truncating cuts bulk result downloads short: after the first cut bytes,
// or at the last line break before them when atLine is set.
type truncating struct {
	cut    int
	atLine bool
}

func (tr truncating) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || strings.HasSuffix(req.URL.Path, "graphql.json") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(body) > tr.cut {
		body = body[:tr.cut]
		if tr.atLine {
			body = body[:bytes.LastIndexByte(body, '\n')+1]
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// A result cut mid-line, or cut at a line break (which parses, but holds
// fewer records than the operation counted), fails the run and applies
// nothing.
func TestShortResultFailsTheRunWithNothingApplied(t *testing.T) {
	for name, cut := range map[string]truncating{"mid-line": {cut: 3000}, "at a line break": {cut: 3000, atLine: true}} {
		t.Run(name, func(t *testing.T) {
			pool := testdb.Postgres(t)
			srv, shop := startShop(t, fakeshop.Options{})
			_, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 6, Products: 20})
			require.NoError(t, err)
			registerStore(t, pool, shop.Domain())
			c, err := client.New(client.Config{
				ShopDomain: shop.Domain(), Endpoint: srv.GraphQLURL(shop.Name()), Token: shop.Token(),
				Transport: transport.Config{Registry: transport.NewRegistry(cost.Plus, nil), Base: cut},
				Bulk:      client.BulkPolling{FirstInterval: 5 * time.Millisecond, FirstPolls: 20, Interval: 20 * time.Millisecond},
			})
			require.NoError(t, err)
			loader := newCopyLoader(t, pool)
			r, err := snapshot.NewRunner(pool, loader, snapshot.Config{Families: []events.Family{events.Products}, SpillDir: t.TempDir()})
			require.NoError(t, err)
			res, err := r.Snapshot(context.Background(), c)
			require.Error(t, err)
			require.Len(t, res, 1)
			status, _, errText := runStatus(t, pool, res[0].RunID)
			require.Equal(t, "failed", status)
			if cut.atLine {
				var ce *snapshot.CountError
				require.ErrorAs(t, err, &ce)
				require.Contains(t, errText, "records")
			} else {
				require.ErrorIs(t, err, bulk.ErrTruncated)
			}
			require.Zero(t, loadedCount(t, pool, events.Products), "nothing applied")
			require.Zero(t, loader.loads.Load())
		})
	}
}

// An operation Shopify fails fails the run; the next snapshot starts anew.
func TestFailedOperationFailsTheRun(t *testing.T) {
	pool := testdb.Postgres(t)
	srv, shop := startShop(t, fakeshop.Options{})
	_, err := fakeshop.Seed(shop, fakeshop.SeedConfig{Seed: 8, Products: 10})
	require.NoError(t, err)
	registerStore(t, pool, shop.Domain())
	loader := newCopyLoader(t, pool)
	r, err := snapshot.NewRunner(pool, loader, snapshot.Config{Families: []events.Family{events.Orders}, SpillDir: t.TempDir()})
	require.NoError(t, err)
	c := newClient(t, srv, shop)
	shop.FailNextBulkQuery(3, "TIMEOUT")
	res, err := r.Snapshot(context.Background(), c)
	var be *client.BulkError
	require.ErrorAs(t, err, &be)
	status, _, errText := runStatus(t, pool, res[0].RunID)
	require.Equal(t, "failed", status)
	require.Contains(t, errText, "TIMEOUT")
	require.Zero(t, loader.loads.Load())

	res, err = r.Snapshot(context.Background(), c)
	require.NoError(t, err)
	require.False(t, res[0].Resumed)
	status, _, _ = runStatus(t, pool, res[0].RunID)
	require.Equal(t, "completed", status)
}
