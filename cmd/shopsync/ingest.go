package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/ingest"
	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/transport"
)

// ingestOptions are the flags of `shopsync ingest`.
type ingestOptions struct {
	config         string
	store          string
	full, once     bool
	listen         string
	reconcileEvery time.Duration
	snapshotEvery  time.Duration
	families       []string
	noRelay        bool
	spillDir       string
	// One store without a configuration file.
	shop, endpoint, tokenEnv, secretEnv, role string
}

// newIngestCommand mirrors the configured stores into PostgreSQL and keeps
// them mirrored until interrupted.
func newIngestCommand() *cobra.Command {
	var o ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Mirror stores into PostgreSQL from bulk snapshots, webhooks and reconciliation",
		Long: `Mirror the stores of the configuration file into PostgreSQL (DATABASE_URL) and
keep them mirrored until interrupted.

At start, every resource family of a store that was never completely mirrored
(or whose snapshot was left unfinished) is read by a bulk query, streamed into
the mirror and checked; --full reads every family again. An interrupted
snapshot resumes on the next start: it waits on the same bulk operation, or
reloads its result. Then:
  - webhooks are received on --listen at /webhooks (HMAC-checked, stored, then
    applied to the mirror), with Prometheus metrics at /metrics;
  - a reconcile pass every --reconcile-interval reads what changed since the
    last one (the only incremental path for pages, blogs and articles, which
    have no webhooks);
  - a full snapshot every --snapshot-interval catches deletions whose webhooks
    were lost;
  - every mirror change is published to Kafka (KAFKA_BROKERS, or the local
    broker 'make services' starts); while Kafka is down changes wait in the
    outbox.
On a terminal each snapshot shows a progress bar; otherwise progress is logged
as JSON lines. Ctrl-C stops cleanly: unfinished work resumes on the next start.

Stores come from --config (the stores are also written to the database, as
'shopsync plan' reads them), or, for one store without a file, from --shop,
--endpoint, --token-env and --webhook-secret-env.`,
		Example: "  shopsync ingest --config shopsync.yaml\n" +
			"  shopsync ingest --config shopsync.yaml --store source --full --once\n" +
			"  SHOP_TOKEN=shpat_... shopsync ingest --shop acme.myshopify.com --token-env SHOP_TOKEN --listen :8080",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runIngest(cmd.Context(), cmd.ErrOrStderr(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file (YAML) naming the stores and links")
	f.StringVar(&o.store, "store", "", "ingest only this store of the configuration (its name or domain)")
	f.BoolVar(&o.full, "full", false, "take a full snapshot of every family at start, even of those mirrored before")
	f.BoolVar(&o.once, "once", false, "stop once the start's snapshots are done")
	f.StringVar(&o.listen, "listen", ":8080", "address for webhooks (/webhooks) and metrics (/metrics); empty serves none")
	f.DurationVar(&o.reconcileEvery, "reconcile-interval", 10*time.Minute, "time between reconcile passes (0: none)")
	f.DurationVar(&o.snapshotEvery, "snapshot-interval", 24*time.Hour, "time between full snapshots (0: none)")
	f.StringSliceVar(&o.families, "family", nil, "resource families to mirror (products, inventory, collections, content, orders); default all")
	f.BoolVar(&o.noRelay, "no-relay", false, "do not publish mirror changes to Kafka (they wait in the outbox)")
	f.StringVar(&o.spillDir, "spill-dir", "", "directory for bulk records that arrive before their parent (default the system's temporary directory)")
	f.StringVar(&o.shop, "shop", "", "without --config: the store's *.myshopify.com domain")
	f.StringVar(&o.endpoint, "endpoint", "", "without --config: the Admin API GraphQL URL (default Shopify's for --shop; for fakeshop http://<listen>/shops/<name>/admin/api/2026-01/graphql.json)")
	f.StringVar(&o.tokenEnv, "token-env", "", "without --config: environment variable holding the access token")
	f.StringVar(&o.secretEnv, "webhook-secret-env", "", "without --config: environment variable holding the webhook secret")
	f.StringVar(&o.role, "role", "source", "without --config: the store's role, source or destination")
	return cmd
}

func runIngest(ctx context.Context, stderr io.Writer, o ingestOptions) error {
	families, err := snapshot.ParseFamilies(o.families)
	if err != nil {
		return err
	}
	logger, progress, wait := ingestOutput(ctx, stderr)
	defer wait()

	pool, err := pgxpool.New(ctx, endpoints.Postgres())
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w", schema.Redact(endpoints.Postgres()), err)
	}
	defer pool.Close()

	stores, err := ingestStores(ctx, pool, o, logger)
	if err != nil {
		return err
	}
	cfg := ingest.Config{
		Stores: stores, Families: families, Full: o.full, Once: o.once, Listen: o.listen,
		ReconcileInterval: o.reconcileEvery, SnapshotInterval: o.snapshotEvery,
		Snapshot: snapshot.Config{SpillDir: o.spillDir}, Progress: progress, Logger: logger,
	}
	if o.once {
		cfg.Listen = ""
	}
	if !o.noRelay {
		brokers, ok := endpoints.KafkaBrokers()
		if !ok {
			brokers = endpoints.LocalKafkaBrokers()
		}
		relay := mirror.DefaultRelayConfig(brokers)
		cfg.Relay = &relay
	}
	svc, err := ingest.New(pool, cfg)
	if err != nil {
		return err
	}
	err = svc.Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// ingestOutput is where progress and logs go: on a terminal, bars on stderr
// and only warnings logged (as text, which would otherwise tear the bars);
// otherwise JSON log lines, progress included.
func ingestOutput(ctx context.Context, stderr io.Writer) (*slog.Logger, snapshot.Progress, func()) {
	if f, ok := stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			logger := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelWarn}))
			bars := snapshot.NewBars(ctx, f)
			return logger, bars, bars.Wait
		}
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return logger, snapshot.NewLogProgress(logger), func() {}
}

