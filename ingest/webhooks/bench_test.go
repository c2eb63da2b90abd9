package webhooks_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/schema/testdb"
	"github.com/shopsync/shopsync/shopify/webhook"
)

const (
	benchRate     = 1000            // deliveries per second, Shopify's side
	benchDuration = 5 * time.Second // sustained for
	benchSenders  = 64              // concurrent connections, as Shopify opens several
)

// benchPayload is a products/update body of realistic size (about 2 KB:
// four variants).
func benchPayload(i int) string {
	var variants []string
	for v := range 4 {
		variants = append(variants, fmt.Sprintf(`{"admin_graphql_api_id":"gid://shopify/ProductVariant/%d","barcode":null,"compare_at_price":"24.99","created_at":"2026-01-02T03:04:05Z","id":%d,"inventory_policy":"deny","position":%d,"price":"19.99","product_id":%d,"sku":"SKU-%d-%d","taxable":true,"title":"Size %d","updated_at":"2026-01-02T03:04:05Z","option1":"Size %d","option2":null,"option3":null,"inventory_item_id":%d,"inventory_quantity":75}`,
			9000000000000+i*4+v, 9000000000000+i*4+v, v+1, 7000000000000+i, i, v, v, v, 8000000000000+i*4+v))
	}
	return fmt.Sprintf(`{"admin_graphql_api_id":"gid://shopify/Product/%d","body_html":"An example product","created_at":"2026-01-01T00:00:00Z","handle":"product-%d","id":%d,"product_type":"Shirts","published_at":"2026-01-01T00:00:00Z","template_suffix":null,"title":"Product %d","updated_at":"2026-01-02T03:04:05Z","vendor":"Acme","status":"active","published_scope":"web","tags":"example, mens, t-shirt","variants":[%s],"options":[],"images":[],"image":null,"media":[],"category":null}`,
		7000000000000+i, i, 7000000000000+i, i, strings.Join(variants, ","))
}

// benchRequests are n signed deliveries with unique ids.
type benchRequest struct {
	body   string
	header http.Header
}

func benchRequests(run string, n int) []benchRequest {
	out := make([]benchRequest, n)
	for i := range out {
		body := benchPayload(i)
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		webhook.Headers{
			Topic: "products/update", HMAC: webhook.Sign([]byte(secretA), []byte(body)), ShopDomain: shopA,
			APIVersion: "2026-01", WebhookID: fmt.Sprintf("%s-%08d", run, i), TriggeredAt: time.Now(),
		}.Set(h)
		out[i] = benchRequest{body: body, header: h}
	}
	return out
}

// loadResult is what one load run measured.
type loadResult struct {
	latencies []time.Duration
	elapsed   time.Duration
	failures  int
}

func (r loadResult) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r loadResult) quantile(q float64) time.Duration {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load sends reqs to url from benchSenders connections. With a positive
// rate it is open-loop: request i is due at start + i/rate and its latency
// counts from when it was due, so a slow server is charged for the queue it
// causes. With rate 0 the senders go as fast as answers come.
func load(b *testing.B, client *http.Client, url string, reqs []benchRequest, rate float64) loadResult {
	b.Helper()
	type job struct {
		req benchRequest
		due time.Time
	}
	jobs := make(chan job, len(reqs))
	var mu sync.Mutex
	res := loadResult{latencies: make([]time.Duration, 0, len(reqs))}
	var wg sync.WaitGroup
	start := time.Now()
	for range benchSenders {
		wg.Go(func() {
			for j := range jobs {
				if wait := time.Until(j.due); wait > 0 {
					time.Sleep(wait) // pacing the open-loop load, not synchronisation
				}
				sent := j.due
				if rate == 0 {
					sent = time.Now()
				}
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(j.req.body))
				req.Header = j.req.header.Clone()
				resp, err := client.Do(req)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				took := time.Since(sent)
				mu.Lock()
				if ok {
					res.latencies = append(res.latencies, took)
				} else {
					res.failures++
				}
				mu.Unlock()
			}
		})
	}
	for i, r := range reqs {
		due := start
		if rate > 0 {
			due = start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		}
		jobs <- job{req: r, due: due}
	}
	close(jobs)
	wg.Wait()
	res.elapsed = time.Since(start)
	if res.failures > 0 {
		b.Fatalf("%d of %d deliveries were not answered 200", res.failures, len(reqs))
	}
	return res
}

func benchServer(b *testing.B, h http.Handler) (*httptest.Server, *http.Client) {
	b.Helper()
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: benchSenders, MaxConnsPerHost: benchSenders}
	b.Cleanup(tr.CloseIdleConnections)
	return srv, &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// BenchmarkReceive sends 1,000 deliveries/s for 5 s from 64 connections to
