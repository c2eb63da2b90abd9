package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/mirror/kafkabroker"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// runOptions are the flags of `shopsync run`.
type runOptions struct {
	config         string
	listen         string
	planEvery      time.Duration
	reconcileEvery time.Duration
	snapshotEvery  time.Duration
	inFlight       int
}

// newRunCommand runs the whole pipeline in one process.
func newRunCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the whole pipeline in one process: ingest, plan and apply",
		Long: `Run ingest, the planner and the applier of the configuration's stores in one
process, until interrupted (Ctrl-C, SIGTERM), which stops all three cleanly:
unfinished snapshots resume, unplanned changes wait in Kafka, pending deltas
wait in the plan table.

  ingest   mirrors every store (start snapshots, webhooks on --listen at
           /webhooks, reconcile passes, periodic snapshots) and publishes the
           mirror's changes to Kafka, as 'shopsync ingest' does;
  planner  plans the change events as they come, and every store's links in
           full every --plan-interval, as 'shopsync plan --watch' does; it
           starts once every store's start snapshot of products and
           inventory is complete, so it never plans from a half-mirrored
           destination;
  applier  writes the pending deltas to the destinations and audits them in
           ClickHouse, as 'shopsync apply' does.

Each component also runs alone (shopsync ingest, plan --watch, apply), so that
they scale apart. --listen serves webhooks, Prometheus metrics of all three
components at /metrics, and /healthz.

Kafka is KAFKA_BROKERS; when it is unset an embedded in-process broker is
started (its events are lost when the process stops, and the periodic full
plan converges anyway).`,
		Example: "  shopsync run --config shopsync.yaml\n" +
			"  shopsync run --config shopsync.yaml --listen :8080 --plan-interval 1m",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRun(cmd.Context(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file naming the stores and links (required)")
	f.StringVar(&o.listen, "listen", ":8080", "address for webhooks (/webhooks), metrics (/metrics) and /healthz")
	f.DurationVar(&o.planEvery, "plan-interval", 5*time.Minute, "time between full plans")
	f.DurationVar(&o.reconcileEvery, "reconcile-interval", 10*time.Minute, "time between ingest's reconcile passes (0: none)")
	f.DurationVar(&o.snapshotEvery, "snapshot-interval", 24*time.Hour, "time between full snapshots (0: none)")
	f.IntVar(&o.inFlight, "in-flight", applier.DefaultConfig().InFlight, "applier requests kept under way per destination")
	return cmd
}

func runRun(ctx context.Context, stderr io.Writer, o runOptions) error {
	if o.config == "" {
		return errors.New("--config is required: it names the stores, their links and where their access tokens are")
	}
	if o.listen == "" {
		return errors.New("--listen is required: webhooks, /metrics and /healthz are served there")
	}
	if o.planEvery <= 0 {
		return errors.New("--plan-interval must be positive")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	secrets, err := cfg.ResolveSecrets(nil, nil)
	if err != nil {
		return err
	}
	logger, progress, wait := ingestOutput(ctx, stderr)
	defer wait()
	brokers, err := runBrokers(ctx, logger)
	if err != nil {
		return err
	}
	return runPipeline(ctx, pipelineConfig{
		Config: cfg, Secrets: secrets, Listen: o.listen, Brokers: brokers,
		PlanEvery: o.planEvery, ReconcileEvery: o.reconcileEvery, SnapshotEvery: o.snapshotEvery,
		InFlight: o.inFlight, Registry: newProcessRegistry(), Progress: progress, Logger: logger,
		Started: func(addr string) {
			logger.Info("shopsync run: serving webhooks, /metrics and /healthz", "addr", addr)
		},
	})
}

// runBrokers is KAFKA_BROKERS, or an embedded broker started for the
// process's lifetime (it stops with ctx).
func runBrokers(ctx context.Context, logger *slog.Logger) ([]string, error) {
	if b, ok := endpoints.KafkaBrokers(); ok {
		return b, nil
	}
	kb, err := kafkabroker.Start(ctx)
	if err != nil {
		return nil, err
	}
	logger.Warn("KAFKA_BROKERS is unset: using an embedded in-memory Kafka broker (events do not survive a restart)", "addrs", kb.Addrs())
	return kb.Addrs(), nil
}
