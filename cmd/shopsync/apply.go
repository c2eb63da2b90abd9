package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// applyOptions are the flags of `shopsync apply`.
type applyOptions struct {
	config          string
	dest            string
	once            bool
	inFlight        int
	maxDestinations int
	metricsAddr     string
}

// newApplyCommand applies the pending deltas to the destinations.
func newApplyCommand() *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Apply planned deltas to destinations under the API rate limit",
		Long: `Apply the pending deltas of plan_deltas (DATABASE_URL) to the destination stores
through the Admin GraphQL API, and record every attempt in ClickHouse
(CLICKHOUSE_DSN) through the audit outbox.

One process at a time writes to a destination: the one holding its lease in
destination_leases. Several 'shopsync apply' processes share the destinations;
one that stops leaves its leases to the others once they expire.

Deltas are packed into as few calls as the API allows (inventorySetQuantities
of 250 levels, productVariantsBulkUpdate per product, productSet per product,
several mutations per request) and sent as fast as each store's cost budget
refills, never THROTTLED by shopsync's own spending. A delta Shopify refuses
fails with the reason without holding up the others; 'shopsync status' shows
where each destination stands.

Stores and their access tokens come from --config (the stores and links are
written to the database first). Without --once it keeps applying new deltas
until interrupted.`,
		Example: "  shopsync apply --config shopsync.yaml --once\n" +
			"  shopsync apply --config shopsync.yaml --dest eu",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApply(cmd.Context(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file naming the stores (required: it says where their tokens are)")
	f.StringVar(&o.dest, "dest", "", "apply only to this destination (store name or domain)")
	f.BoolVar(&o.once, "once", false, "apply what is pending now, then stop")
	f.IntVar(&o.inFlight, "in-flight", applier.DefaultConfig().InFlight, "requests kept under way per destination")
	f.IntVar(&o.maxDestinations, "max-destinations", 0, "most destinations this process writes to at once (0: all it can lease)")
	f.StringVar(&o.metricsAddr, "metrics-addr", "", "address serving Prometheus metrics at /metrics (e.g. :"+applierMetricsPort+"; empty: none)")
	return cmd
}

func runApply(ctx context.Context, stderr io.Writer, o applyOptions) error {
	if o.config == "" {
		return errors.New("--config is required: it names the stores and where their access tokens are")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	secrets, err := cfg.ResolveSecrets(nil, nil)
	if err != nil {
		return err
	}

	pcfg, err := pgxpool.ParseConfig(endpoints.Postgres())
	if err != nil {
		return fmt.Errorf("DATABASE_URL %s: %w", schema.Redact(endpoints.Postgres()), err)
	}
	// Per destination: requests' outcomes, a lease renewal and reads, beside
	// the audit flusher.
	pcfg.MaxConns = max(pcfg.MaxConns, int32(4+2*o.inFlight))
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w", schema.Redact(endpoints.Postgres()), err)
	}
	defer pool.Close()
	if _, err := config.Sync(ctx, pool, cfg); err != nil {
		return fmt.Errorf("write the configured stores and links: %w", err)
	}

	reg := newProcessRegistry()
	metrics, err := newApplierMetrics(reg, pool)
	if err != nil {
		return err
	}
	h := &health{}
	h.add(healthCheck{name: "postgres", fatal: true, check: pool.Ping})
	stopMetrics, err := serveMetrics(ctx, o.metricsAddr, reg, h, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()

	acfg := applier.DefaultConfig()
	acfg.InFlight = o.inFlight
	acfg.MaxDestinations = o.maxDestinations
	acfg.Metrics = metrics.applier
	auditCfg := audit.DefaultConfig()
	auditCfg.Metrics = metrics.audit
	mcfg := mirror.DefaultConfig()
	mcfg.Logger = logger
	mcfg.Metrics = metrics.mirror
	m, err := mirror.New(pool, mcfg)
	if err != nil {
		return err
	}
	// The source too: the applier writes to it for orders and two-way
	// inventory (destination sales move its stock).
	ca, err := newConfiguredApplier(applierParts{cfg: cfg, secrets: secrets, pool: pool, mirror: m, applier: acfg,
		audit: auditCfg, observer: applier.NewObserver(metrics.transport), log: logger, only: o.dest})
	if errors.Is(err, errNoApplierStores) {
		if o.dest != "" {
			return fmt.Errorf("--dest %q names no store of %s", o.dest, o.config)
		}
		return fmt.Errorf("%s has no store", o.config)
	}
	if err != nil {
		return err
	}
	// Delivers what this run recorded; rows left over wait in the outbox
	// for the next run.
	defer ca.Close(ctx)
	// Audit rows wait in PostgreSQL while ClickHouse is away: degraded.
	h.add(healthCheck{name: "clickhouse audit", check: func(context.Context) error { return ca.audit.LastError() }})
	a := ca.applier
	if o.once {
		err = a.RunOnce(ctx)
	} else {
		err = a.Run(ctx)
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
