package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// pipelineOptions shape one case's pipeline.
type pipelineOptions struct {
	// destinations is the number of destination stores (default 2).
	destinations int
	// reconcile is ingest's --reconcile-interval: the interval within which
	// the end state must converge whatever webhooks were lost (default 3 s).
	reconcile time.Duration
	// snapshot is ingest's --snapshot-interval, the full snapshot that
	// catches deletions whose webhooks were lost (default 0: none).
	snapshot time.Duration
	// planEvery is plan --watch's --every, the full plan that catches Kafka
	// events lost or taken by another planner (default 2 s).
	planEvery time.Duration
	// env is added to every process's environment (DSNs of throwaway
	// services, for the outage cases).
	env []string
	// orders also mirrors the orders family, whose destination orders are
	// created in the source.
	orders bool
	// databaseURL and clickhouseDSN replace the per-test databases.
	databaseURL, clickhouseDSN string
}

// pipeline is a source and its destinations in fakeshop (in this process,
// so the case can inspect the stores directly) and shopsync's ingest,
// planner and applier as separate processes on a database of the case's
// own.
type pipeline struct {
	t       *testing.T
	srv     *fakeshop.Server
	src     *fakeshop.Shop
	dsts    []*fakeshop.Shop
	conf    string
	env     []string
	db      *pgxpool.Pool
	dbURL   string
	chDSN   string
	addr    string // ingest's webhook and metrics address
	orders  bool   // the orders family is synced too
	ingest  *proc
	planner *proc
	applier *proc

	// tokens and secrets are every credential the case configured, for the
	// scans of output.
	tokens, secrets []string
}

func newPipeline(t *testing.T, o pipelineOptions) *pipeline {
	t.Helper()
	if o.destinations == 0 {
		o.destinations = 2
	}
	if o.reconcile == 0 {
		o.reconcile = 3 * time.Second
	}
	if o.planEvery == 0 {
		o.planEvery = 2 * time.Second
	}
	p := &pipeline{t: t, dbURL: o.databaseURL, chDSN: o.clickhouseDSN}
	if p.dbURL == "" {
		p.dbURL = testdb.PostgresURL(t)
	}
	if p.chDSN == "" {
		p.chDSN = testdb.ClickHouseDSN(t)
	}
	pool, err := pgxpool.New(context.Background(), p.dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	p.db = pool

	// Deliveries that fail (a receiver killed or restarting) are retried
	// within seconds instead of Shopify's hours.
	p.srv = fakeshop.New(fakeshop.Options{Seed: 11, Webhooks: fakeshop.WebhookOptions{
		RetrySchedule: []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
			3 * time.Second, 5 * time.Second, 8 * time.Second, 13 * time.Second},
	}})
	require.NoError(t, p.srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = p.srv.Close() })

	// Known credentials, distinct per store, so that the scans of output
	// can look for every one of them.
	shop := func(role string, i int, plan cost.Plan) *fakeshop.Shop {
		name := fmt.Sprintf("f%s-%d", role, i)
		tok := fmt.Sprintf("shpat_FAULTSUITE%sTOKEN%d%x", strings.ToUpper(role), i, time.Now().UnixNano())
		sec := fmt.Sprintf("whsec-FAULTSUITE-%s-SECRET-%d-%x", role, i, time.Now().UnixNano())
		p.tokens, p.secrets = append(p.tokens, tok), append(p.secrets, sec)
		return p.srv.AddShop(fakeshop.ShopConfig{Name: name, Token: tok, Secret: sec, Plan: plan})
	}
	p.src = shop("src", 0, cost.Plus)
	for i := range o.destinations {
		p.dsts = append(p.dsts, shop("dst", i+1, cost.Plus))
	}

	p.addr = freeAddr(t)
	var conf strings.Builder
	conf.WriteString("stores:\n")
	for i, sh := range p.shops() {
		role := "destination"
		if i == 0 {
			role = "source"
		}
		env := strings.ToUpper(strings.ReplaceAll(sh.Name(), "-", "_"))
		fmt.Fprintf(&conf, "  - name: %s\n    domain: %s\n    role: %s\n    plan: plus\n    endpoint: %s\n    token_env: TOKEN_%s\n    webhook_secret_env: SECRET_%s\n",
			sh.Name(), sh.Domain(), role, p.srv.GraphQLURL(sh.Name()), env, env)
		p.env = append(p.env, "TOKEN_"+env+"="+sh.Token(), "SECRET_"+env+"="+sh.Secret())
	}
	conf.WriteString("links:\n")
	for _, d := range p.dsts {
		fmt.Fprintf(&conf, "  - source: %s\n    destination: %s\n    match_key: handle\n    delete_policy: delete\n    price:\n      markup_percent: 10\n",
			p.src.Name(), d.Name())
	}
	p.conf = filepath.Join(t.TempDir(), "shopsync.yaml")
	require.NoError(t, os.WriteFile(p.conf, []byte(conf.String()), 0o600))
	p.env = append(p.env, "DATABASE_URL="+p.dbURL, "CLICKHOUSE_DSN="+p.chDSN)
	p.env = append(p.env, o.env...)

	topics, families := []string{"PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE"}, "products"
	if o.orders {
		topics, families = append(topics, orderTopics...), "products,orders"
		p.orders = true
	}
	for _, sh := range p.shops() {
		for _, topic := range topics {
			_, err := sh.CreateWebhookSubscription(fakeshop.WebhookSubscriptionInput{Topic: topic, URI: "http://" + p.addr + webhooks.Path, APIVersion: "2026-01"})
			require.NoError(t, err)
		}
	}

	p.ingest = newProc(t, "ingest", p.env, "ingest", "--config", p.conf, "--listen", p.addr, "--family", families,
		"--reconcile-interval", o.reconcile.String(), "--snapshot-interval", o.snapshot.String())
	p.planner = newProc(t, "planner", p.env, "plan", "--watch", "--every", o.planEvery.String())
	p.applier = newProc(t, "applier", p.env, "apply", "--config", p.conf)
	return p
}

// shops is the source, then the destinations.
func (p *pipeline) shops() []*fakeshop.Shop { return append([]*fakeshop.Shop{p.src}, p.dsts...) }

// procs are the components.
func (p *pipeline) procs() []*proc { return []*proc{p.ingest, p.planner, p.applier} }

// start starts every component; the planner and applier once ingest has
// written the configured stores (they read them from the database).
func (p *pipeline) start() {
	p.t.Helper()
	p.ingest.start()
	p.waitIngestListening()
	p.planner.start()
	p.applier.start()
}

// stop stops every component cleanly.
func (p *pipeline) stop() {
	for _, c := range p.procs() {
		c.stop()
	}
}

// waitIngestListening waits until ingest answers on its address.
func (p *pipeline) waitIngestListening() {
	p.t.Helper()
	require.Eventually(p.t, func() bool {
		c, err := net.DialTimeout("tcp", p.addr, 200*time.Millisecond)
		if err != nil {
			return false
		}
		_ = c.Close()
		return true
	}, 60*time.Second, 100*time.Millisecond, "ingest does not listen on %s:\n%s", p.addr, p.ingest.tail(3000))
}

// output is everything every component printed.
func (p *pipeline) output() string {
	var b strings.Builder
	for _, c := range p.procs() {
		b.WriteString(c.output())
	}
	return b.String()
}

// freeAddr is a 127.0.0.1 address with a port free a moment ago, below the
// ephemeral range (ports_test.go).
func freeAddr(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("127.0.0.1:%d", quietPort(t))
}
