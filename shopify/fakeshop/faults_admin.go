package fakeshop

import (
	"encoding/json"
	"io"
	"net/http"
)

// The admin endpoints control the emulator itself; they are not Shopify's
// and need no token (fakeshop is a local test tool):
//
//	GET    /_fakeshop/shops/{shop}/faults   the shop's faults as JSON
//	POST   /_fakeshop/shops/{shop}/faults   replace them (body: JSON, {} clears)
//	DELETE /_fakeshop/shops/{shop}/faults   clear them
//	POST   /_fakeshop/webhooks/flush        wait for deliveries (?timeout=10s)
//	GET    /_fakeshop/webhooks/stats        delivery counters
//
// The faults JSON uses snake_case names and Go duration strings, e.g.
//
//	{"graphql_latency":"200ms","graphql_error_rate":0.1,
//	 "graphql_lost_response_rate":0.05,"graphql_error_statuses":[503],
//	 "webhook_drop_rate":0.1,"webhook_duplicate_rate":0.2,
//	 "webhook_delay_rate":0.3,"webhook_max_delay":"2s",
//	 "webhook_reorder_rate":0.2,"webhook_reorder_window":"1s"}
//
// Unknown names and out-of-range values are a 400 with {"error": "..."}.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_fakeshop/shops/{shop}/faults", func(w http.ResponseWriter, r *http.Request) {
		if shop := s.adminShop(w, r); shop != nil {
			writeJSON(w, http.StatusOK, shop.Faults())
		}
	})
	mux.HandleFunc("POST /_fakeshop/shops/{shop}/faults", func(w http.ResponseWriter, r *http.Request) {
		shop := s.adminShop(w, r)
		if shop == nil {
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, adminError{err.Error()})
			return
		}
		var f Faults
		if err := json.Unmarshal(body, &f); err != nil {
			writeJSON(w, http.StatusBadRequest, adminError{err.Error()})
			return
		}
		if err := shop.SetFaults(f); err != nil {
			writeJSON(w, http.StatusBadRequest, adminError{err.Error()})
			return
		}
		s.log.Info("fakeshop faults set", "shop", shop.name, "faults", string(body))
		writeJSON(w, http.StatusOK, shop.Faults())
	})
	mux.HandleFunc("DELETE /_fakeshop/shops/{shop}/faults", func(w http.ResponseWriter, r *http.Request) {
		if shop := s.adminShop(w, r); shop != nil {
			_ = shop.SetFaults(Faults{})
			w.WriteHeader(http.StatusNoContent)
		}
	})
	s.webhookAdminRoutes(mux)
}

type adminError struct {
	Error string `json:"error"`
}

func (s *Server) adminShop(w http.ResponseWriter, r *http.Request) *Shop {
	shop := s.Shop(r.PathValue("shop"))
	if shop == nil {
		writeJSON(w, http.StatusNotFound, adminError{"unknown shop " + r.PathValue("shop")})
	}
	return shop
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
