package fakeshop

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const cancelMutation = `mutation($id: ID!) {
  bulkOperationCancel(id: $id) { bulkOperation { id status completedAt url } userErrors { field message } }
}`

// finishRecorder keeps the bulk_operations/finish changes of a shop.
type finishRecorder struct {
	mu  sync.Mutex
	ops []*BulkOperation
}

func recordFinishes(shop *Shop) *finishRecorder {
	r := &finishRecorder{}
	shop.OnChange(func(c Change) {
		if c.Topic == TopicBulkOperationsFinish {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.ops = append(r.ops, c.Resource.(*BulkOperation))
		}
	})
	return r
}

func (r *finishRecorder) statusOf(gid string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, op := range r.ops {
		if op.GID() == gid {
			return op.Status
		}
	}
	return ""
}

func TestBulkLimitReachedAtTheSixthAndCancel(t *testing.T) {
	// Each export waits an hour after its first line: the operations stay
	// RUNNING until cancelled (or the server closes).
	srv := startServer(t, Options{BulkLineDelay: time.Hour})
	shop := srv.AddShop(ShopConfig{Name: "busy"})
	buildBulkCatalog(t, shop, 3)
	finishes := recordFinishes(shop)
	const q = `{ products { edges { node { id } } } }`

	var ids []string
	for range MaxRunningBulkQueries {
		id := mustStartBulk(t, srv, shop, q)
		op := waitBulk(t, srv, shop, id, func(op map[string]any) bool {
			return op["status"] == BulkRunning && op["objectCount"] == "1"
		})
		require.Equal(t, "1", op["rootObjectCount"])
		require.Nil(t, op["url"])
		ids = append(ids, id)
	}

	sixth := startBulk(t, srv, shop, q)
	require.Nil(t, sixth["bulkOperation"])
	require.Equal(t, []any{map[string]any{
		"field": nil, "code": "LIMIT_REACHED", "message": "Bulk operations limit reached. Please try again later.",
	}}, sixth["userErrors"])

	// Cancel: CANCELING at once, CANCELED when the export has stopped.
	res := query(t, srv, shop, cancelMutation, map[string]any{"id": ids[0]})
	require.Empty(t, dig(res, "bulkOperationCancel", "userErrors"))
	require.Equal(t, BulkCanceling, dig(res, "bulkOperationCancel", "bulkOperation", "status"))
	op := waitBulk(t, srv, shop, ids[0], bulkFinished)
	require.Equal(t, BulkCanceled, op["status"])
	require.Nil(t, op["url"])
	require.Nil(t, op["partialDataUrl"])
	require.NotNil(t, op["completedAt"])
	require.Eventually(t, func() bool { return finishes.statusOf(ids[0]) == BulkCanceled }, 10*time.Second, time.Millisecond)

	// The slot is free again.
	ids = append(ids, mustStartBulk(t, srv, shop, q))

	// Cancelling a finished operation or one that does not exist is a
	// userError; cancelling twice while CANCELING is not.
	res = query(t, srv, shop, cancelMutation, map[string]any{"id": ids[0]})
	require.Equal(t, []any{map[string]any{"field": nil, "message": "A bulk operation cannot be canceled when it is canceled"}},
		dig(res, "bulkOperationCancel", "userErrors"))
	require.Equal(t, BulkCanceled, dig(res, "bulkOperationCancel", "bulkOperation", "status"))
	res = query(t, srv, shop, cancelMutation, map[string]any{"id": "gid://shopify/BulkOperation/1"})
	require.Nil(t, dig(res, "bulkOperationCancel", "bulkOperation"))
	require.Equal(t, []any{map[string]any{"field": []any{"id"}, "message": "Bulk operation does not exist"}},
		dig(res, "bulkOperationCancel", "userErrors"))
	got, err := shop.CancelBulkOperation(mustBulkID(t, ids[1]))
	require.NoError(t, err)
	require.Equal(t, BulkCanceling, got.Status)
	// A second cancel races the export's stop: still CANCELING is fine,
	// already CANCELED is the finished-operation userError.
	got, err = shop.CancelBulkOperation(mustBulkID(t, ids[1]))
	if err != nil {
		require.EqualError(t, err, "A bulk operation cannot be canceled when it is canceled")
		require.Equal(t, BulkCanceled, got.Status)
	} else {
		require.Equal(t, BulkCanceling, got.Status)
	}
	// The rest are stopped by the server's Close in the test's cleanup.
}

