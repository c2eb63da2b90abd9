package applier_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/applier"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/client"
)

// productionPath is the live path as `shopsync run` wires it, for the
// inventory pipeline of the fixture: the mirror's outbox relayed to the
// real Kafka, the planner's consumer planning the events, a full plan at
// start and every 5 minutes, and the applier with its default
// configuration (Poll 1s, woken by the planner's and the mirror's
// notifications). Topics and consumer group are the test's own.
type productionPath struct {
	f       *fixture
	brokers []string
	prefix  string
}

func newProductionPath(t testing.TB, f *fixture) *productionPath {
	t.Helper()
	bs := endpoints.LocalKafkaBrokers()
	reachable := false
	for _, b := range bs {
		if c, err := net.DialTimeout("tcp", b, 5*time.Second); err == nil {
			_ = c.Close()
			reachable = true
			break
		}
	}
	if !reachable {
		t.Fatalf("Kafka at %v is unreachable: start the local services with `make services`, or set KAFKA_BROKERS", bs)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	pp := &productionPath{f: f, brokers: bs, prefix: "test-" + hex.EncodeToString(b) + "."}
	// The topics exist before the consumer joins its group, as in `shopsync
	// run`, whose relay creates them long before the planner starts: a
	// group formed over a missing topic reads it only after a rebalance.
	tr := &kafka.Transport{}
	c := &kafka.Client{Addr: kafka.TCP(bs...), Transport: tr, Timeout: 30 * time.Second}
	var tcs []kafka.TopicConfig
	for _, tp := range pp.topics(events.Families()...) {
		tcs = append(tcs, kafka.TopicConfig{Topic: tp, NumPartitions: mirror.DefaultRelayConfig(bs).Partitions, ReplicationFactor: 1})
	}
	_, err := c.CreateTopics(context.Background(), &kafka.CreateTopicsRequest{Topics: tcs})
	require.NoError(t, err)
	t.Cleanup(func() {
		defer tr.CloseIdleConnections()
		if _, err := c.DeleteTopics(context.Background(), &kafka.DeleteTopicsRequest{Topics: pp.topics(events.Families()...)}); err != nil {
			t.Logf("delete test topics: %v", err)
		}
	})
	return pp
}

// topics are the families' topics under the test's prefix, named as the
// relay names them.
func (pp *productionPath) topics(fs ...events.Family) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = pp.prefix + strings.TrimPrefix(f.Topic(), events.TopicPrefix)
	}
	return out
}

func (pp *productionPath) applierConfig() applier.Config {
	cfg := applier.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	return cfg
}

// start runs the relay, the consumer and the periodic full plan, as
// cmd/shopsync's pipeline does.
func (pp *productionPath) start(t testing.TB, run func(string, func(context.Context) error)) {
	t.Helper()
	rcfg := mirror.DefaultRelayConfig(pp.brokers)
	rcfg.TopicPrefix = pp.prefix
	rcfg.Logger = slog.New(slog.DiscardHandler)
	relay, err := mirror.NewRelay(pp.f.pool, rcfg)
	require.NoError(t, err)
	plog := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if os.Getenv("SHOPSYNC_BENCH_DEBUG") != "" {
		plog = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	p := planner.New(pp.f.pool, planner.WithLogger(plog))
	consumer, err := planner.NewConsumer(p, planner.ConsumerConfig{Brokers: pp.brokers,
		GroupID: pp.prefix + planner.DefaultGroupID, Topics: pp.topics(events.Products, events.Inventory)})
	require.NoError(t, err)
	run("relay", relay.Run)
	run("consumer", consumer.Run)
	run("planner", func(ctx context.Context) error { return pp.f.planner.RunPeriodic(ctx, 5*time.Minute) })
}

// roundTrip is the baseline: one inventorySetQuantities of one level to a
// destination, answered as late as the pipeline's (the shop's faults must
// be set), timed by the client.
func roundTrip(t testing.TB, f *fixture, d int, it stockedItem) time.Duration {
	t.Helper()
	sh := f.dsts[d-1]
	cur := available(sh, it.items[d], it.locs[d])
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	start := time.Now()
	_, err := client.InventorySetQuantities(context.Background(), f.clients[sh.Domain()], "baseline-"+hex.EncodeToString(b),
		client.InventorySetQuantitiesInput{Reason: "correction", Name: "available", Quantities: []client.InventoryQuantityInput{{
			InventoryItemId: gid("InventoryItem", it.items[d]), LocationId: gid("Location", it.locs[d]),
			Quantity: cur, ChangeFromQuantity: &cur}}})
	require.NoError(t, err)
	return time.Since(start)
}

// waitPublished waits until the relay has published the whole outbox (the
// catalogue's snapshot), so that the changes timed are not queued behind it.
func waitPublished(t testing.TB, f *fixture) {
	t.Helper()
	require.Eventually(t, func() bool {
		return f.count(`SELECT count(*)::int FROM change_outbox WHERE published_at IS NULL`) == 0
	}, time.Minute, 20*time.Millisecond, "the relay never published the outbox")
	fmt.Printf("BENCH inventory_latency_default_outbox_rows %d rows\n", f.count(`SELECT count(*)::int FROM change_outbox`))
}
