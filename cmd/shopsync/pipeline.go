package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/ingest"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/transport"
)

// pipelineConfig is what runPipeline runs: ingest, planner and applier of
// one configuration in one process.
type pipelineConfig struct {
	Config  *config.Config
	Secrets config.Secrets
	// Listen serves webhooks (/webhooks), /metrics and /healthz.
	Listen string
	// Brokers are Kafka's; TopicPrefix and GroupID name the change topics
	// and the planners' consumer group (defaults: schema/events' and the
	// planner's).
	Brokers     []string
	TopicPrefix string
	GroupID     string
	// PlanEvery spaces full plans; ReconcileEvery and SnapshotEvery are
	// ingest's intervals.
	PlanEvery, ReconcileEvery, SnapshotEvery time.Duration
	// InFlight is the applier's requests under way per destination.
	InFlight int
	// ApplierPoll is how often an idle applier looks for new deltas (0: the
	// applier's default).
	ApplierPoll time.Duration
	Registry    *prometheus.Registry
	Progress    snapshot.Progress
	Logger      *slog.Logger
	// Started, when set, is called with the HTTP address once ingest
	// listens.
	Started func(addr string)
}

// plannedFamilies are the families the planner plans from: it starts once
// every store's start snapshot of them is complete, so that it never plans
// from a half-mirrored destination (which would create what exists).
var plannedFamilies = []events.Family{events.Products, events.Inventory}

// runPipeline runs ingest, the planner (Kafka consumer and periodic full
// plan) and the applier until ctx ends or one of them fails, then stops them
// all. Every component's collectors are registered on pc.Registry, served
// with ingest's /metrics.
func runPipeline(ctx context.Context, pc pipelineConfig) error {
	log := pc.Logger
	pools := map[string]*pgxpool.Pool{}
	defer func() {
		for _, p := range pools {
			p.Close()
		}
	}()
	newPool := func(name string, minConns int32) (*pgxpool.Pool, error) {
		pcfg, err := pgxpool.ParseConfig(endpoints.Postgres())
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL %s: %w", schema.Redact(endpoints.Postgres()), err)
		}
		pcfg.MaxConns = max(pcfg.MaxConns, minConns)
		pool, err := pgxpool.NewWithConfig(ctx, pcfg)
		if err != nil {
			return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", schema.Redact(endpoints.Postgres()), err)
		}
		pools[name] = pool
		return pool, nil
	}
	// One pool per component, as when each runs alone: the applier's
	// outcomes never wait behind a snapshot's merge for a connection.
	ingestPool, err := newPool("ingest", 4)
	if err != nil {
		return err
	}
	// The planner's: a full plan's links (3 at once), the consumer's plans
	// of every link and family at once (planner/consumer.go), and the
	// statistics keeper, without one waiting for another's connection.
	planPool, err := newPool("planner", 10)
	if err != nil {
		return err
	}
	applyPool, err := newPool("applier", int32(4+2*pc.InFlight))
	if err != nil {
		return err
	}
	if _, err := config.Sync(ctx, ingestPool, pc.Config); err != nil {
		return fmt.Errorf("write the configured stores and links: %w", err)
	}

	reg := pc.Registry
	tm, err := transport.NewPrometheusMetrics(reg)
	if err != nil {
		return err
	}
	observer := applier.NewObserver(tm)
	stores, err := configuredIngestStores(pc.Config, pc.Secrets, "", transport.Config{Metrics: tm, Logger: log}, log)
	if err != nil {
		return err
	}
	prefix := pc.TopicPrefix
	if prefix == "" {
		prefix = events.TopicPrefix
	}
	relay := mirror.DefaultRelayConfig(pc.Brokers)
	relay.TopicPrefix = prefix
	svc, err := ingest.New(ingestPool, ingest.Config{
		Stores: stores, Listen: pc.Listen, Relay: &relay, Registry: reg, Logger: log, Progress: pc.Progress,
		ReconcileInterval: pc.ReconcileEvery, SnapshotInterval: pc.SnapshotEvery,
	})
	if err != nil {
		return err
	}

	pm, err := planner.NewMetrics(reg)
	if err != nil {
		return err
	}
	p := planner.New(planPool, planner.WithLogger(log), planner.WithMetrics(pm))
	var topics []string
	for _, f := range plannedFamilies {
		topics = append(topics, prefix+string(f))
	}
	ccfg := planner.ConsumerConfig{Brokers: pc.Brokers, GroupID: pc.GroupID, Topics: topics}
	consumer, err := planner.NewConsumer(p, ccfg)
	if err != nil {
		return err
	}

	am, err := applier.NewMetrics(reg)
	if err != nil {
		return err
	}
	auditMetrics, err := audit.NewMetrics(reg)
	if err != nil {
		return err
	}
	for _, c := range []prometheus.Collector{newStatusCollector(applyPool), applier.NewInventoryCollector(applyPool)} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	acfg := applier.DefaultConfig()
	acfg.InFlight, acfg.Metrics = pc.InFlight, am
	if pc.ApplierPoll > 0 {
		acfg.Poll = pc.ApplierPoll
	}
	auditCfg := audit.DefaultConfig()
	auditCfg.Metrics = auditMetrics
	// The applier shares ingest's mirror (and so its metrics): both write
	// the destinations' rows through the same code.
	pa, err := newConfiguredApplier(applierParts{cfg: pc.Config, secrets: pc.Secrets, pool: applyPool, mirror: svc.Mirror(),
		applier: acfg, audit: auditCfg, observer: observer, log: log})
	if err != nil {
		return err
	}
	defer pa.Close(ctx)

	domains := make([]string, 0, len(pc.Config.Stores))
	for _, st := range pc.Config.Stores {
		domains = append(domains, st.Domain)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return quiet(svc.Run(gctx)) })
	if pc.Started != nil {
		g.Go(func() error {
			if addr, ok := svc.Addr(gctx); ok {
				pc.Started(addr)
			}
			return nil
		})
	}
	g.Go(func() error { return quiet(pa.applier.Run(gctx)) })
	g.Go(func() error {
		if err := waitStartSnapshots(gctx, ingestPool, domains, log); err != nil {
			return quiet(err)
		}
		log.Info("start snapshots complete: planning")
		if err := resolveLinkLocations(gctx, planPool, log); err != nil {
			return quiet(err)
		}
		if err := analyzeMirror(gctx, planPool); err != nil {
			return quiet(err)
		}
		// One full plan before the change events: the events of the start
		// snapshots then find their deltas already pending, instead of two
		// plans of the same keys racing each other. The events in Kafka
		// before it began are what it planned: the consumer skips them
		// (thousands after a snapshot), so that live changes do not queue
		// behind them.
		covered, err := planner.EndOffsets(gctx, pc.Brokers, topics)
		if err != nil {
			log.Warn("planner: the consumer replans the events before the first full plan", "err", err)
		}
		if r, err := p.Plan(gctx, planner.Options{}); err != nil {
			log.Error("planner: first full plan failed (the periodic plan tries again)", "err", err)
		} else {
			for _, l := range r.Links {
				log.Info("planner: first full plan", "destination", l.Destination, "planned", planner.Total(l.Planned),
					"conflicts", l.ConflictCount, "duration", r.Duration)
			}
			ccfg.Covered = covered
			if consumer, err = planner.NewConsumer(p, ccfg); err != nil {
				return err
			}
		}
		pg, pctx := errgroup.WithContext(gctx)
		pg.Go(func() error { return quiet(consumer.Run(pctx)) })
		pg.Go(func() error {
			select { // RunPeriodic plans at once: the first plan was just made
			case <-pctx.Done():
				return nil
			case <-time.After(pc.PlanEvery):
			}
			return quiet(p.RunPeriodic(pctx, pc.PlanEvery))
		})
		return pg.Wait()
	})
	err = g.Wait()
	if ctx.Err() != nil {
		return nil // stopped (Ctrl-C): unfinished work resumes on the next start
	}
	return err
}

