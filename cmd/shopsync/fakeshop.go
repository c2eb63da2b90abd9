package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// fakeshopOptions are the flags of `shopsync fakeshop`.
type fakeshopOptions struct {
	listen    string
	shops     []string
	seed      int64
	locations int
	orders    int
}

// newFakeshopCommand runs the local Shopify Admin API emulator until
// interrupted. Each --shop gets a generated token and app secret, printed at
// start so a developer can point a client (or `shopsync ingest`) at it; the
// secret is what signs that shop's webhooks. A shop given a size is seeded
// with a generated store before the server starts listening.
func newFakeshopCommand() *cobra.Command {
	var opts fakeshopOptions
	cmd := &cobra.Command{
		Use:   "fakeshop",
		Short: "Run the local Shopify Admin API emulator",
		Long: `Run fakeshop, the local emulator of the Shopify Admin GraphQL API (` + adminapi.Version + `).

Each --shop name[:plan[:size]] adds a shop with a generated access token and app
secret, printed at start. plan is STANDARD (the default), ADVANCED or PLUS. size,
when given, seeds the shop with a generated store before serving:
  10000   10,000 products (about 10 variants each, most with few)
  100k    100,000 products (k thousand, m million)
  50kv    50,000 variants in total (a trailing v counts variants; p, products, is the default)
A seeded store has locations with stock, custom and smart collections, pages,
blogs with articles and orders, with the duplicate and blank SKUs and barcodes
real stores have. It depends only on --seed, the shop's name and its size: the
same command seeds the same stores, ids included (each shop's seed mixes its name
into --seed, so two shops differ; tokens and secrets are new each run). The
seeded counts are printed with the shop.

A shop answers at
  POST http://<listen>/shops/<name>/admin/api/` + adminapi.Version + `/graphql.json
or at POST http://<listen>/admin/api/` + adminapi.Version + `/graphql.json with
"Host: <name>.myshopify.com", with header X-Shopify-Access-Token: <token>.`,
		Example: "  shopsync fakeshop --shop source:PLUS --shop dest-eu --shop dest-us:ADVANCED\n" +
			"  shopsync fakeshop --shop source:PLUS:100k --shop dest::1k --seed 7",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
			srv, err := startFakeshop(opts, cmd.OutOrStdout(), log)
			if err != nil {
				return err
			}
			<-cmd.Context().Done()
			log.Info("fakeshop stopping")
			return srv.Close()
		},
	}
	cmd.Flags().StringVar(&opts.listen, "listen", "127.0.0.1:8765", "address to listen on")
	cmd.Flags().StringArrayVar(&opts.shops, "shop", nil, "a shop to emulate, as name[:plan[:size]] (repeatable; plan STANDARD, ADVANCED or PLUS; size e.g. 10000, 100k or 1mv, see above)")
	cmd.Flags().Int64Var(&opts.seed, "seed", 1, "seed of the generated stores")
	cmd.Flags().IntVar(&opts.locations, "locations", fakeshop.DefaultSeedLocations, "locations per seeded shop")
	cmd.Flags().IntVar(&opts.orders, "orders", -1, "orders per seeded shop (-1: products/10 within [20, 10,000]; 0: none)")
	return cmd
}

