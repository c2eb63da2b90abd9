package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// healthCheck is one dependency a component reports on at /healthz.
// A failing fatal check makes the component unavailable (503: it can do
// nothing useful); a failing other check makes it degraded (200: it keeps
// working and catches up, so it must not be restarted for it).
type healthCheck struct {
	name  string
	fatal bool
	check func(context.Context) error
}

// health answers /healthz from its checks, added as the component's parts
// come up. The body names each failing dependency and its error (hosts, not
// secrets: errors never carry tokens or DSN passwords).
type health struct {
	mu     sync.Mutex
	checks []healthCheck
}

func (h *health) add(c healthCheck) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks = append(h.checks, c)
}

func (h *health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var checks []healthCheck
	if h != nil {
		h.mu.Lock()
		checks = append(checks, h.checks...)
		h.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var unavailable, degraded []string
	for _, c := range checks {
		err := c.check(ctx)
		switch {
		case err == nil:
		case c.fatal:
			unavailable = append(unavailable, fmt.Sprintf("%s: %v", c.name, err))
		default:
			degraded = append(degraded, fmt.Sprintf("%s: %v", c.name, err))
		}
	}
	switch {
	case len(unavailable) > 0:
		http.Error(w, "unavailable: "+strings.Join(append(unavailable, degraded...), "; "), http.StatusServiceUnavailable)
	case len(degraded) > 0:
		_, _ = fmt.Fprintf(w, "degraded: %s\n", strings.Join(degraded, "; "))
	default:
		_, _ = w.Write([]byte("ok\n"))
	}
}
