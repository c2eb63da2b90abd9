package ingest

import (
	"fmt"
	"net/http"
	"time"
)

// health answers /healthz. PostgreSQL unreachable is 503: nothing can be
// mirrored or stored. Kafka unreachable is 200 with "degraded": webhooks are
// still stored and applied and the changes wait in the outbox until the
// relay can publish them, so the process must not be restarted for it. The
// body says which, with the error (which names hosts, never secrets).
func (s *Service) health(w http.ResponseWriter, r *http.Request) {
	if err := s.pool.Ping(r.Context()); err != nil {
		http.Error(w, "unavailable: postgres unreachable", http.StatusServiceUnavailable)
		return
	}
	if s.relay != nil {
		if err, since := s.relay.Health(); err != nil {
			_, _ = fmt.Fprintf(w, "degraded: kafka: relay cannot publish for %s, changes wait in the outbox: %v\n",
				time.Since(since).Round(time.Second), err)
			return
		}
	}
	_, _ = w.Write([]byte("ok\n"))
}
