package fakeshop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/bulk"
)

// A small bulk-operation client for the tests: start, poll, download, parse,
// all over HTTP as a real client would.

const runBulkMutation = `mutation($q: String!, $g: Boolean!) {
  bulkOperationRunQuery(query: $q, groupObjects: $g) {
    bulkOperation { id status objectCount rootObjectCount url createdAt completedAt }
    userErrors { field message code }
  }
}`

const bulkOpFields = `id status type errorCode query createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl`

// startBulk runs bulkOperationRunQuery and returns its payload.
func startBulk(t *testing.T, srv *Server, shop *Shop, q string) map[string]any {
	t.Helper()
	data := query(t, srv, shop, runBulkMutation, map[string]any{"q": q, "g": false})
	return dig(data, "bulkOperationRunQuery").(map[string]any)
}

// mustStartBulk starts an operation that must be accepted and returns its GID.
func mustStartBulk(t *testing.T, srv *Server, shop *Shop, q string) string {
	t.Helper()
	p := startBulk(t, srv, shop, q)
	require.Empty(t, p["userErrors"])
	require.Equal(t, BulkCreated, dig(p, "bulkOperation", "status"))
	return dig(p, "bulkOperation", "id").(string)
}

// fetchBulkOp reads bulkOperation(id) without failing the test, so that it
// can run inside require.Eventually's condition.
func fetchBulkOp(srv *Server, shop *Shop, id string) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{
		"query":     `query($id: ID!) { bulkOperation(id: $id) { ` + bulkOpFields + ` } }`,
		"variables": map[string]any{"id": id},
	})
	req, err := http.NewRequest(http.MethodPost, srv.GraphQLURL(shop.Name()), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", shop.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			BulkOperation map[string]any `json:"bulkOperation"`
		} `json:"data"`
		Errors []any `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if len(out.Errors) > 0 || out.Data.BulkOperation == nil {
		return nil, fmt.Errorf("bulkOperation(%s): %v", id, out.Errors)
	}
	return out.Data.BulkOperation, nil
}

// waitBulk polls bulkOperation(id) until done says so and returns the last
// answer.
func waitBulk(t *testing.T, srv *Server, shop *Shop, id string, done func(op map[string]any) bool) map[string]any {
	t.Helper()
	var last map[string]any
	var lastErr error
	ok := bulkEventually(func() bool {
		last, lastErr = fetchBulkOp(srv, shop, id)
		return lastErr == nil && done(last)
	})
	require.True(t, ok, "bulk operation %s never got there; last answer %v, error %v", id, last, lastErr)
	return last
}

func bulkEventually(cond func() bool) bool {
	// require.Eventually reports through t from another goroutine; this
	// wraps it so the caller can add its own message with the last answer.
	ft := &bulkFakeT{}
	require.Eventually(ft, cond, 20*time.Second, 2*time.Millisecond)
	return !ft.failed
}

type bulkFakeT struct{ failed bool }

func (f *bulkFakeT) Errorf(string, ...any) { f.failed = true }
func (f *bulkFakeT) FailNow()              { f.failed = true }

func bulkStatusIs(statuses ...string) func(map[string]any) bool {
	return func(op map[string]any) bool {
		for _, s := range statuses {
			if op["status"] == s {
				return true
			}
		}
		return false
	}
}

// bulkFinished waits for a terminal status.
func bulkFinished(op map[string]any) bool {
	return bulkStatusIs(BulkCompleted, BulkFailed, BulkCanceled, BulkExpired)(op)
}

// bulkDownload GETs a result URL with no credentials, as from a storage bucket.
func bulkDownload(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

// bulkReadLines parses a result with shopify/bulk's reader, in file order.
func bulkReadLines(t *testing.T, body []byte) []bulk.Record {
	t.Helper()
	r := bulk.NewReader(bytes.NewReader(body), bulk.Options{})
	var out []bulk.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		rec.Raw = append(json.RawMessage(nil), rec.Raw...)
		out = append(out, rec)
	}
}

// bulkDecodeLine decodes one record's JSON.
func bulkDecodeLine(t *testing.T, rec bulk.Record) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Raw, &m))
	return m
}

// runBulkToFile starts a query, waits for COMPLETED and downloads the file.
func runBulkToFile(t *testing.T, srv *Server, shop *Shop, q string) (map[string]any, []byte) {
	t.Helper()
	id := mustStartBulk(t, srv, shop, q)
	op := waitBulk(t, srv, shop, id, bulkFinished)
	require.Equal(t, BulkCompleted, op["status"], "%v", op)
	status, body := bulkDownload(t, op["url"].(string))
	require.Equal(t, http.StatusOK, status, string(body))
	return op, body
}
