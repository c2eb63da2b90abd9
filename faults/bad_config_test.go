package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Bad configuration values (issue #11, item 4): each command that reads the
// file refuses to start, and its error names the field (and line), and
// never repeats a secret the file holds by mistake.
func TestBadConfig(t *testing.T) {
	const good = `stores:
  - name: src
    domain: src.myshopify.com
    role: source
    token_env: FAULTS_TOKEN
    webhook_secret_env: FAULTS_SECRET
  - name: dst
    domain: dst.myshopify.com
    role: destination
    token_env: FAULTS_TOKEN
    webhook_secret_env: FAULTS_SECRET
links:
  - source: src
    destination: dst
    match_key: handle
`
	const inlineToken = "shpat_INLINE_SECRET_VALUE_123"
	cases := []struct{ name, yaml, field string }{
		{"role neither source nor destination", strings.Replace(good, "role: destination", "role: mirror", 1), "stores[1].role"},
		{"two sources", strings.Replace(good, "role: destination", "role: source", 1), "role"},
		{"unknown match key", strings.Replace(good, "match_key: handle", "match_key: ean", 1), "links[0].match_key"},
		{"markup not a number", good + "    price:\n      markup_percent: abc\n", "links[0].price.markup_percent"},
		{"round_to with 3 decimals", good + "    price:\n      round_to: 0.999\n", "links[0].price.round_to"},
		{"unknown delete policy", good + "    delete_policy: explode\n", "links[0].delete_policy"},
		{"link to a store not listed", strings.Replace(good, "destination: dst", "destination: nowhere", 1), "links[0].destination"},
		{"domain not a shop domain", strings.Replace(good, "domain: dst.myshopify.com", "domain: 'dst; DROP TABLE stores'", 1), "stores[1].domain"},
		{"endpoint not a URL", strings.Replace(good, "role: destination", "role: destination\n    endpoint: ftp//x", 1), "stores[1].endpoint"},
		{"misspelt key", strings.Replace(good, "match_key: handle", "match_kee: handle", 1), "match_kee"},
		{"token in the file", strings.Replace(good, "token_env: FAULTS_TOKEN\n    webhook_secret_env: FAULTS_SECRET\n  - name: dst",
			"token: "+inlineToken+"\n    webhook_secret_env: FAULTS_SECRET\n  - name: dst", 1), "stores[0].token"},
		{"not YAML", "stores: [\n", ".yaml:1:"},
	}
	r := report(t, fmt.Sprintf("%d bad configuration files, each given to `shopsync ingest`, `plan` and `apply`", len(cases)))
	dir := t.TempDir()
	refused := 0
	for i, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("bad%d.yaml", i))
		require.NoError(t, os.WriteFile(path, []byte(c.yaml), 0o600))
		for _, args := range [][]string{
			{"ingest", "--config", path, "--once", "--listen", ""},
			{"plan", "--config", path, "--dry-run"},
			{"apply", "--config", path, "--once"},
		} {
			cmd := exec.Command(shopsyncBin, args...)
			cmd.Env = append(os.Environ(), "FAULTS_TOKEN=shpat_env_token_value_456", "FAULTS_SECRET=env_secret_value_789")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			msg := strings.TrimSpace(out.String())
			require.Error(t, err, "%s: shopsync %s accepted it:\n%s", c.name, args[0], msg)
			require.Contains(t, msg, c.field, "%s: shopsync %s's error does not name the field", c.name, args[0])
			for _, secret := range []string{inlineToken, "shpat_env_token_value_456", "env_secret_value_789"} {
				require.NotContains(t, msg, secret, "%s: a secret in shopsync %s's error", c.name, args[0])
			}
			if args[0] == "ingest" {
				found(t, "%-38s -> %s", c.name, firstLine(msg))
			}
			refused++
		}
	}
	r.sent, r.applied = refused, 0
	found(t, "%d runs refused at start, each naming the field; no secret repeated", refused)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
