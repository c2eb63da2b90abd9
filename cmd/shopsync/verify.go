package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/cmd/shopsync/verify"
	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/schema/config"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/shopify/client"
)

// verifyOptions are the flags of `shopsync verify`.
type verifyOptions struct {
	config     string
	dest       string
	json       bool
	limit      int
	mirrorOnly bool
}

// errDrift is verify's error when it found drift: the exit status is then
// non-zero, after the report.
var errDrift = errors.New("drift found")

// newVerifyCommand compares the source with its destinations.
func newVerifyCommand() *cobra.Command {
	var o verifyOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Compare the source with each destination, field by field, and report drift",
		Long: `Compare the source store with each destination (or --dest) the way a
migration tool's verifier does: every source product with its twin, field by
field, after the link's rules, through two paths:

  mirror  both stores as the PostgreSQL mirror (DATABASE_URL) holds them;
  api     both stores as they are, read through the Admin API with a bulk
          query (needs --config, which says where the tokens are).

Products pair as the planner pairs them (id_map, else the link's match key);
products the planner holds back for an ambiguous match key (plan_conflicts)
are counted as held, not compared. Compared: title, description, vendor,
product type, tags and status (the fields whose policy is sync); each
variant's price and compare-at price after the link's price rule, SKU and
barcode; the available stock at every mapped location when the link syncs
inventory; and missing or extra products and variants.

The exit status is 1 when any drift is found, 0 when none.`,
		Example: "  shopsync verify --config shopsync.yaml\n" +
			"  shopsync verify --config shopsync.yaml --dest eu --json\n" +
			"  shopsync verify --mirror-only",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration file naming the stores (their endpoints and tokens, for the API path)")
	f.StringVar(&o.dest, "dest", "", "verify only this destination (store name with --config, or domain)")
	f.BoolVar(&o.json, "json", false, "print JSON lines: a summary per destination, then every drift")
	f.IntVar(&o.limit, "limit", 20, "drift lines printed per destination in text (0: all)")
	f.BoolVar(&o.mirrorOnly, "mirror-only", false, "compare through the mirror only, even with --config")
	return cmd
}

func runVerify(ctx context.Context, out io.Writer, o verifyOptions) error {
	r, err := verifyStores(ctx, o)
	if err != nil {
		return err
	}
	if o.json {
		if err := printVerifyJSON(out, r); err != nil {
			return err
		}
	} else {
		printVerifyText(out, r, o.limit)
	}
	if r.DriftCount() > 0 {
		return fmt.Errorf("%w: %d difference(s)", errDrift, r.DriftCount())
	}
	return nil
}

// verifyStores runs the verification o asks for.
func verifyStores(ctx context.Context, o verifyOptions) (*verify.Result, error) {
	dest := strings.ToLower(o.dest)
	var clients map[string]*client.Client
	if o.config != "" {
		cfg, err := config.Load(o.config)
		if err != nil {
			return nil, err
		}
		if st := cfg.Store(o.dest); st != nil {
			dest = st.Domain
		}
		if !o.mirrorOnly {
			secrets, err := cfg.ResolveSecrets(nil, nil)
			if err != nil {
				return nil, err
			}
			clients = map[string]*client.Client{}
			quiet := slog.New(slog.DiscardHandler)
			for _, st := range cfg.Stores {
				c, err := client.New(client.Config{ShopDomain: st.Domain, Endpoint: st.Endpoint, Token: secrets[st.Domain].Token.Reveal(), Logger: quiet})
				if err != nil {
					return nil, fmt.Errorf("store %s: %w", st.Name, err)
				}
				clients[st.Domain] = c
			}
		}
	}
	pool, err := pgxpool.New(ctx, endpoints.Postgres())
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", schema.Redact(endpoints.Postgres()), err)
	}
	defer pool.Close()
	return verify.Run(ctx, pool, verify.Options{Destination: dest, Clients: clients})
}

func printVerifyText(out io.Writer, r *verify.Result, limit int) {
	for i, l := range r.Links {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "%s <- %s (link %d, match by %s)\n", l.Destination, l.Source, l.LinkID, l.MatchKey)
		byVia := map[string]int{}
		for _, d := range l.Drift {
			byVia[d.Via]++
		}
		line := func(via string, c *verify.Counts) {
			if c == nil {
				fmt.Fprintf(out, "  via %-6s not checked (give --config to read the stores through the Admin API)\n", via)
				return
			}
			verdict := "no drift"
			if n := byVia[via]; n > 0 {
				verdict = fmt.Sprintf("%d difference(s)", n)
			}
			fmt.Fprintf(out, "  via %-6s %d products, %d variants, %d stock levels compared, %d held back by conflicts: %s\n",
				via, c.Products, c.Variants, c.Levels, c.Held, verdict)
		}
		line("mirror", l.Mirror)
		line("api", l.API)
		if len(l.Drift) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  VIA\tRESOURCE\tKEY\tFIELD\tWANT\tGOT")
		for j, d := range l.Drift {
			if limit > 0 && j == limit {
				fmt.Fprintf(tw, "  ...\t\t%d more\t\t\t\n", len(l.Drift)-limit)
				break
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", d.Via, d.Resource, d.Key, d.Field, clip(d.Want), clip(d.Got))
		}
		_ = tw.Flush()
	}
	if n := r.DriftCount(); n == 0 {
		fmt.Fprintln(out, "\nverify: no drift")
	} else {
		fmt.Fprintf(out, "\nverify: %d difference(s)\n", n)
	}
}

// clip shortens a value for a table cell (descriptions are long).
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

func printVerifyJSON(out io.Writer, r *verify.Result) error {
	enc := json.NewEncoder(out)
	for _, l := range r.Links {
		if err := enc.Encode(struct {
			Kind string `json:"kind"`
			verify.LinkResult
			DriftCount int `json:"drift"`
		}{"summary", l, len(l.Drift)}); err != nil {
			return err
		}
		for _, d := range l.Drift {
			if err := enc.Encode(struct {
				Kind string `json:"kind"`
				verify.Drift
			}{"drift", d}); err != nil {
				return err
			}
		}
	}
	return nil
}
