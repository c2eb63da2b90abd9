package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/Khan/genqlient/graphql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/applier/audit"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/transport"
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
	stopMetrics, err := serveMetrics(ctx, o.metricsAddr, reg, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()

	acfg := applier.DefaultConfig()
	acfg.Logger = logger
	acfg.InFlight = o.inFlight
	acfg.MaxDestinations = o.maxDestinations
	acfg.Metrics = metrics.applier
	observer := applier.NewObserver(metrics.transport)
	clients := map[string]graphql.Client{}
	// The source too: the applier writes to it only for a two-way
	// inventory link (destination sales move its stock).
	for _, st := range cfg.Stores {
		if o.dest != "" && o.dest != st.Name && !strings.EqualFold(o.dest, st.Domain) {
			continue
		}
		c, err := client.New(client.Config{ShopDomain: st.Domain, Endpoint: st.Endpoint, Token: secrets[st.Domain].Token.Reveal(),
			Transport: transport.Config{Metrics: observer, Logger: logger}, Logger: logger})
		if err != nil {
			return fmt.Errorf("store %s: %w", st.Name, err)
		}
		clients[st.Domain] = c
		acfg.Destinations = append(acfg.Destinations, st.Domain)
	}
	if len(clients) == 0 {
		if o.dest != "" {
			return fmt.Errorf("--dest %q names no destination of %s", o.dest, o.config)
		}
		return fmt.Errorf("%s has no destination store", o.config)
	}

	chOpts, err := schema.ParseClickHouseDSN(endpoints.ClickHouse())
	if err != nil {
		return fmt.Errorf("CLICKHOUSE_DSN: %w", err)
	}
	ch, err := clickhouse.Open(chOpts)
	if err != nil {
		return fmt.Errorf("connect to ClickHouse at %s: %w", schema.Redact(endpoints.ClickHouse()), err)
	}
	defer ch.Close()
	auditCfg := audit.DefaultConfig()
	auditCfg.Logger = logger
	auditCfg.Metrics = metrics.audit
	aw, err := audit.New(pool, ch, auditCfg)
	if err != nil {
		return err
	}
	defer func() {
		// Deliver what this run recorded; rows left over wait in the outbox
		// for the next run.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := aw.Close(cctx); err != nil {
			logger.Warn("audit rows stay buffered in PostgreSQL until the next run", "err", err)
		}
	}()

	mcfg := mirror.DefaultConfig()
	mcfg.Logger = logger
	mcfg.Metrics = metrics.mirror
	m, err := mirror.New(pool, mcfg)
	if err != nil {
		return err
	}
	a, err := applier.New(applier.Deps{
		DB: pool, Mirror: m, Audit: aw, Observer: observer,
		Clients: func(store string) (graphql.Client, error) {
			c, ok := clients[store]
			if !ok {
				return nil, fmt.Errorf("store %s is not in %s", store, o.config)
			}
			return c, nil
		},
	}, acfg)
	if err != nil {
		return err
	}
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
