package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExampleLoadsAndValidates(t *testing.T) {
	cfg, err := Load(examplePath)
	require.NoError(t, err)
	require.Len(t, cfg.Stores, 3)
	require.Equal(t, "main", cfg.Source().Name)
	require.Len(t, cfg.Links, 2)
	require.NotEqual(t, cfg.Links[0].MatchKey, cfg.Links[1].MatchKey, "the example shows two match keys")
	require.NotEqual(t, cfg.Links[0].Price, cfg.Links[1].Price, "and two price rules")
	for _, s := range cfg.Stores {
		require.NotEmpty(t, s.TokenEnv, "secrets come from the environment")
		require.NotEmpty(t, s.WebhookSecretEnv)
	}
}

func TestLoadFillsDefaultsAndNormalises(t *testing.T) {
	cfg, err := Parse([]byte(`
stores:
  - {name: main, domain: Main.MyShopify.com, role: source, token_env: A, webhook_secret_env: B}
  - {name: eu, domain: eu.myshopify.com, role: destination, token_env: C, webhook_secret_env: D}
links:
  - source: main
    destination: eu
    fields: {description: create-only}
    inventory: {mode: two-way, location_map: {a: b}}
`))
	require.NoError(t, err)
	require.Equal(t, "main.myshopify.com", cfg.Stores[0].Domain, "domains are lower-cased")
	require.Equal(t, PlanStandard, cfg.Stores[0].Plan)
	l := cfg.Links[0]
	require.Equal(t, InventoryTwoWay, l.Inventory.Mode, `"two-way" is accepted for two_way`)
	require.Equal(t, PolicyCreateOnly, l.Fields[FieldDescription], `"create-only" is accepted for create_only`)
	want := DefaultLink()
	want.Source, want.Destination = "main", "eu"
	want.Fields[FieldDescription] = PolicyCreateOnly
	want.Inventory = Inventory{Mode: InventoryTwoWay, LocationMap: map[string]string{"a": "b"}}
	require.Equal(t, want, l, "everything else is the default")
}

func TestLoadKeepsDecimalsAsWritten(t *testing.T) {
	cfg, err := Parse([]byte(strings.Replace(base, "    destination: us\n", `    destination: us
    price: {currency_factor: 1.10, markup_percent: "7.50", add_amount: -0.1, round_to: 0.90}
`, 1)))
	require.NoError(t, err)
	require.Equal(t, PriceRule{CurrencyFactor: "1.10", MarkupPercent: "7.50", AddAmount: "-0.1", RoundTo: "0.90", CompareAt: CompareAtScale}, cfg.Links[1].Price)
}

func TestLoadYAMLErrorsGiveLineAndKey(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		path, msg string
	}{
		{"unknown key", "stores:\n  - name: main\n    colour: red\n", 3, "stores[0].colour", `unknown key "colour"`},
		{"unknown nested key", "links:\n  - source: main\n    price:\n      markup: 10\n", 4, "links[0].price.markup", `unknown key "markup"`},
		{"unknown top-level key", "store:\n  - name: main\n", 1, "store", `unknown key "store"`},
		{"key twice", "stores:\n  - name: main\n    name: eu\n", 3, "", `mapping key "name" already defined at [2:5]`},
		{"list for a string", "stores:\n  - name: [main]\n", 2, "stores[0].name", "expected a string, not a list"},
		{"mapping for a number", "links:\n  - price: {markup_percent: {a: 1}}\n", 2, "links[0].price.markup_percent", "expected a number"},
		{"syntax", "stores: [\n", 1, "", "sequence end token ']' not found"},
		{"not a mapping", "- 1\n", 1, "", "sequence was used where mapping is expected"},
		{"tag", "stores: !!map {}\n", 1, "stores", "YAML tags such as !!map are not used in this file"},
		{"second document", "stores: []\n---\nlinks: []\n", 3, "", "a second YAML document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src))
			var ye *YAMLError
			require.ErrorAs(t, err, &ye)
			require.Equal(t, tc.line, ye.Line, err.Error())
			require.Positive(t, ye.Column)
			if tc.path != "" {
				require.Equal(t, tc.path, ye.Path)
			}
			require.Contains(t, ye.Msg, tc.msg)
			require.NotContains(t, err.Error(), "\n", "one line, without the library's source excerpt")
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shopsync.yaml")
	require.NoError(t, os.WriteFile(path, []byte("stores:\n  - nmae: main\n"), 0o600))
	_, err := Load(path)
	require.EqualError(t, err, path+`:2:5: stores[0].nmae: unknown key "nmae"`)

	require.NoError(t, os.WriteFile(path, []byte("stores:\n  - name: main\n"), 0o600))
	_, err = Load(path)
	require.ErrorContains(t, err, "config "+path+": ")
	require.ErrorContains(t, err, "stores[0].domain: required")

	_, err = Load(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadRefusesHugeFile(t *testing.T) {
	_, err := Parse([]byte(strings.Repeat("#", MaxFileSize+1)))
	var ye *YAMLError
	require.ErrorAs(t, err, &ye)
	require.Contains(t, ye.Msg, "more than a configuration file has")
}

func TestLoadEmptyFileIsInvalidNotBroken(t *testing.T) {
	_, err := Parse(nil)
	errs := fieldErrors(t, err)
	require.Equal(t, "stores", errs[0].Path)
}

// A secret written into the file is refused, and its value appears in no
// error, whatever else is wrong around it.
func TestLoadRefusesInlineSecretsWithoutEchoingThem(t *testing.T) {
	const secret = "shpat_0123456789abcdef"
	for name, src := range map[string]string{
		"token":               "stores:\n  - name: main\n    token: " + secret + "\n",
		"webhook secret":      "stores:\n  - name: main\n    webhook_secret: '" + secret + "'\n",
		"as a list":           "stores:\n  - name: main\n    token: [" + secret + "]\n",
		"with a bad tag":      "stores:\n  - name: main\n    token: !!bool " + secret + "\n",
		"with an unknown key": "stores:\n  - name: main\n    token: " + secret + "\n    colour: red\n",
		"unterminated":        "stores:\n  - name: main\n    token: \"" + secret + "\n",
		"beside a type error": "stores:\n  - name: [x]\n    token: " + secret + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(src))
			require.Error(t, err)
			require.NotContains(t, err.Error(), secret)
			require.NotContains(t, err.Error(), "0123456789")
		})
	}
	_, err := Parse([]byte("stores:\n  - name: main\n    token: " + secret + "\n"))
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	require.ErrorContains(t, err, "stores[0].token: secrets must not be written in the configuration file: name an environment variable (token_env) or a file (token_file) instead (line 3)")
}
