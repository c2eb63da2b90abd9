package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopsync/shopsync/ingest/apply"
	"github.com/shopsync/shopsync/ingest/reconcile"
	"github.com/shopsync/shopsync/ingest/runs"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/mirror"
)

// Service mirrors its stores and keeps them mirrored: for each store it
// takes the snapshots the store needs at start, then runs reconcile passes
// and periodic snapshots on their intervals; beside them it serves the
// webhook endpoint, applies stored deliveries, and relays the mirror's
// changes to Kafka. Run it with Run.
type Service struct {
	pool       *pgxpool.Pool
	cfg        Config
	log        *slog.Logger
	mirror     *mirror.Mirror
	runs       *runs.Store
	runner     *snapshot.Runner
	reconciler *reconcile.Reconciler
	processor  *webhooks.Processor
	receiver   *webhooks.Receiver // nil without Listen
	relay      *mirror.Relay      // nil without Relay

	listening chan string // the HTTP server's address, once bound

	mu          sync.Mutex
	stopStore   map[string]context.CancelFunc
	uninstalled map[string]bool
}

// New builds a Service on pool, whose database has shopsync's migrations.
func New(pool *pgxpool.Pool, cfg Config) (*Service, error) {
	if pool == nil {
		return nil, errors.New("ingest: New needs a pool")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Service{pool: pool, cfg: cfg, log: cfg.Logger, runs: runs.NewStore(pool), listening: make(chan string, 1),
		stopStore: map[string]context.CancelFunc{}, uninstalled: map[string]bool{}}
	reg := cfg.Registry

	mm, err := mirror.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	runMetrics, err := runs.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	snapMetrics, err := snapshot.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	rcMetrics, err := reconcile.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	whMetrics, err := webhooks.NewMetrics(reg)
	if err != nil {
		return nil, err
	}

	mcfg := cfg.Mirror
	mcfg.Metrics, mcfg.Logger = mm, cfg.Logger
	if s.mirror, err = mirror.New(pool, mcfg); err != nil {
		return nil, err
	}
	scfg := cfg.Snapshot
	scfg.Families, scfg.Metrics, scfg.RunMetrics, scfg.Logger = cfg.Families, snapMetrics, runMetrics, cfg.Logger
	scfg.Progress = cfg.Progress
	if scfg.Progress == nil {
		scfg.Progress = snapshot.NewLogProgress(cfg.Logger)
	}
	if s.runner, err = snapshot.NewRunner(pool, snapshot.MirrorLoader{Mirror: s.mirror}, scfg); err != nil {
		return nil, err
	}
	if s.reconciler, err = reconcile.New(pool, reconcile.MirrorSink{Mirror: s.mirror}, reconcile.Config{
		Families: cfg.Families, Logger: cfg.Logger, Metrics: rcMetrics, RunMetrics: runMetrics,
	}); err != nil {
		return nil, err
	}
	applier := apply.New(s.mirror, cfg.Logger)
	applier.OnUninstalled = s.storeUninstalled
	pcfg := cfg.Processor
	pcfg.Logger, pcfg.Metrics = cfg.Logger, whMetrics
	if s.processor, err = webhooks.NewProcessor(pool, applier, pcfg); err != nil {
		return nil, err
	}
	if cfg.Listen != "" {
		secrets := map[string][]string{}
		for _, st := range cfg.Stores {
			if len(st.WebhookSecrets) > 0 {
				secrets[st.Domain] = st.WebhookSecrets
			}
		}
		ss, err := webhooks.NewStaticSecrets(secrets)
		if err != nil {
			return nil, err
		}
		rcfg := cfg.Receiver
		rcfg.Logger, rcfg.Metrics = cfg.Logger, whMetrics
		if s.receiver, err = webhooks.NewReceiver(pool, ss, rcfg); err != nil {
			return nil, err
		}
	}
	if cfg.Relay != nil {
		rc := *cfg.Relay
		rc.Metrics, rc.Logger = mm, cfg.Logger
		if s.relay, err = mirror.NewRelay(pool, rc); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Addr waits until Run's HTTP server listens and returns its address
// (useful with Listen ":0"); ok is false if ctx ends first.
func (s *Service) Addr(ctx context.Context) (addr string, ok bool) {
	select {
	case a := <-s.listening:
		s.listening <- a
		return a, true
	case <-ctx.Done():
		return "", false
	}
}

// Mirror is the service's mirror.
func (s *Service) Mirror() *mirror.Mirror { return s.mirror }

// Run runs the service until ctx ends (or, with Once, until the start's
// snapshots are done), then stops everything and returns. In-flight runs
// stay active in ingest_runs and resume on the next start; stored webhook
// deliveries wait in the inbox; unpublished changes wait in the outbox.
func (s *Service) Run(ctx context.Context) error {
	if err := s.registerStores(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var srv *http.Server
	if s.cfg.Listen != "" {
		ln, err := net.Listen("tcp", s.cfg.Listen)
		if err != nil {
			return fmt.Errorf("ingest: listen on %s: %w", s.cfg.Listen, err)
		}
		srv = &http.Server{Handler: s.handler(), ReadHeaderTimeout: 5 * time.Second}
		s.listening <- ln.Addr().String()
		s.log.Info("serving webhooks and metrics", "addr", ln.Addr().String(), "webhooks", webhooks.Path)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("HTTP server stopped", "error", err.Error())
				cancel()
			}
		}()
	}

	var bg sync.WaitGroup
	bg.Go(func() { _ = s.processor.Run(ctx) })
	if s.relay != nil {
		bg.Go(func() { _ = s.relay.Run(ctx) })
	}

	var stores sync.WaitGroup
	errs := make([]error, len(s.cfg.Stores))
	for i, st := range s.cfg.Stores {
		stores.Go(func() { errs[i] = s.runStore(ctx, st) })
	}
	if s.cfg.Once {
		stores.Wait()
	} else {
		<-ctx.Done()
	}
	cancel()
	if srv != nil {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = srv.Shutdown(sctx)
		scancel()
	}
	stores.Wait()
	bg.Wait()
	return errors.Join(errs...)
}

func (s *Service) handler() http.Handler {
	mux := http.NewServeMux()
	if s.receiver != nil {
		mux.Handle(webhooks.Path, s.receiver)
	}
	mux.Handle("/metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", s.health)
	return mux
}

// registerStores adds the stores with a Role that the database lacks.
func (s *Service) registerStores(ctx context.Context) error {
	for _, st := range s.cfg.Stores {
		if st.Role == "" {
			continue
		}
		if _, err := s.pool.Exec(ctx, `INSERT INTO stores (domain, role) VALUES ($1, $2) ON CONFLICT (domain) DO NOTHING`,
			st.Domain, st.Role); err != nil {
			return fmt.Errorf("ingest: register store %s: %w", st.Domain, err)
		}
	}
	return nil
}

// storeUninstalled stops a store's loop: its token no longer works.
func (s *Service) storeUninstalled(store string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uninstalled[store] = true
	if stop := s.stopStore[store]; stop != nil {
		stop()
	}
}

func (s *Service) storeContext(ctx context.Context, store string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uninstalled[store] {
		cancel()
	}
	s.stopStore[store] = cancel
	return ctx, cancel
}
