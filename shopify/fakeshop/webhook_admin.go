package fakeshop

import (
	"context"
	"net/http"
	"time"
)

// webhookAdminRoutes serve flush and stats for tools outside the process
// (the demo scripts), which cannot call Server.FlushWebhooks.
func (s *Server) webhookAdminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_fakeshop/webhooks/flush", func(w http.ResponseWriter, r *http.Request) {
		timeout := 30 * time.Second
		if v := r.URL.Query().Get("timeout"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				writeJSON(w, http.StatusBadRequest, adminError{"timeout must be a positive duration such as 10s"})
				return
			}
			timeout = d
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		if err := s.FlushWebhooks(ctx); err != nil {
			writeJSON(w, http.StatusGatewayTimeout, adminError{err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, s.WebhookStats())
	})
	mux.HandleFunc("GET /_fakeshop/webhooks/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.WebhookStats())
	})
}
