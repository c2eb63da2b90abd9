package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// planOptions are the flags of `shopsync plan`.
type planOptions struct {
	config string
	dest   string
	dryRun bool
	json   bool
	limit  int
	watch  bool
	every  time.Duration
	// metricsAddr serves Prometheus metrics while --watch runs.
	metricsAddr string
}

// newPlanCommand plans the deltas of every link, or prints what it would
// plan.
func newPlanCommand() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Compute per-destination deltas with SQL joins over the mirror",
		Long: `Compute what each destination lacks, with set-based SQL over the PostgreSQL
mirror (DATABASE_URL): the source's products joined to each destination's
through id_map and the link's match key (handle, SKU or barcode), after the
link's price rule, field policies, delete policy and inventory mode. The
deltas go to plan_deltas for 'shopsync apply'; a newer delta for an object
supersedes its pending one, and a destination in sync gets none.

Ambiguities are not guessed: duplicate or blank match keys on either side, and
products whose variants match several products, are listed as conflicts (table
plan_conflicts) and their products are left alone.

--dry-run prints what would change (counts by operation, then the deltas and
conflicts) and writes nothing. --watch keeps planning: the change events on
Kafka (KAFKA_BROKERS) are planned as they come, and a full plan runs every
--every to converge whatever the events missed.

Links come from the database, as 'shopsync ingest --config' wrote them; with
--config the file's stores and links are written first.`,
		Example: "  shopsync plan --dry-run\n" +
			"  shopsync plan --dry-run --dest eu-store.myshopify.com --json\n" +
			"  shopsync plan --config shopsync.yaml\n" +
			"  shopsync plan --watch --every 10m",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file whose stores and links are written to the database first")
	f.StringVar(&o.dest, "dest", "", "plan only the link to this destination (domain, or store name with --config)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would change and write nothing")
	f.BoolVar(&o.json, "json", false, "print JSON lines (a summary per destination, then every delta and conflict)")
	f.IntVar(&o.limit, "limit", 50, "deltas and conflicts printed per destination in text (0: all)")
	f.BoolVar(&o.watch, "watch", false, "keep planning: change events from Kafka, and a full plan every --every")
	f.DurationVar(&o.every, "every", 5*time.Minute, "with --watch, how often the full plan runs")
	f.StringVar(&o.metricsAddr, "metrics-addr", "", "with --watch, address serving Prometheus metrics at /metrics (e.g. :"+plannerMetricsPort+"; empty: none)")
	return cmd
}

func runPlan(ctx context.Context, out, errOut io.Writer, o planOptions) error {
	if o.watch && o.dryRun {
		return fmt.Errorf("--watch and --dry-run exclude each other")
	}
	pool, err := pgxpool.New(ctx, endpoints.Postgres())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", schema.Redact(endpoints.Postgres()), err)
	}
	defer pool.Close()
	dest := strings.ToLower(o.dest)
	if o.config != "" {
		cfg, err := config.Load(o.config)
		if err != nil {
			return err
		}
		if _, err := config.Sync(ctx, pool, cfg); err != nil {
			return fmt.Errorf("write the configured stores and links: %w", err)
		}
		if st := cfg.Store(o.dest); st != nil {
			dest = st.Domain
		}
	}
	logger := slog.New(slog.NewJSONHandler(errOut, nil))
	if o.watch {
		reg := newProcessRegistry()
		pm, err := newPlannerMetrics(reg)
		if err != nil {
			return err
		}
		h := &health{}
		h.add(healthCheck{name: "postgres", fatal: true, check: pool.Ping})
		stop, err := serveMetrics(ctx, o.metricsAddr, reg, h, logger)
		if err != nil {
			return err
		}
		defer stop()
		return watchPlan(ctx, planner.New(pool, planner.WithLogger(logger), planner.WithMetrics(pm)), o.every)
	}
	p := planner.New(pool, planner.WithLogger(logger))
	r, err := p.Plan(ctx, planner.Options{Destination: dest, DryRun: o.dryRun})
	if r != nil {
		if o.json {
			if werr := printPlanJSON(out, r); werr != nil {
				return werr
			}
		} else {
			printPlanText(out, r, o.limit)
		}
	}
	return err
}

// watchPlan runs the consumer and the periodic full plan until ctx is done.
func watchPlan(ctx context.Context, p *planner.Planner, every time.Duration) error {
	c, err := planner.NewConsumer(p, planner.ConsumerConfig{Brokers: endpoints.LocalKafkaBrokers()})
	if err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return c.Run(ctx) })
	g.Go(func() error { return p.RunPeriodic(ctx, every) })
	return g.Wait()
}