// the receiver storing into the real PostgreSQL, and then the same load to
// the same handler without the insert (the baseline: HTTP, HMAC and JSON
// checks only), and prints both p99 answer times and their ratio. It then
// measures the most either can take, unpaced.
func BenchmarkReceive(b *testing.B) {
	pool := testdb.Postgres(b)
	secrets, err := webhooks.NewStaticSecrets(map[string][]string{shopA: {secretA}})
	require.NoError(b, err)
	real, err := webhooks.NewReceiver(pool, secrets, webhooks.DefaultReceiverConfig())
	require.NoError(b, err)
	baseline, err := webhooks.NewReceiverWithoutStore(secrets, webhooks.DefaultReceiverConfig())
	require.NoError(b, err)
	realSrv, realClient := benchServer(b, real)
	baseSrv, baseClient := benchServer(b, baseline)
	n := int(benchRate * benchDuration.Seconds())

	for i := 0; i < b.N; i++ {
		run := fmt.Sprintf("bench-%d", i)
		// Warm up connections and the pool, so that the first second does
		// not measure TCP and PostgreSQL handshakes.
		load(b, realClient, realSrv.URL, benchRequests(run+"-warm", 2*benchSenders), 0)
		load(b, baseClient, baseSrv.URL, benchRequests(run+"-warm", 2*benchSenders), 0)

		stored := load(b, realClient, realSrv.URL, benchRequests(run, n), benchRate)
		base := load(b, baseClient, baseSrv.URL, benchRequests(run, n), benchRate)
		var rows int
		require.NoError(b, pool.QueryRow(context.Background(), "SELECT count(*) FROM webhook_deliveries WHERE webhook_id LIKE $1", run+"-0%").Scan(&rows))
		require.Equal(b, n, rows, "every acknowledged delivery is stored")

		maxStored := load(b, realClient, realSrv.URL, benchRequests(run+"-max", 3*benchRate), 0)
		maxBase := load(b, baseClient, baseSrv.URL, benchRequests(run+"-max", 3*benchRate), 0)

		if i == b.N-1 {
			p99, p99Base := stored.quantile(0.99), base.quantile(0.99)
			fmt.Printf("BENCH webhook_receive_p99_ms %.2f ms\n", ms(p99))
			fmt.Printf("BENCH webhook_receive_p50_ms %.2f ms\n", ms(stored.quantile(0.5)))
			fmt.Printf("BENCH webhook_receive_max_ms %.2f ms\n", ms(stored.quantile(1)))
			fmt.Printf("BENCH webhook_receive_rate %.0f deliveries/s (offered %d/s for %v, %d stored)\n", stored.rate(), benchRate, benchDuration, rows)
			fmt.Printf("BENCH webhook_receive_baseline_p99_ms %.2f ms (same handler, no insert)\n", ms(p99Base))
			fmt.Printf("BENCH webhook_receive_baseline_p50_ms %.2f ms\n", ms(base.quantile(0.5)))
			fmt.Printf("BENCH webhook_receive_baseline_rate %.0f deliveries/s\n", base.rate())
			fmt.Printf("BENCH webhook_receive_p99_ratio %.2f x (stored / baseline)\n", float64(p99)/float64(p99Base))
			fmt.Printf("BENCH webhook_receive_unpaced_rate %.0f deliveries/s (baseline %.0f/s, ratio %.2f)\n",
				maxStored.rate(), maxBase.rate(), maxStored.rate()/maxBase.rate())
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(stored.rate(), "deliveries/s")
		}
	}
}

// BenchmarkProcess drains 5,000 stored deliveries with a processor whose
// applier does nothing, beside a baseline that only claims and marks them
// in one statement per batch: the processor's own overhead per delivery
// (savepoints, per-row bookkeeping) is the difference.
func BenchmarkProcess(b *testing.B) {
	const n = 5000
	pool := testdb.Postgres(b)
	noop := webhooks.ApplierFunc(func(context.Context, pgx.Tx, webhooks.Delivery) (webhooks.Outcome, error) {
		return webhooks.Processed, nil
	})
	p, err := webhooks.NewProcessor(pool, noop, webhooks.DefaultProcessorConfig())
	require.NoError(b, err)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		seedDeliveries(b, pool, fmt.Sprintf("proc-%d", i), n)
		start := time.Now()
		for {
			got, err := p.ProcessBatch(ctx)
			require.NoError(b, err)
			if got == 0 {
				break
			}
		}
		took := time.Since(start)

		seedDeliveries(b, pool, fmt.Sprintf("base-%d", i), n)
		baseStart := time.Now()
		for {
			tag, err := pool.Exec(ctx, `
				UPDATE webhook_deliveries SET status = 'processed', attempts = attempts + 1, processed_at = now()
				WHERE webhook_id IN (SELECT webhook_id FROM webhook_deliveries WHERE status = 'received'
				                     ORDER BY triggered_at LIMIT 100 FOR UPDATE SKIP LOCKED)`)
			require.NoError(b, err)
			if tag.RowsAffected() == 0 {
				break
			}
		}
		baseTook := time.Since(baseStart)
		if i == b.N-1 {
			rate, baseRate := n/took.Seconds(), n/baseTook.Seconds()
			fmt.Printf("BENCH webhook_process_rate %.0f deliveries/s (no-op applier, batches of 100)\n", rate)
			fmt.Printf("BENCH webhook_process_baseline_rate %.0f deliveries/s (claim+mark in one statement)\n", baseRate)
			fmt.Printf("BENCH webhook_process_ratio %.2f x (processor / baseline)\n", rate/baseRate)
			b.ReportMetric(rate, "deliveries/s")
		}
	}
}

// seedDeliveries stores n received deliveries directly, the way the
// receiver would have.
func seedDeliveries(b *testing.B, pool *pgxpool.Pool, run string, n int) {
	b.Helper()
	_, err := pool.Exec(context.Background(), `
		INSERT INTO webhook_deliveries (webhook_id, store, topic, triggered_at, payload)
		SELECT $1 || '-' || g, $2, 'products/update', now() - (g || ' ms')::interval, $3::jsonb
		FROM generate_series(1, $4::int) AS g`, run, shopA, benchPayload(0), n)
	require.NoError(b, err)
}
