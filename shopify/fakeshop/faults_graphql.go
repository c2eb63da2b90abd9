package fakeshop

import (
	"io"
	"net/http"
	"time"
)

// 5xx bodies of an injected GraphQL failure. Shopify's 503 is an HTML error
// page (seen by Shopify's own Node client, shopify-app-template-node#1326),
// and a 502 comes from the edge, not from GraphQL, so both are HTML: a
// client must not assume a 5xx body is JSON. The 500 body is JSON in
// GraphQL's error shape; its exact text is UNVERIFIED.
const (
	fault500Body = `{"errors":[{"message":"Internal error. Looks like something went wrong on our end.","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`
	fault502Body = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The server received an invalid response upstream.</p></body></html>\n"
	fault503Body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service Unavailable</title></head><body><h1>Service unavailable</h1><p>There was a problem loading this website. Please try again.</p></body></html>\n"
)

// graphQLFaultBefore applies the shop's faults to a request before it is
// read: the added latency, then maybe a 5xx. It reports whether it answered
// (the caller then stops).
func (s *Server) graphQLFaultBefore(w http.ResponseWriter, r *http.Request, shop *Shop) bool {
	latency, status := shop.faults.graphQLBefore()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true // the client gave up; nobody reads an answer
		}
	}
	if status == 0 {
		return false
	}
	writeFault(w, status)
	s.log.Debug("fakeshop fault: GraphQL error before execution", "shop", shop.name, "status", status)
	return true
}

// graphQLFaultAfter replaces an executed request's answer with a 5xx when
// the shop's faults say the response is lost. It reports whether it
// answered.
func (s *Server) graphQLFaultAfter(w http.ResponseWriter, shop *Shop) bool {
	status := shop.faults.graphQLAfter()
	if status == 0 {
		return false
	}
	writeFault(w, status)
	s.log.Debug("fakeshop fault: GraphQL answer lost after execution", "shop", shop.name, "status", status)
	return true
}

func writeFault(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Set("X-Request-Id", randomHex(16))
	h.Del("Retry-After")
	switch status {
	case http.StatusInternalServerError:
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, fault500Body)
	case http.StatusBadGateway:
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, fault502Body)
	default:
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, fault503Body)
	}
}