func mustBulkID(t *testing.T, gid string) int64 {
	t.Helper()
	g := bulkMustGID(t, gid)
	require.Equal(t, "BulkOperation", g.Type)
	return g.ID
}

func TestBulkOperationsListingAndLookups(t *testing.T) {
	clock := newTestClock()
	srv := startServer(t, Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "history"})
	buildBulkCatalog(t, shop, 3)
	const q = `{ products { edges { node { id } } } }`

	var ids []string
	var created []time.Time
	for i := range 3 {
		if i == 1 {
			shop.FailNextBulkQuery(0, BulkErrorAccessDenied)
		}
		created = append(created, clock.Now())
		id := mustStartBulk(t, srv, shop, q)
		waitBulk(t, srv, shop, id, bulkFinished)
		ids = append(ids, id)
		clock.Advance(time.Minute)
	}

	list := func(args string) []any {
		data := query(t, srv, shop, `{ bulkOperations(`+args+`) { nodes { id status } pageInfo { endCursor hasNextPage } } }`, nil)
		var out []any
		for _, n := range dig(data, "bulkOperations", "nodes").([]any) {
			out = append(out, n.(map[string]any)["id"])
		}
		return out
	}
	require.Equal(t, []any{ids[2], ids[1], ids[0]}, list(`first: 10`), "newest first")
	require.Equal(t, []any{ids[0], ids[1], ids[2]}, list(`first: 10, reverse: true`))
	require.Equal(t, []any{ids[1]}, list(`first: 10, query: "status:failed"`))
	require.Equal(t, []any{ids[2], ids[0]}, list(`first: 10, query: "status:COMPLETED"`))
	require.Equal(t, []any{ids[2], ids[1]}, list(fmt.Sprintf(`first: 10, query: "created_at:>=%s"`, created[1].Format(time.RFC3339))))
	require.Equal(t, []any{ids[2], ids[1], ids[0]}, list(`first: 10, sortKey: COMPLETED_AT`))

	page := query(t, srv, shop, `{ bulkOperations(first: 1) { nodes { id } pageInfo { endCursor hasNextPage } } }`, nil)
	require.Equal(t, true, dig(page, "bulkOperations", "pageInfo", "hasNextPage"))
	cursor := dig(page, "bulkOperations", "pageInfo", "endCursor").(string)
	require.Equal(t, []any{ids[1]}, list(fmt.Sprintf(`first: 1, after: %q`, cursor)))

	data := query(t, srv, shop, fmt.Sprintf(`{
	  current: currentBulkOperation { id }
	  mutation: currentBulkOperation(type: MUTATION) { id }
	  failed: node(id: %q) { id ... on BulkOperation { status errorCode url partialDataUrl objectCount createdAt } }
	  missing: bulkOperation(id: "gid://shopify/BulkOperation/1") { id }
	}`, ids[1]), nil)
	require.Equal(t, ids[2], dig(data, "current", "id"))
	require.Nil(t, data["mutation"])
	require.Nil(t, data["missing"])
	require.Equal(t, map[string]any{
		"id": ids[1], "status": BulkFailed, "errorCode": BulkErrorAccessDenied, "url": nil, "partialDataUrl": nil,
		"objectCount": "0", "createdAt": created[1].Format(DateTimeFormat),
	}, data["failed"])
}

