package ingest_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// kafkaBrokers returns the real broker `make services` starts, failing the
// test when it does not answer.
func kafkaBrokers(t testing.TB) []string {
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

// relayConfig publishes to one-partition topics of the test's own, deleted
// when the test ends.
func relayConfig(t testing.TB, bs []string) mirror.RelayConfig {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	cfg := mirror.DefaultRelayConfig(bs)
	cfg.TopicPrefix = "test-" + hex.EncodeToString(b) + "." + events.TopicPrefix
	cfg.Partitions = 1
	cfg.PollInterval = 200 * time.Millisecond
	cfg.MinBackoff, cfg.MaxBackoff = 50*time.Millisecond, 300*time.Millisecond
	cfg.WriteTimeout = 2 * time.Second
	t.Cleanup(func() {
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
	})
	return cfg
}

// consumer reads every family topic of a relay config from the start and
// keeps the change ids it saw.
type consumer struct {
	mu   sync.Mutex
	seen map[int64]int
	wg   sync.WaitGroup
	stop context.CancelFunc
	err  error
}

func consume(t testing.TB, cfg mirror.RelayConfig, onEvent func(events.ChangeEvent, time.Time)) *consumer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{seen: map[int64]int{}, stop: cancel}
	for _, f := range events.Families() {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: cfg.Brokers, Topic: cfg.TopicPrefix + string(f), Partition: 0,
			MaxWait: 20 * time.Millisecond, MinBytes: 1, MaxBytes: 10 << 20})
		c.wg.Go(func() {
			defer r.Close()
			for {
				m, err := r.ReadMessage(ctx)
				if err != nil {
					if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
						c.mu.Lock()
						c.err = err
						c.mu.Unlock()
					}
					return
				}
				now := time.Now()
				e, err := events.Decode(m.Value)
				c.mu.Lock()
				if err != nil {
					c.err = err
				} else {
					c.seen[e.ID]++
				}
				c.mu.Unlock()
				if err == nil && onEvent != nil {
					onEvent(e, now)
				}
			}
		})
	}
	t.Cleanup(c.close)
	return c
}

func (c *consumer) close() {
	c.stop()
	c.wg.Wait()
}

// has reports whether every id was consumed, and the consumer's error.
func (c *consumer) has(ids []int64) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if c.seen[id] == 0 {
			return false, c.err
		}
	}
	return true, c.err
}

// Kafka unreachable in the middle of a stream of changes: the mirror keeps
// taking them, the outbox keeps them, and once the relay reaches a broker
// again every change is published.
func TestKafkaDownMidStreamLosesNothing(t *testing.T) {
	bs := kafkaBrokers(t)
	f := newFixture(t, fakeshop.Options{Webhooks: fakeshop.WebhookOptions{RetrySchedule: []time.Duration{10 * time.Millisecond}}},
		fakeshop.SeedConfig{Seed: 61, Products: 30})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	relay := relayConfig(t, bs)
	cons := consume(t, relay, nil)
	outbox := func(where string) []int64 {
		rows, err := f.pool.Query(ctx, `SELECT id FROM change_outbox WHERE `+where)
		require.NoError(t, err)
		var ids []int64
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			ids = append(ids, id)
		}
		require.NoError(t, rows.Err())
		return ids
	}

	// Kafka up: the snapshot's changes are published.
	svc, stop := f.service(ingest.Config{Listen: "127.0.0.1:0", Relay: &relay, ReconcileInterval: 500 * time.Millisecond})
	addr, ok := svc.Addr(ctx)
	require.True(t, ok)
	f.eventuallyMirrored(ctx, time.Minute)
	require.Eventually(t, func() bool { ok, err := cons.has(outbox("true")); return ok && err == nil }, time.Minute, 50*time.Millisecond)
	f.subscribe(addr)
	ch := newChanger(f, 3)
	ch.update(20)
	require.NoError(t, f.srv.FlushWebhooks(ctx))
	stop()

	// Kafka "down" (the relay points at a port nobody listens on) while
	// changes keep coming.
	dead := relay
	dead.Brokers = []string{deadAddr(t)}
	f.service(ingest.Config{Listen: addr, Relay: &dead, ReconcileInterval: 500 * time.Millisecond})
	ch.update(40)
	require.NoError(t, f.srv.FlushWebhooks(ctx))
	f.eventuallyMirrored(ctx, time.Minute)
	waiting := outbox("published_at IS NULL")
	require.NotEmpty(t, waiting, "changes wait in the outbox while Kafka is unreachable")
	got, _ := cons.has(waiting)
	require.False(t, got)
	f.stopServices()

	// Kafka back: everything is published.
	f.service(ingest.Config{Relay: &relay})
	all := outbox("true")
	require.Eventually(t, func() bool { ok, err := cons.has(all); return ok && err == nil }, time.Minute, 50*time.Millisecond,
		"every change of the outbox reaches Kafka")
	require.Empty(t, outbox("published_at IS NULL"))
	t.Logf("%d changes published, %d of them held while Kafka was unreachable", len(all), len(waiting))
}

// deadAddr is a local address nothing listens on.
func deadAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}