// ingestStores builds the stores to ingest: from the configuration file
// (whose stores and links are synced into the database first), or from the
// single-store flags.
func ingestStores(ctx context.Context, pool *pgxpool.Pool, o ingestOptions, logger *slog.Logger) ([]ingest.Store, error) {
	if o.config == "" {
		if o.shop == "" || o.tokenEnv == "" {
			return nil, errors.New("give --config, or --shop and --token-env for a single store")
		}
		token := os.Getenv(o.tokenEnv)
		if token == "" {
			return nil, fmt.Errorf("environment variable %s (--token-env) is not set or empty", o.tokenEnv)
		}
		var secrets []string
		if o.secretEnv != "" {
			s := os.Getenv(o.secretEnv)
			if s == "" {
				return nil, fmt.Errorf("environment variable %s (--webhook-secret-env) is not set or empty", o.secretEnv)
			}
			secrets = []string{s}
		}
		domain := strings.ToLower(o.shop)
		c, err := newStoreClient(domain, o.endpoint, token, logger)
		if err != nil {
			return nil, err
		}
		return []ingest.Store{{Domain: domain, Role: o.role, Client: c, WebhookSecrets: secrets}}, nil
	}

	cfg, err := config.Load(o.config)
	if err != nil {
		return nil, err
	}
	secrets, err := cfg.ResolveSecrets(nil, nil)
	if err != nil {
		return nil, err
	}
	if _, err := config.Sync(ctx, pool, cfg); err != nil {
		return nil, fmt.Errorf("write the configured stores and links: %w", err)
	}
	out, err := configuredIngestStores(cfg, secrets, o.store, transport.Config{}, logger)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--store %q names no store of %s", o.store, o.config)
	}
	return out, nil
}

// configuredIngestStores builds the ingest stores of a configuration (only
// the one named by only, a name or domain, when given), their clients
// configured by tc.
func configuredIngestStores(cfg *config.Config, secrets config.Secrets, only string, tc transport.Config, logger *slog.Logger) ([]ingest.Store, error) {
	var out []ingest.Store
	for _, st := range cfg.Stores {
		if only != "" && only != st.Name && !strings.EqualFold(only, st.Domain) {
			continue
		}
		sec := secrets[st.Domain]
		c, err := client.New(client.Config{ShopDomain: st.Domain, Endpoint: st.Endpoint, Token: sec.Token.Reveal(), Transport: tc, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", st.Name, err)
		}
		ws := []string{sec.WebhookSecret.Reveal()}
		if !sec.PreviousWebhookSecret.IsZero() {
			ws = append(ws, sec.PreviousWebhookSecret.Reveal())
		}
		out = append(out, ingest.Store{Domain: st.Domain, Client: c, WebhookSecrets: ws})
	}
	return out, nil
}

// newStoreClient is a client of one store. Its cost budget starts as the
// smallest plan's and follows what the shop's answers report (the
// transport's process-wide registry), so a store's plan need not be known.
func newStoreClient(domain, endpoint, token string, logger *slog.Logger) (*client.Client, error) {
	return client.New(client.Config{ShopDomain: domain, Endpoint: endpoint, Token: token, Logger: logger})
}
