package faults

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// bulkProxy stands between shopsync and fakeshop and spoils the bulk
// operation result files it passes on, the way a broken download or a bad
// export would: GraphQL answers are rewritten to point result URLs at the
// proxy, and result files are cut short or given bad lines.
type bulkProxy struct {
	srv     *httptest.Server
	backend string

	mu      sync.Mutex
	mode    string // "", "truncate", "garbage", "wrong-types"
	spoiled int
}

func newBulkProxy(t testing.TB, backend string) *bulkProxy {
	bp := &bulkProxy{backend: backend}
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	director := rp.Director
	rp.Director = func(r *http.Request) {
		director(r)
		// Whole files only, so that the spoiling is what the client sees.
		r.Header.Del("Range")
		r.Header.Del("Accept-Encoding")
	}
	rp.ModifyResponse = bp.modify
	bp.srv = httptest.NewServer(rp)
	t.Cleanup(bp.srv.Close)
	return bp
}

func (bp *bulkProxy) setMode(m string) {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	bp.mode = m
}

// graphQLURL is shop's Admin API endpoint through the proxy.
func (bp *bulkProxy) graphQLURL(direct string) string {
	return strings.Replace(direct, bp.backend, bp.srv.URL, 1)
}

func (bp *bulkProxy) modify(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	bp.mu.Lock()
	mode := bp.mode
	bp.mu.Unlock()
	switch {
	case strings.HasPrefix(resp.Request.URL.Path, "/bulk/") && mode != "" && len(body) > 0:
		body = spoil(body, mode)
		bp.mu.Lock()
		bp.spoiled++
		bp.mu.Unlock()
	case strings.Contains(resp.Request.URL.Path, "graphql"):
		body = bytes.ReplaceAll(body, []byte(bp.backend), []byte(bp.srv.URL))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// spoil cuts the file in the middle of a line ("truncate"), or puts a bad
// line in its middle: unparsable JSON ("garbage") or JSON whose fields
// have the wrong types ("wrong-types").
func spoil(body []byte, mode string) []byte {
	mid := len(body) / 2
	if mode == "truncate" {
		// In the middle of a line, so the last line is half an object.
		for mid < len(body)-1 && body[mid] != '"' {
			mid++
		}
		return body[:mid]
	}
	for mid < len(body) && body[mid] != '\n' {
		mid++
	}
	bad := []byte(`{"id":"gid://shopify/Product/`)
	if mode == "wrong-types" {
		bad = []byte(`{"id":12345,"title":["not","a","string"],"handle":{"x":1},"updatedAt":false}`)
	}
	out := append([]byte(nil), body[:mid+1]...)
	out = append(out, bad...)
	out = append(out, '\n')
	return append(out, body[mid+1:]...)
}
