package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// newFakeshopCommand runs the local Shopify Admin API emulator until
// interrupted. Each --shop gets a generated token and app secret, printed at
// start so a developer can point a client (or `shopsync ingest`) at it; the
// secret is what signs that shop's webhooks.
func newFakeshopCommand() *cobra.Command {
	var (
		listen string
		shops  []string
	)
	cmd := &cobra.Command{
		Use:   "fakeshop",
		Short: "Run the local Shopify Admin API emulator",
		Long: `Run fakeshop, the local emulator of the Shopify Admin GraphQL API (` + adminapi.Version + `).

Each --shop name[:plan] adds a shop (plan STANDARD, ADVANCED or PLUS; default
STANDARD) with a generated access token and app secret, printed at start. A shop
answers at
  POST http://<listen>/shops/<name>/admin/api/` + adminapi.Version + `/graphql.json
or at POST http://<listen>/admin/api/` + adminapi.Version + `/graphql.json with
"Host: <name>.myshopify.com", with header X-Shopify-Access-Token: <token>.`,
		Example: "  shopsync fakeshop --shop source:PLUS --shop dest-eu --shop dest-us:ADVANCED",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(shops) == 0 {
				return fmt.Errorf("--shop: give at least one shop (name[:plan])")
			}
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
			srv := fakeshop.New(fakeshop.Options{Logger: log})
			for _, spec := range shops {
				name, plan, err := parseShopFlag(spec)
				if err != nil {
					return err
				}
				if srv.Shop(name) != nil {
					return fmt.Errorf("--shop %q: shop %s given twice", spec, name)
				}
				srv.AddShop(fakeshop.ShopConfig{Name: name, Plan: plan})
			}
			if err := srv.Start(listen); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "fakeshop listening on %s (Admin API %s)\n", srv.URL(), adminapi.Version)
			for _, sh := range srv.Shops() {
				fmt.Fprintf(out, "shop %s plan=%s\n  url    %s\n  token  %s\n  secret %s\n",
					sh.Domain(), sh.Plan().Name, srv.GraphQLURL(sh.Name()), sh.Token(), sh.Secret())
			}
			<-cmd.Context().Done()
			log.Info("fakeshop stopping")
			return srv.Close()
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8765", "address to listen on")
	cmd.Flags().StringArrayVar(&shops, "shop", nil, "a shop to emulate, as name[:plan] (repeatable; plan STANDARD, ADVANCED or PLUS)")
	return cmd
}

// parseShopFlag reads one --shop value.
func parseShopFlag(spec string) (string, cost.Plan, error) {
	name, planName, hasPlan := strings.Cut(spec, ":")
	if !fakeshop.ValidShopName(name) {
		return "", cost.Plan{}, fmt.Errorf("--shop %q: %q is not a valid shop name (lower-case letters, digits and hyphens)", spec, name)
	}
	if !hasPlan {
		return name, cost.Standard, nil
	}
	plan, ok := cost.PlanByName(planName)
	if !ok {
		return "", cost.Plan{}, fmt.Errorf("--shop %q: unknown plan %q (want STANDARD, ADVANCED or PLUS)", spec, planName)
	}
	return name, plan, nil
}
