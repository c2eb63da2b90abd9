package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/shopify/transport"
)

// Default listen addresses of the components' /metrics, the ports the
// deploy/ manifests and the Prometheus scrape configuration use. ingest
// serves its metrics beside the webhooks (--listen, :8080).
const (
	plannerMetricsPort = "8081"
	applierMetricsPort = "8082"
)

// applierMetrics are the collectors `shopsync apply` records in.
type applierMetrics struct {
	applier   *applier.Metrics
	audit     *audit.Metrics
	transport *transport.PrometheusMetrics
	mirror    *mirror.Metrics
}

// newApplierMetrics registers the applier's, the audit writer's, the Shopify
// transport's and the mirror's collectors with reg, and the collector of
// where each destination stands (pending deltas, lag, last seen budget),
// read from db at scrape time.
func newApplierMetrics(reg prometheus.Registerer, db *pgxpool.Pool) (applierMetrics, error) {
	var m applierMetrics
	var err error
	if m.applier, err = applier.NewMetrics(reg); err != nil {
		return m, err
	}
	if m.audit, err = audit.NewMetrics(reg); err != nil {
		return m, err
	}
	if m.transport, err = transport.NewPrometheusMetrics(reg); err != nil {
		return m, err
	}
	if m.mirror, err = mirror.NewMetrics(reg); err != nil {
		return m, err
	}
	if err = reg.Register(newStatusCollector(db)); err != nil {
		return m, err
	}
	if err = reg.Register(applier.NewInventoryCollector(db)); err != nil {
		return m, err
	}
	return m, nil
}

// newPlannerMetrics registers the planner's collectors with reg.
func newPlannerMetrics(reg prometheus.Registerer) (*planner.Metrics, error) {
	return planner.NewMetrics(reg)
}

// newProcessRegistry is a registry with the Go runtime's and the process's
// collectors, which every component serves beside its own.
func newProcessRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return reg
}

// serveMetrics serves reg at /metrics (and h at /healthz; nil: always ok)
// on addr until ctx is done. An empty addr serves nothing. The listener is bound before it
// returns, so a port in use fails the command at start.
func serveMetrics(ctx context.Context, addr string, reg *prometheus.Registry, h *health, logger *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/healthz", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	logger.Info("serving metrics", "addr", ln.Addr().String(), "path", "/metrics")
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return func() {
		close(stopped)
		<-done
	}, nil
}
