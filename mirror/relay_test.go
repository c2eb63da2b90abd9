package mirror_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/events"
)

// brokers returns the real Kafka broker `make services` starts, failing the
// test when it does not answer.
func brokers(t *testing.T) []string {
	t.Helper()
	bs := endpoints.LocalKafkaBrokers()
	for _, b := range bs {
		if c, err := net.DialTimeout("tcp", b, 5*time.Second); err == nil {
			_ = c.Close()
			return bs
		}
	}
	t.Fatalf("Kafka at %v is unreachable: start the local services with `make services`, or set KAFKA_BROKERS", bs)
	return nil
}

// relayConfig publishes to topics of the test's own.
func relayConfig(t *testing.T, bs []string) mirror.RelayConfig {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	cfg := mirror.DefaultRelayConfig(bs)
	cfg.TopicPrefix = "test-" + hex.EncodeToString(b) + "." + strings.TrimSuffix(events.TopicPrefix, ".") + "."
	cfg.Partitions = 3
	cfg.BatchSize = 50
	cfg.PollInterval = 200 * time.Millisecond
	cfg.MinBackoff, cfg.MaxBackoff = 50*time.Millisecond, 500*time.Millisecond
	cfg.WriteTimeout = 5 * time.Second
	t.Cleanup(func() { deleteTopics(t, bs, cfg) })
	return cfg
}

func deleteTopics(t *testing.T, bs []string, cfg mirror.RelayConfig) {
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(bs...), Transport: tr, Timeout: 30 * time.Second}
	var topics []string
	for _, f := range events.Families() {
		topics = append(topics, cfg.TopicPrefix+string(f))
	}
	if _, err := client.DeleteTopics(context.Background(), &kafka.DeleteTopicsRequest{Topics: topics}); err != nil {
		t.Logf("delete test topics: %v", err)
	}
}

// runRelay runs a relay until the test ends.
func runRelay(t *testing.T, pool *pgxpool.Pool, cfg mirror.RelayConfig) *mirror.Relay {
	t.Helper()
	r, err := mirror.NewRelay(pool, cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return r
}

func requireDrained(t *testing.T, pool *pgxpool.Pool, within time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool {
		l, err := mirror.OutboxLag(context.Background(), pool)
		return err == nil && l.Backlog == 0
	}, within, 50*time.Millisecond, "the outbox was not drained")
}

// consumeEvents reads n events from the products topic.
func consumeEvents(t *testing.T, bs []string, topic string, n int) []kafka.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: bs, GroupID: topic + "-reader", Topic: topic,
		StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer func() { require.NoError(t, r.Close()) }()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.ReadMessage(ctx)
		require.NoError(t, err, "read event %d of %d from %s", len(out)+1, n, topic)
		out = append(out, m)
	}
	return out
}

// editProducts writes rounds of edits of products 1..n through Apply, each
// round one update per product (round 0 creates them).
func editProducts(t *testing.T, m *mirror.Mirror, pool *pgxpool.Pool, n, from, rounds int) {
	t.Helper()
	for r := from; r < from+rounds; r++ {
		for i := 1; i <= n; i++ {
			p := product(i, t0.Add(time.Duration(r)*time.Minute))
			p.Title = fmt.Sprintf("Product %d, edit %d", i, r)
			rs, err := m.Apply(t.Context(), pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{p}})
			require.NoError(t, err)
			require.Equal(t, mirror.Applied, rs[0].Outcome)
		}
	}
}