// quiet maps cancellation to nil: a component stopped because the pipeline
// stops is not an error.
func quiet(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// waitStartSnapshots waits until every store has a completed snapshot of the
// planned families and none is under way.
func waitStartSnapshots(ctx context.Context, pool *pgxpool.Pool, stores []string, log *slog.Logger) error {
	families := make([]string, len(plannedFamilies))
	for i, f := range plannedFamilies {
		families[i] = string(f)
	}
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	lastLog := time.Now()
	for {
		var waiting []string
		err := pool.QueryRow(ctx, `
			SELECT coalesce(array_agg(s.store || ' ' || f.family ORDER BY s.store, f.family), '{}')
			FROM unnest($1::text[]) s (store) CROSS JOIN unnest($2::text[]) f (family)
			WHERE NOT EXISTS (SELECT 1 FROM ingest_runs r WHERE r.store = s.store AND r.family = f.family
			                    AND r.kind = 'snapshot' AND r.status = 'completed')
			   OR EXISTS (SELECT 1 FROM ingest_runs r WHERE r.store = s.store AND r.family = f.family
			                AND r.kind = 'snapshot' AND r.status IN ('pending', 'running', 'loading'))`,
			stores, families).Scan(&waiting)
		if err != nil {
			return fmt.Errorf("read the start snapshots' state: %w", err)
		}
		if len(waiting) == 0 {
			return nil
		}
		if time.Since(lastLog) > 30*time.Second {
			log.Info("planner waits for start snapshots", "waiting", waiting)
			lastLog = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// resolveLinkLocations maps the links' location names to the GIDs the
// mirror now knows (at configuration time the locations were not mirrored
// yet); entries still unresolved are logged, and their stock not synced.
func resolveLinkLocations(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("resolve link locations: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	unresolved, err := config.ResolveLocations(ctx, tx)
	if err != nil {
		return err
	}
	for _, u := range unresolved {
		log.Warn("link location not resolved: its stock is not synced", "link", u.LinkID, "source", u.SourceRef,
			"destination", u.DestinationRef, "reason", u.Reason)
	}
	return tx.Commit(ctx)
}

// mirrorTables are the tables the planner's joins read.
const mirrorTables = "products, variants, inventory_items, inventory_levels, locations, id_map, plan_deltas, link_locations"

// analyzeMirror refreshes the statistics of the tables the planner joins.
// Tables a start snapshot just filled may not have been analyzed yet
// (autovacuum analyzes at most once a naptime, later on a busy server), and
// a join planned over an "empty" table picks nested loops that take minutes.
func analyzeMirror(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, "ANALYZE "+mirrorTables); err != nil {
		return fmt.Errorf("analyze the mirror's tables: %w", err)
	}
	return nil
}
