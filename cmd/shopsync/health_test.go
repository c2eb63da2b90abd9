package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHealthSaysWhichDependencyFails(t *testing.T) {
	get := func(h *health) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return rec.Code, rec.Body.String()
	}
	var pgErr, chErr error
	h := &health{}
	h.add(healthCheck{name: "postgres", fatal: true, check: func(context.Context) error { return pgErr }})
	h.add(healthCheck{name: "clickhouse audit", check: func(context.Context) error { return chErr }})

	code, body := get(h)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok\n", body)

	chErr = errors.New("dial tcp 127.0.0.1:9000: connection refused")
	code, body = get(h)
	require.Equal(t, http.StatusOK, code, "a degraded component keeps serving")
	require.Equal(t, "degraded: clickhouse audit: dial tcp 127.0.0.1:9000: connection refused\n", body)

	pgErr = errors.New("connection refused")
	code, body = get(h)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "unavailable: postgres: connection refused; clickhouse audit:")

	code, body = get(nil)
	require.Equal(t, http.StatusOK, code, "no checks")
	require.Equal(t, "ok\n", body)
}
