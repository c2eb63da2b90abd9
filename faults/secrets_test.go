package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// Secrets (issue #11, item 5): the pipeline runs with known access tokens
// and webhook secrets, through failures that make it log and record errors
// (5xx answers, a destination whose token is refused); then every log line
// of every process, the /metrics page, and every error and payload column in
// PostgreSQL and ClickHouse are scanned for the secrets.
func TestSecretsNeverLeak(t *testing.T) {
	p := newPipeline(t, pipelineOptions{})
	r := report(t, "sync with known tokens and webhook secrets through 30 % GraphQL 5xx and a destination whose token is refused, "+
		"then scan every process's output, /metrics and the error and payload columns of PostgreSQL and ClickHouse")
	cat := newCatalog(t, p.src, 3)
	cat.seed(40)
	p.start()
	_, _ = p.waitConverged(*flagConverge)

	for _, s := range p.shops() {
		require.NoError(t, s.SetFaults(fakeshop.Faults{GraphQLErrorRate: 0.3}))
	}
	cat.churn(30)
	_, _ = p.waitConverged(*flagConverge)
	for _, s := range p.shops() {
		require.NoError(t, s.SetFaults(fakeshop.Faults{}))
	}

	// The applier restarted with a wrong token for the second destination:
	// its writes there are refused, and say so.
	wrong := "shpat_WRONGFAULTSUITETOKEN" + fmt.Sprint(time.Now().UnixNano())
	p.tokens = append(p.tokens, wrong)
	bad := p.dsts[1]
	p.applier.stop()
	envName := "TOKEN_" + strings.ToUpper(strings.ReplaceAll(bad.Name(), "-", "_"))
	p.applier.env = append(append([]string(nil), p.env...), envName+"="+wrong)
	p.applier.start()
	cat.churn(10)
	ok := assert.Eventually(t, func() bool {
		return lastLineWith(p.applier.output(), bad.Domain(), "HTTP 401") != ""
	}, 2*time.Minute, 200*time.Millisecond)
	if !ok {
		p.applier.dump()
		t.Fatalf("the applier never reported the refused token:\n%s", p.applier.tail(30000))
	}
	refused := lastLineWith(p.applier.output(), bad.Domain(), "HTTP 401")
	var line struct{ Msg, Err string }
	_ = json.Unmarshal([]byte(refused), &line)
	found(t, "the applier with a refused token logs: %s: %s", line.Msg, line.Err)

	scanned := map[string]string{"process output": p.output()}
	resp, err := http.Get("http://" + p.addr + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	scanned["ingest /metrics"] = string(metrics)
	scanned["postgres errors and payloads"] = p.postgresText()
	scanned["clickhouse audit"] = p.clickhouseText()

	// Back to the right token: the destination converges.
	p.applier.stop()
	p.applier.env = p.env
	p.applier.start()
	_, d := p.waitConverged(*flagConverge)
	scanned["process output"] = p.output()

	leaks := 0
	var sizes []string
	for where, text := range scanned {
		sizes = append(sizes, fmt.Sprintf("%s %d KB", where, len(text)/1024))
		for _, s := range append(append([]string(nil), p.tokens...), p.secrets...) {
			if strings.Contains(text, s) {
				leaks++
				t.Errorf("%s contains a secret (%s...)", where, s[:8])
			}
		}
	}
	r.sent = cat.changes * len(p.dsts)
	r.lost = d.missing + d.wrong + d.extra
	r.applied = r.sent - r.lost
	r.duplicated = d.duplicated
	found(t, "%d tokens and %d webhook secrets searched in %s: %d found", len(p.tokens), len(p.secrets), strings.Join(sizes, ", "), leaks)
}

func lastLineWith(out string, words ...string) string {
	var last string
	for _, line := range strings.Split(out, "\n") {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(line, w)
		}
		if ok {
			last = line
		}
	}
	return last
}

// postgresText is every error and payload column the pipeline writes.
func (p *pipeline) postgresText() string {
	p.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT coalesce(string_agg(coalesce(error, '') || payload::text, E'\n'), '') FROM webhook_deliveries`,
		`SELECT coalesce(string_agg(coalesce(error, '') || desired::text, E'\n'), '') FROM plan_deltas`,
		`SELECT coalesce(string_agg(t::text, E'\n'), '') FROM ingest_runs t`,
		`SELECT coalesce(string_agg(t::text, E'\n'), '') FROM stores t`,
		`SELECT coalesce(string_agg(t::text, E'\n'), '') FROM change_outbox t`,
	} {
		var s string
		require.NoError(p.t, p.db.QueryRow(context.Background(), q).Scan(&s), q)
		b.WriteString(s)
	}
	return b.String()
}

// clickhouseText is every audit row's text columns.
func (p *pipeline) clickhouseText() string {
	p.t.Helper()
	opts, err := schema.ParseClickHouseDSN(p.chDSN)
	require.NoError(p.t, err)
	ch, err := clickhouse.Open(opts)
	require.NoError(p.t, err)
	defer ch.Close()
	var s string
	require.NoError(p.t, ch.QueryRow(context.Background(),
		`SELECT arrayStringConcat(groupArray(concat(error, before, after, key, idempotency_key)), '\n') FROM audit_writes`).Scan(&s))
	return s
}
