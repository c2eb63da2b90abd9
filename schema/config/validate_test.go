package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// base is a small valid configuration; each case breaks one thing in it.
const base = `
stores:
  - name: main
    domain: main.myshopify.com
    role: source
    token_env: MAIN_TOKEN
    webhook_secret_env: MAIN_WEBHOOK_SECRET
  - name: eu
    domain: eu.myshopify.com
    role: destination
    token_file: /run/secrets/eu-token
    webhook_secret_file: /run/secrets/eu-webhook
  - name: us
    domain: us.myshopify.com
    role: destination
    token_env: US_TOKEN
    webhook_secret_env: US_WEBHOOK_SECRET
links:
  - source: main
    destination: eu
    inventory:
      mode: one_way
      location_map:
        gid://shopify/Location/1: gid://shopify/Location/2
        Main hall: EU hall
  - source: main
    destination: us
`

func parseBase(t *testing.T) *Config {
	t.Helper()
	cfg, err := Parse([]byte(base))
	require.NoError(t, err)
	return cfg
}

// fieldErrors are the FieldErrors joined in err.
func fieldErrors(t *testing.T, err error) []*FieldError {
	t.Helper()
	require.Error(t, err)
	joined, ok := err.(interface{ Unwrap() []error })
	require.Truef(t, ok, "%T is not a joined error: %v", err, err)
	var out []*FieldError
	for _, e := range joined.Unwrap() {
		var fe *FieldError
		require.Truef(t, errors.As(e, &fe), "%T is not a *FieldError: %v", e, e)
		out = append(out, fe)
	}
	return out
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(*Config)
		path   string
		msg    string
	}{
		{"no stores", func(c *Config) { c.Stores, c.Links = nil, nil }, "stores", "no stores: one source and at least one destination are needed"},
		{"no source", func(c *Config) { c.Stores[0].Role = RoleDestination; c.Links = nil }, "stores", "no store has role source: exactly one is needed"},
		{"second source", func(c *Config) { c.Stores[2].Role = RoleSource; c.Links = c.Links[:1] }, "stores[2].role", "stores[0] is already the source: there is exactly one source store"},
		{"role", func(c *Config) { c.Stores[1].Role = "both" }, "stores[1].role", `"both" is not one of source, destination`},
		{"name missing", func(c *Config) { c.Stores[2].Name = ""; c.Links = c.Links[:1] }, "stores[2].name", "required: links refer to the store by it"},
		{"name syntax", func(c *Config) { c.Stores[2].Name = "US Store"; c.Links = c.Links[:1] }, "stores[2].name", `"US Store" must be lower case letters, digits, - and _`},
		{"name twice", func(c *Config) { c.Stores[2].Name = "eu"; c.Links = c.Links[:1] }, "stores[2].name", `"eu" is also the name of stores[1]`},
		{"domain missing", func(c *Config) { c.Stores[1].Domain = "" }, "stores[1].domain", "required: the store's *.myshopify.com domain"},
		{"domain not myshopify", func(c *Config) { c.Stores[1].Domain = "shop.example.com" }, "stores[1].domain", `"shop.example.com" is not a *.myshopify.com domain`},
		{"domain twice (two roles)", func(c *Config) { c.Stores[1].Domain = "main.myshopify.com" }, "stores[1].domain", `"main.myshopify.com" is also the domain of stores[0]: a store is listed once and has one role`},
		{"plan", func(c *Config) { c.Stores[0].Plan = "gold" }, "stores[0].plan", `"gold" is not one of standard, advanced, plus, enterprise`},
		{"endpoint", func(c *Config) { c.Stores[0].Endpoint = "localhost:8080" }, "stores[0].endpoint", `"localhost:8080" is not an http(s) URL`},
		{"token missing", func(c *Config) { c.Stores[0].TokenEnv = "" }, "stores[0].token_env", "required (or token_file): where the store's token comes from"},
		{"token twice", func(c *Config) { c.Stores[1].TokenEnv = "EU_TOKEN" }, "stores[1].token_file", "set token_env or token_file, not both"},
		{"token env name", func(c *Config) { c.Stores[0].TokenEnv = "MAIN-TOKEN" }, "stores[0].token_env", `"MAIN-TOKEN" is not an environment variable name`},
		{"literal token", func(c *Config) { c.Stores[0].LiteralToken.Present = true }, "stores[0].token", "secrets must not be written in the configuration file: name an environment variable (token_env) or a file (token_file) instead"},
		{"webhook secret missing", func(c *Config) { c.Stores[2].WebhookSecretEnv = "" }, "stores[2].webhook_secret_env", "required (or webhook_secret_file): where the store's webhook secret comes from"},
		{"literal webhook secret", func(c *Config) { c.Stores[2].LiteralWebhookSecret.Present = true }, "stores[2].webhook_secret", "secrets must not be written in the configuration file"},
		{"previous webhook secret twice", func(c *Config) {
			c.Stores[2].PreviousWebhookSecretEnv, c.Stores[2].PreviousWebhookSecretFile = "A", "/b"
		}, "stores[2].previous_webhook_secret_file", "set previous_webhook_secret_env or previous_webhook_secret_file, not both"},
		{"link source missing", func(c *Config) { c.Links[1].Source = "" }, "links[1].source", "required: the name of the source store"},
		{"link source unknown", func(c *Config) { c.Links[1].Source = "mian" }, "links[1].source", `"mian" is not the name of a store (stores are main, eu, us)`},
		{"link from a destination", func(c *Config) { c.Links[1].Source = "eu" }, "links[1].source", `"eu" is a destination: links run from the source store, main`},
		{"link destination missing", func(c *Config) { c.Links[1].Destination = "" }, "links[1].destination", "required: the name of a destination store"},
		{"link destination unknown", func(c *Config) { c.Links[1].Destination = "uk" }, "links[1].destination", `"uk" is not the name of a store (stores are main, eu, us)`},
		{"link to the source", func(c *Config) { c.Links[1].Destination = "main" }, "links[1].destination", `"main" is a source: links run to destination stores`},
		{"destination with two links", func(c *Config) { c.Links[1].Destination = "eu" }, "links[1].destination", `"eu" already has a link (links[0]): a destination has one source and one link`},
		{"match key", func(c *Config) { c.Links[0].MatchKey = "ean" }, "links[0].match_key", `"ean" is not one of handle, sku, barcode`},
		{"currency factor zero", func(c *Config) { c.Links[0].Price.CurrencyFactor = "0" }, "links[0].price.currency_factor", `"0" must be above 0`},
		{"currency factor text", func(c *Config) { c.Links[0].Price.CurrencyFactor = "1,08" }, "links[0].price.currency_factor", `"1,08" is not a decimal number`},
		{"markup -100", func(c *Config) { c.Links[1].Price.MarkupPercent = "-100" }, "links[1].price.markup_percent", `"-100" must be above -100`},
		{"markup decimals", func(c *Config) { c.Links[1].Price.MarkupPercent = "1.12345678901" }, "links[1].price.markup_percent", `"1.12345678901" has more than 10 decimals`},
		{"add amount", func(c *Config) { c.Links[1].Price.AddAmount = "2 EUR" }, "links[1].price.add_amount", `"2 EUR" is not a decimal number`},
		{"round_to text", func(c *Config) { c.Links[1].Price.RoundTo = "up" }, "links[1].price.round_to", `"up" is neither none nor an ending such as 0.99`},
		{"round_to negative", func(c *Config) { c.Links[1].Price.RoundTo = "-0.01" }, "links[1].price.round_to", `"-0.01" is negative`},
		{"round_to decimals", func(c *Config) { c.Links[1].Price.RoundTo = "0.999" }, "links[1].price.round_to", `"0.999" has more than 2 decimals`},
		{"compare_at", func(c *Config) { c.Links[1].Price.CompareAt = "drop" }, "links[1].price.compare_at", `"drop" is not one of keep, scale, clear`},
		{"unknown field", func(c *Config) { c.Links[0].Fields["colour"] = PolicySync }, "links[0].fields.colour", `"colour" is not a product field (title, description, vendor, product_type, tags, images, options, status, seo, metafields)`},
		{"field policy", func(c *Config) { c.Links[0].Fields[FieldTags] = "merge" }, "links[0].fields.tags", `"merge" is not one of sync, create_only, ignore`},
		{"delete policy", func(c *Config) { c.Links[0].DeletePolicy = "ignore" }, "links[0].delete_policy", `"ignore" is not one of none, unpublish, archive, delete`},
		{"inventory mode", func(c *Config) { c.Links[0].Inventory.Mode = "both" }, "links[0].inventory.mode", `"both" is not one of none, one_way, two_way`},
		{"inventory without locations", func(c *Config) { c.Links[1].Inventory.Mode = InventoryTwoWay }, "links[1].inventory.location_map", "required when mode is two_way"},
		{"location map not one to one", func(c *Config) {
			c.Links[0].Inventory.LocationMap["Side hall"] = "EU hall"
		}, `links[0].inventory.location_map["Side hall"]`, `destination location "EU hall" is already mapped from "Main hall": the map is one to one`},
		{"location GID", func(c *Config) {
			c.Links[0].Inventory.LocationMap["gid://shopify/Location/1"] = "gid://shopify/Product/2"
		}, `links[0].inventory.location_map["gid://shopify/Location/1"]`, `destination location "gid://shopify/Product/2" is not a location GID`},
		{"location empty", func(c *Config) {
			c.Links[0].Inventory.LocationMap[""] = "x"
		}, `links[0].inventory.location_map[""]`, "source location is empty: give a location GID or name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parseBase(t)
			tc.break_(cfg)
			errs := fieldErrors(t, cfg.Validate())
			require.Lenf(t, errs, 1, "one problem, one error: %v", errs)
			require.Equal(t, tc.path, errs[0].Path)
			require.Contains(t, errs[0].Msg, tc.msg)
			require.Contains(t, errs[0].Error(), tc.path+": ", "the message starts with the field")
			require.Positive(t, errs[0].Line, "a parsed file gives the line")
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	cfg := parseBase(t)
	cfg.Stores[0].Plan = "gold"
	cfg.Links[0].MatchKey = "ean"
	cfg.Links[1].Price.RoundTo = "up"
	errs := fieldErrors(t, cfg.Validate())
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	require.Equal(t, []string{"stores[0].plan", "links[0].match_key", "links[1].price.round_to"}, paths)
}

func TestValidateConfigBuiltInGo(t *testing.T) {
	src, dst := DefaultStore(), DefaultStore()
	src.Name, src.Domain, src.Role, src.TokenEnv, src.WebhookSecretEnv = "main", "main.myshopify.com", RoleSource, "T", "W"
	dst.Name, dst.Domain, dst.Role, dst.TokenEnv, dst.WebhookSecretEnv = "eu", "eu.myshopify.com", RoleDestination, "T2", "W2"
	l := DefaultLink()
	l.Source, l.Destination = "main", "eu"
	cfg := &Config{Stores: []Store{src, dst}, Links: []Link{l}}
	require.NoError(t, cfg.Validate())

	cfg.Links[0].MatchKey = "ean"
	errs := fieldErrors(t, cfg.Validate())
	require.Len(t, errs, 1)
	require.Zero(t, errs[0].Line, "no file, no line")
	require.Equal(t, `links[0].match_key: "ean" is not one of handle, sku, barcode`, errs[0].Error())
}