func TestBulkFailedOperationServesPartialData(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "flaky"})
	buildBulkCatalog(t, shop, 4)
	finishes := recordFinishes(shop)
	shop.FailNextBulkQuery(3, BulkErrorTimeout)

	id := mustStartBulk(t, srv, shop, `{ products { edges { node { id variants { edges { node { id } } } } } } }`)
	op := waitBulk(t, srv, shop, id, bulkFinished)
	require.Equal(t, BulkFailed, op["status"])
	require.Equal(t, BulkErrorTimeout, op["errorCode"])
	require.Nil(t, op["url"])
	require.Equal(t, "3", op["objectCount"])
	status, body := bulkDownload(t, op["partialDataUrl"].(string))
	require.Equal(t, http.StatusOK, status)
	require.Len(t, bulkReadLines(t, body), 3)
	require.Eventually(t, func() bool { return finishes.statusOf(id) == BulkFailed }, 10*time.Second, time.Millisecond)

	// The fault was used up: the next operation completes.
	next := mustStartBulk(t, srv, shop, `{ products { edges { node { id } } } }`)
	require.Equal(t, BulkCompleted, waitBulk(t, srv, shop, next, bulkFinished)["status"])
}

func TestBulkResultURLIsTheCredentialAndExpires(t *testing.T) {
	clock := newTestClock()
	dir := t.TempDir()
	srv := New(Options{Clock: clock.Now, BulkDir: dir})
	require.NoError(t, srv.Start("127.0.0.1:0"))
	closed := false
	t.Cleanup(func() {
		if !closed {
			require.NoError(t, srv.Close())
		}
	})
	shop := srv.AddShop(ShopConfig{Name: "signed"})
	buildBulkCatalog(t, shop, 2)
	op, body := runBulkToFile(t, srv, shop, `{ products { edges { node { id } } } }`)
	url := op["url"].(string)
	require.True(t, strings.HasPrefix(url, srv.URL()+"/bulk/signed/"), url)

	// Range requests work, as on a storage bucket.
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=0-9")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusPartialContent, resp.StatusCode)

	// The token is the credential.
	i := strings.LastIndex(url, "/")
	j := strings.LastIndex(url[:i], "/")
	forged := url[:j+1] + strings.Repeat("0", i-j-1) + url[i:]
	status, _ := bulkDownload(t, forged)
	require.Equal(t, http.StatusForbidden, status)
	status, _ = bulkDownload(t, url[:i]+"/1.jsonl")
	require.Equal(t, http.StatusNotFound, status)

	// Seven days after completion the operation is EXPIRED and the URL dead.
	clock.Advance(BulkResultLifetime - time.Second)
	status, again := bulkDownload(t, url)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, body, again)
	clock.Advance(time.Second)
	expired, err := fetchBulkOp(srv, shop, op["id"].(string))
	require.NoError(t, err)
	require.Equal(t, BulkExpired, expired["status"])
	require.Nil(t, expired["url"])
	status, _ = bulkDownload(t, url)
	require.Equal(t, http.StatusNotFound, status)

	// Close removes every result file.
	runBulkToFile(t, srv, shop, `{ products { edges { node { id } } } }`)
	require.NoError(t, srv.Close())
	closed = true
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestBulkQueryThroughTheGoAPI(t *testing.T) {
	srv := New(Options{})
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	shop := srv.AddShop(ShopConfig{Name: "goapi"})
	buildBulkCatalog(t, shop, 2)
	_, err := shop.RunBulkQuery(t.Context(), `{ shop { id } }`, false)
	var rejected *BulkQueryError
	require.ErrorAs(t, err, &rejected)
	require.Equal(t, "INVALID", rejected.Errors[0].Code)

	op, err := shop.RunBulkQuery(t.Context(), `{ products { edges { node { id } } } }`, true)
	require.NoError(t, err)
	require.Equal(t, BulkCreated, op.Status)
	require.True(t, op.GroupObjects)
	require.Eventually(t, func() bool { return shop.BulkOperation(op.ID).Finished() }, 10*time.Second, time.Millisecond)
	done := shop.BulkOperation(op.ID)
	require.Equal(t, BulkCompleted, done.Status)
	require.Equal(t, int64(2), done.RootObjectCount)
	// Without an HTTP request or a listener there is no host to name.
	require.True(t, strings.HasPrefix(*done.URL, "http://fakeshop.invalid/bulk/goapi/"), *done.URL)
}
