package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// The demo's shops: one seeded source and two empty destinations, linked
// with different match keys, price rules and stock locations.
const (
	demoSource = "demo-source"
	demoEU     = "demo-eu"
	demoOutlet = "demo-outlet"
)

// demoConfig is the configuration the demo writes for its shops: the EU
// store matched by handle with a 10 % markup ending in .99, the outlet
// matched by SKU at 20 % off plus 2.00 without compare-at prices; each gets
// the stock of one source location.
const demoConfig = `# Written by 'shopsync demo': fakeshop's shops on {{.URL}}.
# Secrets are in files beside this one.
stores:
  - name: source
    domain: {{.Source}}.myshopify.com
    role: source
    plan: plus
    endpoint: {{endpoint .Source}}
    token_file: {{secret .Source "token"}}
    webhook_secret_file: {{secret .Source "webhook-secret"}}
  - name: eu
    domain: {{.EU}}.myshopify.com
    role: destination
    plan: plus
    endpoint: {{endpoint .EU}}
    token_file: {{secret .EU "token"}}
    webhook_secret_file: {{secret .EU "webhook-secret"}}
  - name: outlet
    domain: {{.Outlet}}.myshopify.com
    role: destination
    plan: plus
    endpoint: {{endpoint .Outlet}}
    token_file: {{secret .Outlet "token"}}
    webhook_secret_file: {{secret .Outlet "webhook-secret"}}
links:
  - source: source
    destination: eu
    match_key: handle
    price:
      markup_percent: 10
      round_to: 0.99
      compare_at: scale
    delete_policy: archive
    inventory:
      mode: one_way
      location_map:
        Main Warehouse: EU Warehouse
    content: {collections: false, pages: false, blogs: false}
    orders: {enabled: false}
  - source: source
    destination: outlet
    match_key: sku
    price:
      markup_percent: -20
      add_amount: 2.00
      compare_at: clear
    delete_policy: unpublish
    inventory:
      mode: one_way
      location_map:
        East Coast Fulfilment: Outlet Store
    content: {collections: false, pages: false, blogs: false}
    orders: {enabled: false}
`

// demoShops starts fakeshop with the demo's shops: the source seeded with
// products (deterministically, from seed), the destinations empty but for a
// location each.
func demoShops(listen string, products int, seed int64, log *slog.Logger) (*fakeshop.Server, fakeshop.SeedStats, error) {
	// Filling two destinations makes ~28 webhooks per product created (the
	// product, and its variants' items and levels), faster than one
	// receiver on a small machine takes them in: Shopify keeps every
	// delivery, so the demo's emulator holds up to 300,000 per shop (a few
	// hundred MB at most) rather than its default 10,000, and delivers 16 at
	// a time per shop, as Shopify delivers many at once.
	srv := fakeshop.New(fakeshop.Options{Logger: log, Webhooks: fakeshop.WebhookOptions{QueueSize: 300_000, Workers: 16}})
	src := srv.AddShop(fakeshop.ShopConfig{Name: demoSource, Plan: cost.Plus})
	stats, err := fakeshop.Seed(src, fakeshop.SeedConfig{Seed: shopSeed(seed, demoSource), Products: products})
	if err != nil {
		return nil, stats, fmt.Errorf("seed %s: %w", demoSource, err)
	}
	for name, loc := range map[string]string{demoEU: "EU Warehouse", demoOutlet: "Outlet Store"} {
		sh := srv.AddShop(fakeshop.ShopConfig{Name: name, Plan: cost.Plus})
		if _, err := sh.CreateLocation(fakeshop.LocationInput{Name: loc}); err != nil {
			return nil, stats, fmt.Errorf("%s: create location %s: %w", name, loc, err)
		}
	}
	if err := srv.Start(listen); err != nil {
		return nil, stats, err
	}
	return srv, stats, nil
}

// subscribeDemoWebhooks subscribes every shop to the topics shopsync follows,
// delivered to the pipeline's receiver at addr, as an installed app would be.
func subscribeDemoWebhooks(srv *fakeshop.Server, addr string) error {
	for _, sh := range srv.Shops() {
		for topic, info := range webhooks.Topics {
			if info.Family == "" && topic != "app/uninstalled" {
				continue
			}
			enum := strings.ToUpper(strings.ReplaceAll(topic, "/", "_"))
			if _, err := sh.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: enum, URI: "http://" + addr + webhooks.Path}); err != nil {
				return fmt.Errorf("%s: subscribe %s: %w", sh.Name(), topic, err)
			}
		}
	}
	return nil
}

// demoState is what `shopsync demo` leaves in its state directory for the
// commands run beside it (demo edit, demo verify).
type demoState struct {
	Config      string            `json:"config"`
	FakeshopURL string            `json:"fakeshop_url"`
	Endpoints   map[string]string `json:"endpoints"` // shop name → GraphQL URL
	Postgres    string            `json:"database_url"`
	ClickHouse  string            `json:"clickhouse_dsn"`
	Database    string            `json:"database"`
}

// writeDemoFiles writes the shops' secrets, the configuration and the
// state file into dir; it returns the state.
func writeDemoFiles(dir string, srv *fakeshop.Server, db demoDatabases) (demoState, error) {
	secrets := filepath.Join(dir, "secrets")
	if err := os.MkdirAll(secrets, 0o700); err != nil {
		return demoState{}, err
	}
	st := demoState{Config: filepath.Join(dir, "shopsync.yaml"), FakeshopURL: srv.URL(), Endpoints: map[string]string{},
		Postgres: db.postgres, ClickHouse: db.clickhouse, Database: db.name}
	for _, sh := range srv.Shops() {
		st.Endpoints[sh.Name()] = srv.GraphQLURL(sh.Name())
		for kind, v := range map[string]string{"token": sh.Token(), "webhook-secret": sh.Secret()} {
			if err := os.WriteFile(filepath.Join(secrets, sh.Name()+"."+kind), []byte(v+"\n"), 0o600); err != nil {
				return demoState{}, err
			}
		}
	}
	absSecrets, err := filepath.Abs(secrets)
	if err != nil {
		return demoState{}, err
	}
	tmpl := template.Must(template.New("config").Funcs(template.FuncMap{
		"endpoint": srv.GraphQLURL,
		"secret":   func(shop, kind string) string { return filepath.Join(absSecrets, shop+"."+kind) },
	}).Parse(demoConfig))
	var b strings.Builder
	if err := tmpl.Execute(&b, map[string]any{
		"URL": srv.URL(), "Source": demoSource, "EU": demoEU, "Outlet": demoOutlet,
	}); err != nil {
		return demoState{}, err
	}
	if err := os.WriteFile(st.Config, []byte(b.String()), 0o600); err != nil {
		return demoState{}, err
	}
	js, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return demoState{}, err
	}
	return st, os.WriteFile(filepath.Join(dir, "demo.json"), js, 0o600)
}

// readDemoState reads the state a running demo left in dir.
func readDemoState(dir string) (demoState, error) {
	var st demoState
	b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
	if err != nil {
		return st, fmt.Errorf("no demo state in %s (is 'shopsync demo' running? see --state-dir): %w", dir, err)
	}
	return st, json.Unmarshal(b, &st)
}
