package fakeshop

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// Result files are served at
//
//	GET /bulk/<shop>/<token>/<operation id>.jsonl
//
// where token is 160 random bits: like the signed Google Cloud Storage URLs
// Shopify hands out, the URL is the credential, so no access token is needed
// (a client must not send its Shopify token to the file host anyway). The
// URL works until the operation is EXPIRED (7 days after completion, on the
// shop's clock) or the server closes. Range requests are served.

// requestBaseURL is the scheme and address an HTTP request arrived on, from
// the context net/http gives handlers, or "" outside a request.
func requestBaseURL(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	addr, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr)
	if !ok || addr == nil {
		return ""
	}
	return "http://" + addr.String()
}

// bulkBaseURL is the result URL host for operations started without an
// HTTP request (the Go API).
func (s *Server) bulkBaseURL() string {
	if s.listener != nil {
		return s.URL()
	}
	return "http://fakeshop.invalid"
}

var errBulkFileGone = errors.New("bulk result file is gone")

func (s *Server) serveBulkFile(w http.ResponseWriter, r *http.Request) {
	shop := s.Shop(r.PathValue("shop"))
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".jsonl")
	id, err := strconv.ParseInt(idText, 10, 64)
	if shop == nil || !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	j := shop.bulk.get(id)
	if j == nil {
		http.NotFound(w, r)
		return
	}
	f, err := j.openResult(r.PathValue("token"))
	switch {
	case errors.Is(err, os.ErrPermission):
		http.Error(w, "Access denied.", http.StatusForbidden)
		return
	case err != nil:
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// openResult opens the result (or partial data) file for a holder of the
// URL's token. The file is opened under the job's lock, so it cannot be
// removed in between; once open it stays readable even if it is removed.
func (j *bulkJob) openResult(token string) (*os.File, error) {
	if subtle.ConstantTimeCompare([]byte(token), []byte(j.token)) != 1 {
		return nil, os.ErrPermission
	}
	j.snapshot() // expires the file if its time has come
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.hasFile {
		return nil, errBulkFileGone
	}
	return os.Open(j.path)
}
