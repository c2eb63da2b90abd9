package webhooks_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/webhook"
)

// Two shops with secrets of their own; shop A is mid-rotation.
const (
	shopA        = "shop-a.myshopify.com"
	secretA      = "shpss_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	secretAOld   = "shpss_a_old_0000000000000000000000"
	shopB        = "shop-b.myshopify.com"
	secretB      = "shpss_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	productsJSON = `{"id":788032119674292922,"title":"Example T-Shirt","updated_at":"2026-01-02T03:04:05Z"}`
)

var allSecrets = []string{secretA, secretAOld, secretB}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a receiver on a fresh migrated database, served over real HTTP,
// with its metrics and logs captured.
type fixture struct {
	t       *testing.T
	pool    *pgxpool.Pool
	reg     *prometheus.Registry
	metrics *webhooks.Metrics
	logs    *syncBuffer
	logger  *slog.Logger
	secrets *webhooks.StaticSecrets
	srv     *httptest.Server
}

func newFixture(t *testing.T, configure ...func(*webhooks.ReceiverConfig)) *fixture {
	t.Helper()
	return newFixtureFor(t, map[string][]string{shopA: {secretA, secretAOld}, shopB: {secretB}}, configure...)
}

// newFixtureFor is newFixture for the shops and secrets given.
func newFixtureFor(t *testing.T, secrets map[string][]string, configure ...func(*webhooks.ReceiverConfig)) *fixture {
	t.Helper()
	f := &fixture{t: t, pool: testdb.Postgres(t), reg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	var err error
	f.metrics, err = webhooks.NewMetrics(f.reg)
	require.NoError(t, err)
	f.logger = slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.secrets, err = webhooks.NewStaticSecrets(secrets)
	require.NoError(t, err)
	cfg := webhooks.DefaultReceiverConfig()
	cfg.Logger, cfg.Metrics = f.logger, f.metrics
	for _, c := range configure {
		c(&cfg)
	}
	rc, err := webhooks.NewReceiver(f.pool, f.secrets, cfg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle(webhooks.Path, rc)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// delivery is one request to send; the zero fields get a valid default.
type delivery struct {
	shop, secret, topic, id string
	triggeredAt             time.Time
	body                    string
	// edit changes the signed request's headers before it is sent.
	edit func(h http.Header)
}

var idCounter atomic.Int64

// newWebhookID is a UUID-shaped id unique within the test binary.
func newWebhookID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", idCounter.Add(1))
}

func (d delivery) withDefaults() delivery {
	if d.shop == "" {
		d.shop = shopA
	}
	if d.secret == "" {
		d.secret = secretA
	}
	if d.topic == "" {
		d.topic = "products/update"
	}
	if d.id == "" {
		d.id = newWebhookID()
	}
	if d.body == "" {
		d.body = productsJSON
	}
	return d
}

// request builds the signed request Shopify would send.
func (d delivery) request(t testing.TB, url string) *http.Request {
	t.Helper()
	d = d.withDefaults()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(d.body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	webhook.Headers{
		Topic: d.topic, HMAC: webhook.Sign([]byte(d.secret), []byte(d.body)), ShopDomain: d.shop,
		APIVersion: "2026-01", WebhookID: d.id, EventID: "98880550-7158-44d4-b7cd-2c97c8a091b5",
		TriggeredAt: d.triggeredAt,
	}.Set(req.Header)
	if d.edit != nil {
		d.edit(req.Header)
	}
	return req
}

type answer struct {
	status int
	body   string
}

func (f *fixture) send(d delivery) answer {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(d.request(f.t, f.srv.URL+webhooks.Path))
	require.NoError(f.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return answer{resp.StatusCode, string(body)}
}

// rows counts the inbox's rows.
func (f *fixture) rows() int {
	f.t.Helper()
	var n int
	require.NoError(f.t, f.pool.QueryRow(context.Background(), "SELECT count(*) FROM webhook_deliveries").Scan(&n))
	return n
}

// row is a stored delivery as the tests look at it.
type row struct {
	WebhookID, Store, Topic, Status string
	EventID, APIVersion, Error      *string
	TriggeredAt, ProcessedAt        *time.Time
	Attempts                        int
	Payload                         string
}

func (f *fixture) row(id string) row {
	f.t.Helper()
	return rowOf(f.t, f.pool, id)
}

func rowOf(t testing.TB, pool *pgxpool.Pool, id string) row {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT webhook_id, store, topic, status, event_id, api_version, error, triggered_at, processed_at, attempts, payload::text
		FROM webhook_deliveries WHERE webhook_id = $1`, id)
	require.NoError(t, err)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[row])
	require.NoError(t, err, "delivery %s", id)
	return r
}

// counter reads shopsync_webhook_deliveries_total (or another counter
// vector) for the given labels; 0 when the series does not exist.
func counter(t testing.TB, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, fam := range families {
		if fam.GetName() != name {
			continue
		}
		for _, m := range fam.GetMetric() {
			if labelsMatch(m, labels) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func (f *fixture) delivered(topic, outcome string) float64 {
	f.t.Helper()
	return counter(f.t, f.reg, "shopsync_webhook_deliveries_total", map[string]string{"topic": topic, "outcome": outcome})
}
