package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/endpoints"
)

// newStatusCommand shows where every destination stands.
func newStatusCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show pending, applied and failed deltas per destination, lag and API budget",
		Long: `Show, for every destination store in the database (DATABASE_URL): its deltas
pending, applied and failed; the lag (age of the oldest pending delta); which
applier process holds its lease; and its GraphQL cost budget as the applier last
saw it: points available of the bucket, the restore rate, the share of the
budget the applier spent over the last minute, and THROTTLED answers.`,
		Example: "  shopsync status\n  shopsync status --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStatus(cmd.Context(), cmd.OutOrStdout(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per destination")
	return cmd
}

func runStatus(ctx context.Context, out io.Writer, asJSON bool) error {
	pool, err := pgxpool.New(ctx, endpoints.Postgres())
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w", schema.Redact(endpoints.Postgres()), err)
	}
	defer pool.Close()
	st, err := applier.Status(ctx, pool)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(out)
		for _, s := range st {
			if err := enc.Encode(statusJSON(s)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(st) == 0 {
		fmt.Fprintln(out, "no destination stores (shopsync ingest, plan or apply --config writes them)")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DESTINATION\tPENDING\tAPPLIED\tFAILED\tLAG\tWRITER\tBUDGET\tUSED (1 MIN)\tTHROTTLED")
	for _, s := range st {
		lag, writer, budget, used, throttled := "-", "-", "-", "-", "-"
		if s.Pending > 0 {
			lag = s.Lag.Round(time.Second).String()
		}
		if s.Holder != "" {
			writer = s.Holder
		}
		if b := s.Budget; b != nil {
			budget = fmt.Sprintf("%.0f/%.0f +%.0f/s", b.Available, b.Maximum, b.RestoreRate)
			used = fmt.Sprintf("%.0f%%", 100*b.UsedShare)
			throttled = fmt.Sprint(b.Throttled)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", s.Store, s.Pending, s.Applied, s.Failed, lag, writer, budget, used, throttled)
	}
	return tw.Flush()
}

// statusJSON is one destination's status as JSON, durations in seconds.
func statusJSON(s applier.DestinationStatus) map[string]any {
	m := map[string]any{
		"destination": s.Store, "pending": s.Pending, "applied": s.Applied, "failed": s.Failed,
		"superseded": s.Superseded, "lag_seconds": s.Lag.Seconds(), "writer": s.Holder,
	}
	if b := s.Budget; b != nil {
		m["budget"] = map[string]any{
			"maximum_available": b.Maximum, "currently_available": b.Available, "restore_rate": b.RestoreRate,
			"cost_last_minute": b.CostLastMinute, "used_share": b.UsedShare, "requests": b.Requests,
			"throttled": b.Throttled, "observed_at": b.ObservedAt,
		}
	}
	return m
}