// checkEvents checks that the events are the outbox's, each once, and that
// each key's versions arrive in order on one partition.
func checkEvents(t *testing.T, pool *pgxpool.Pool, msgs []kafka.Message) {
	t.Helper()
	seen := map[int64]bool{}
	lastVersion := map[string]int64{}
	partition := map[string]int{}
	for _, msg := range msgs {
		e, err := events.Decode(msg.Value)
		require.NoError(t, err)
		require.Equal(t, string(e.Key()), string(msg.Key))
		require.False(t, seen[e.ID], "event %d twice", e.ID)
		seen[e.ID] = true
		k := string(msg.Key)
		require.Greater(t, e.Version, lastVersion[k], "key %s out of order", k)
		lastVersion[k] = e.Version
		if p, ok := partition[k]; ok {
			require.Equal(t, p, msg.Partition, "key %s moved partitions", k)
		}
		partition[k] = msg.Partition
	}
	require.Equal(t, len(msgs), count(t, pool, `SELECT count(*) FROM change_outbox WHERE published_at IS NOT NULL`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM change_outbox WHERE published_at IS NULL`))
}

func TestRelayPublishesInOrderPerKey(t *testing.T) {
	bs := brokers(t)
	m, pool := newMirror(t)
	reg := prometheus.NewRegistry()
	metrics, err := mirror.NewMetrics(reg)
	require.NoError(t, err)
	cfg := relayConfig(t, bs)
	cfg.Metrics = metrics

	editProducts(t, m, pool, 10, 0, 2)
	runRelay(t, pool, cfg)
	editProducts(t, m, pool, 10, 2, 4) // while the relay runs: NOTIFY wakes it
	requireDrained(t, pool, time.Minute)

	topic := cfg.TopicPrefix + "products"
	msgs := consumeEvents(t, bs, topic, 60)
	checkEvents(t, pool, msgs)
	require.Equal(t, 60.0, testutil.ToFloat64(metrics.Published(topic)))
}

// Relays running side by side share the outbox (SKIP LOCKED) and still keep
// each key's changes in order.
func TestRelaysSideBySideKeepKeyOrder(t *testing.T) {
	bs := brokers(t)
	m, pool := newMirror(t)
	cfg := relayConfig(t, bs)
	cfg.BatchSize = 7
	editProducts(t, m, pool, 15, 0, 3)
	runRelay(t, pool, cfg)
	runRelay(t, pool, cfg)
	runRelay(t, pool, cfg)
	editProducts(t, m, pool, 15, 3, 5)
	requireDrained(t, pool, time.Minute)
	checkEvents(t, pool, consumeEvents(t, bs, cfg.TopicPrefix+"products", 120))
}

// proxy forwards TCP connections on addr to target once started; before,
// nothing listens on addr, as when Kafka is down.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
	wg           sync.WaitGroup
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{addr: ln.Addr().String(), target: target}
	require.NoError(t, ln.Close())
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	require.NoError(t, err)
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			p.wg.Go(func() { _, _ = io.Copy(u, c); _ = u.Close() })
			p.wg.Go(func() { _, _ = io.Copy(c, u); _ = c.Close() })
		}
	})
}

func (p *proxy) stop() {
	p.mu.Lock()
	if p.ln != nil {
		_ = p.ln.Close()
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// With Kafka unreachable the mirror goes on and the relay retries; once
// Kafka is back, every change is published, none lost.
func TestRelayCatchesUpAfterKafkaOutage(t *testing.T) {
	bs := brokers(t)
	m, pool := newMirror(t)
	reg := prometheus.NewRegistry()
	metrics, err := mirror.NewMetrics(reg)
	require.NoError(t, err)
	px := newProxy(t, bs[0])
	cfg := relayConfig(t, bs)
	cfg.Brokers = []string{px.addr}
	cfg.Metrics = metrics

	editProducts(t, m, pool, 5, 0, 2)
	r := runRelay(t, pool, cfg)
	require.Eventually(t, func() bool { return testutil.ToFloat64(metrics.PublishFailures()) >= 3 },
		time.Minute, 20*time.Millisecond, "the relay never tried to publish")
	herr, since := r.Health()
	require.Error(t, herr, "health while Kafka is unreachable")
	require.False(t, since.IsZero())
	editProducts(t, m, pool, 5, 2, 2) // the mirror keeps taking writes
	require.Equal(t, 20, count(t, pool, `SELECT count(*) FROM change_outbox WHERE published_at IS NULL`))
	require.Eventually(t, func() bool { return testutil.ToFloat64(metrics.Backlog()) == 20 }, 10*time.Second, 20*time.Millisecond)

	px.start(t)
	requireDrained(t, pool, time.Minute)
	require.Eventually(t, func() bool { herr, _ := r.Health(); return herr == nil }, 10*time.Second, 20*time.Millisecond,
		"health still failing after the relay drained the outbox")
	msgs := consumeEvents(t, bs, cfg.TopicPrefix+"products", 20)
	checkEvents(t, pool, msgs)
}

func TestRelayConfigValidate(t *testing.T) {
	cfg := mirror.DefaultRelayConfig(nil)
	require.ErrorContains(t, cfg.Validate(), "Brokers")
	cfg = mirror.DefaultRelayConfig([]string{"x:1"})
	cfg.Partitions = 0
	require.ErrorContains(t, cfg.Validate(), "Partitions")
}