// startFakeshop adds, seeds and starts the shops the options name and
// prints how to reach each; the caller closes the server.
func startFakeshop(opts fakeshopOptions, out io.Writer, log *slog.Logger) (*fakeshop.Server, error) {
	if len(opts.shops) == 0 {
		return nil, fmt.Errorf("--shop: give at least one shop (name[:plan[:size]])")
	}
	if opts.locations < 0 {
		return nil, fmt.Errorf("--locations %d: cannot be negative", opts.locations)
	}
	srv := fakeshop.New(fakeshop.Options{Logger: log})
	// Seeding builds a large heap that lives as long as the process; the
	// collector's default target makes it re-mark that heap every time it
	// doubles. A higher target while seeding costs some peak memory and
	// saves about a fifth of the CPU on a million variants.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	type seeded struct {
		cfg   fakeshop.SeedConfig
		stats fakeshop.SeedStats
		took  time.Duration
	}
	seeds := map[string]seeded{}
	for _, raw := range opts.shops {
		spec, err := parseShopFlag(raw)
		if err != nil {
			return nil, err
		}
		if srv.Shop(spec.name) != nil {
			return nil, fmt.Errorf("--shop %q: shop %s given twice", raw, spec.name)
		}
		shop := srv.AddShop(fakeshop.ShopConfig{Name: spec.name, Plan: spec.plan})
		if spec.products == 0 && spec.variants == 0 {
			continue
		}
		cfg := fakeshop.SeedConfig{Seed: shopSeed(opts.seed, spec.name), Products: spec.products, Variants: spec.variants,
			Locations: seedCount(opts.locations), Orders: seedCount(opts.orders)}
		if opts.orders < 0 {
			cfg.Orders = 0 // the size's default
		}
		start := time.Now()
		stats, err := fakeshop.Seed(shop, cfg)
		if err != nil {
			return nil, fmt.Errorf("--shop %q: %w", raw, err)
		}
		seeds[spec.name] = seeded{cfg: cfg, stats: stats, took: time.Since(start)}
		log.Info("fakeshop seeded", "shop", spec.name, "products", stats.Products, "variants", stats.Variants, "seconds", time.Since(start).Seconds())
	}
	if err := srv.Start(opts.listen); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "fakeshop listening on %s (Admin API %s)\n", srv.URL(), adminapi.Version)
	for _, sh := range srv.Shops() {
		fmt.Fprintf(out, "shop %s plan=%s\n  url    %s\n  token  %s\n  secret %s\n",
			sh.Domain(), sh.Plan().Name, srv.GraphQLURL(sh.Name()), sh.Token(), sh.Secret())
		if s, ok := seeds[sh.Name()]; ok {
			n := s.stats
			fmt.Fprintf(out, "  seeded seed=%d in %.1fs: %d products (%d active, %d draft, %d archived), %d variants, %d inventory levels at %d locations,\n"+
				"         %d collections (%d custom, %d smart, %d memberships), %d pages, %d blogs, %d articles, %d orders (%d line items),\n"+
				"         SKUs %d duplicate %d blank, barcodes %d duplicate %d blank\n",
				s.cfg.Seed, s.took.Seconds(), n.Products, n.ActiveProducts, n.DraftProducts, n.ArchivedProducts, n.Variants, n.InventoryLevels, n.Locations,
				n.Collections, n.CustomCollections, n.SmartCollections, n.CollectionMemberships, n.Pages, n.Blogs, n.Articles, n.Orders, n.LineItems,
				n.DuplicateSKUs, n.BlankSKUs, n.DuplicateBarcodes, n.BlankBarcodes)
		}
	}
	return srv, nil
}

// shopSeed mixes a shop's name into the command's seed, so that shops seeded
// in one run differ and every run seeds the same ones.
func shopSeed(seed int64, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return seed ^ int64(h.Sum64()>>1)
}

// seedCount maps a flag's count to SeedConfig's: there zero means the
// default, so a flag's zero (none) becomes negative.
func seedCount(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// shopSpec is one parsed --shop value.
type shopSpec struct {
	name               string
	plan               cost.Plan
	products, variants int // both zero: not seeded
}

// parseShopFlag reads one --shop value, name[:plan[:size]].
func parseShopFlag(raw string) (shopSpec, error) {
	parts := strings.Split(raw, ":")
	if len(parts) > 3 {
		return shopSpec{}, fmt.Errorf("--shop %q: want name[:plan[:size]]", raw)
	}
	spec := shopSpec{name: parts[0], plan: cost.Standard}
	if !fakeshop.ValidShopName(spec.name) {
		return shopSpec{}, fmt.Errorf("--shop %q: %q is not a valid shop name (lower-case letters, digits and hyphens)", raw, spec.name)
	}
	if len(parts) > 1 && parts[1] != "" {
		plan, ok := cost.PlanByName(parts[1])
		if !ok {
			return shopSpec{}, fmt.Errorf("--shop %q: unknown plan %q (want STANDARD, ADVANCED or PLUS)", raw, parts[1])
		}
		spec.plan = plan
	}
	if len(parts) > 2 {
		var err error
		spec.products, spec.variants, err = parseSize(parts[2])
		if err != nil {
			return shopSpec{}, fmt.Errorf("--shop %q: %w", raw, err)
		}
	}
	return spec, nil
}

// parseSize reads a store size: a count with an optional k (thousand) or m
// (million), then an optional p (products, the default) or v (variants).
func parseSize(s string) (products, variants int, err error) {
	bad := fmt.Errorf("size %q: want a count such as 10000, 100k or 1mv (k thousand, m million; v counts variants)", s)
	num := strings.ToLower(s)
	unit := byte('p')
	if n := len(num); n > 0 && (num[n-1] == 'p' || num[n-1] == 'v') {
		unit, num = num[n-1], num[:n-1]
	}
	mult := 1
	if n := len(num); n > 0 && (num[n-1] == 'k' || num[n-1] == 'm') {
		mult = map[byte]int{'k': 1_000, 'm': 1_000_000}[num[n-1]]
		num = num[:n-1]
	}
	count, perr := strconv.Atoi(num)
	if perr != nil || count <= 0 || count > 100_000_000/mult {
		return 0, 0, bad
	}
	if unit == 'v' {
		return 0, count * mult, nil
	}
	return count * mult, 0, nil
}