// opOrder is the order operations are listed in.
var opOrder = []string{"create", "update", "archive", "unpublish", "delete", "set_inventory", "adjust_inventory",
	"create_order", "cancel_order"}

func sortedOps(m map[string]int) []string {
	ops := make([]string, 0, len(m))
	for op := range m {
		ops = append(ops, op)
	}
	slices.SortFunc(ops, func(a, b string) int {
		ia, ib := slices.Index(opOrder, a), slices.Index(opOrder, b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	return ops
}

func printPlanText(out io.Writer, r *planner.Result, limit int) {
	verb := "planned"
	if r.DryRun {
		verb = "would change (dry run, nothing written)"
	}
	fmt.Fprintf(out, "plan %s: %d link(s) in %s\n", r.RunID, len(r.Links), r.Duration.Round(time.Millisecond))
	for _, l := range r.Links {
		fmt.Fprintf(out, "\n%s (link %d, match by %s): %d %s, %d conflict(s)\n",
			l.Destination, l.ID, l.MatchKey, planner.Total(l.Planned), verb, l.ConflictCount)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, op := range sortedOps(l.Planned) {
			fmt.Fprintf(tw, "  %s\t%d\n", op, l.Planned[op])
		}
		if !r.DryRun {
			fmt.Fprintf(tw, "  new pending\t%d\n", planner.Total(l.Inserted))
			fmt.Fprintf(tw, "  superseded\t%d\n", l.Superseded)
		}
		_ = tw.Flush()
		if len(l.Deltas) == 0 && len(l.Conflicts) == 0 {
			continue
		}
		fmt.Fprintln(out)
		tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  OPERATION\tRESOURCE\tKEY\tREASON")
		for i, d := range l.Deltas {
			if limit > 0 && i == limit {
				fmt.Fprintf(tw, "  ...\t\t%d more\t\n", len(l.Deltas)-limit)
				break
			}
			reason := d.Reason
			if d.Pending {
				reason += " (already pending)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", d.Operation, d.Resource, d.Key, reason)
		}
		for i, c := range l.Conflicts {
			if limit > 0 && i == limit {
				fmt.Fprintf(tw, "  ...\t\t%d more conflicts\t\n", len(l.Conflicts)-limit)
				break
			}
			fmt.Fprintf(tw, "  conflict\t%s\t%s\t%s %s: %s\n", c.Resource, c.Key, c.Side, c.Reason, strings.Join(c.GIDs, ", "))
		}
		_ = tw.Flush()
	}
}

// planLine is one line of --json output.
type planLine struct {
	Kind        string `json:"kind"` // summary, delta or conflict
	RunID       string `json:"run_id"`
	DryRun      bool   `json:"dry_run"`
	LinkID      int64  `json:"link_id"`
	Destination string `json:"destination"`
	// summary
	MatchKey   string         `json:"match_key,omitempty"`
	Planned    map[string]int `json:"planned,omitempty"`
	Inserted   map[string]int `json:"inserted,omitempty"`
	Superseded *int           `json:"superseded,omitempty"`
	Conflicts  *int           `json:"conflicts,omitempty"`
	// delta or conflict
	*planner.Delta    `json:",omitempty"`
	*planner.Conflict `json:"conflict,omitempty"`
}

func printPlanJSON(out io.Writer, r *planner.Result) error {
	enc := json.NewEncoder(out)
	for _, l := range r.Links {
		base := planLine{RunID: r.RunID, DryRun: r.DryRun, LinkID: l.ID, Destination: l.Destination}
		s := base
		s.Kind, s.MatchKey, s.Planned, s.Inserted = "summary", l.MatchKey, l.Planned, l.Inserted
		s.Superseded, s.Conflicts = &l.Superseded, &l.ConflictCount
		if err := enc.Encode(s); err != nil {
			return err
		}
		for i := range l.Deltas {
			d := base
			d.Kind, d.Delta = "delta", &l.Deltas[i]
			if err := enc.Encode(d); err != nil {
				return err
			}
		}
		for i := range l.Conflicts {
			c := base
			c.Kind, c.Conflict = "conflict", &l.Conflicts[i]
			if err := enc.Encode(c); err != nil {
				return err
			}
		}
	}
	return nil
}
