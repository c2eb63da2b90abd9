package mirror

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/shopsync/shopsync/schema/endpoints"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/schema/testdb"
)

// BenchmarkRelay publishes 200,000 waiting change rows (variant updates
// with both images, as a re-snapshot of a price change writes them) to the
// real broker, beside a baseline in the same run: kafka-go writing the same
// messages straight from memory.
func BenchmarkRelay(b *testing.B) {
	const n = 200_000
	brokers := endpoints.LocalKafkaBrokers()
	for b.Loop() {
		pool := testdb.Postgres(b)
		ctx := context.Background()
		_, err := pool.Exec(ctx, `INSERT INTO change_outbox (store, resource, gid, operation, before, after, version, source)
			SELECT 'bench.myshopify.com', 'variant', 'gid://shopify/ProductVariant/' || i, 'update',
				jsonb_build_object('gid', 'gid://shopify/ProductVariant/' || i, 'price', 10.00, 'sku', 'SKU-' || i, 'title', 'Size M / Blue', 'version', 1),
				jsonb_build_object('gid', 'gid://shopify/ProductVariant/' || i, 'price', 11.00, 'sku', 'SKU-' || i, 'title', 'Size M / Blue', 'version', 2),
				2, 'bulk'
			FROM generate_series(1, $1) AS i`, n)
		if err != nil {
			b.Fatal(err)
		}
		suffix := make([]byte, 4)
		_, _ = rand.Read(suffix)
		cfg := DefaultRelayConfig(brokers)
		cfg.TopicPrefix = "bench-" + hex.EncodeToString(suffix) + ".shopsync.changes."
		cfg.PollInterval = 50 * time.Millisecond
		if s := os.Getenv("RELAY_BATCH"); s != "" {
			cfg.BatchSize, _ = strconv.Atoi(s)
		}

		// Baseline: the same messages, encoded beforehand, written by one
		// kafka-go Writer with the relay's settings.
		msgs := make([]kafka.Message, 0, n)
		rows, err := pool.Query(ctx, `SELECT id, store, resource, gid, operation, before, after, version, source, created_at FROM change_outbox ORDER BY id`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var e events.ChangeEvent
			if err := rows.Scan(&e.ID, &e.Store, &e.Resource, &e.GID, &e.Operation, &e.Before, &e.After, &e.Version, &e.Source, &e.Time); err != nil {
				b.Fatal(err)
			}
			v, err := e.Encode()
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, kafka.Message{Topic: cfg.TopicPrefix + "baseline", Key: e.Key(), Value: v})
		}
		if rows.Err() != nil {
			b.Fatal(rows.Err())
		}
		r, err := NewRelay(pool, cfg)
		if err != nil {
			b.Fatal(err)
		}
		tr := &kafka.Transport{}
		client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: tr}
		if _, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: cfg.TopicPrefix + "baseline", NumPartitions: cfg.Partitions, ReplicationFactor: 1}}}); err != nil {
			b.Fatal(err)
		}
		w := newWriter(cfg, tr)
		start := time.Now()
		for i := 0; i < len(msgs); i += cfg.BatchSize {
			if err := w.WriteMessages(ctx, msgs[i:min(i+cfg.BatchSize, len(msgs))]...); err != nil {
				b.Fatal(err)
			}
		}
		base := time.Since(start)
		_ = w.Close()

		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		start = time.Now()
		go func() { done <- r.Run(runCtx) }()
		for {
			l, err := OutboxLag(ctx, pool)
			if err != nil {
				b.Fatal(err)
			}
			if l.Backlog == 0 {
				break
			}
			time.Sleep(20 * time.Millisecond) // polling a benchmark's progress, not synchronising a test
		}
		took := time.Since(start)
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		var topics []string
		for _, f := range events.Families() {
			topics = append(topics, cfg.TopicPrefix+string(f))
		}
		_, _ = client.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: append(topics, cfg.TopicPrefix+"baseline")})
		tr.CloseIdleConnections()

		fmt.Printf("BENCH relay_publish_events_per_s %.0f events/s\n", n/took.Seconds())
		fmt.Printf("BENCH kafka_go_write_baseline_events_per_s %.0f events/s\n", n/base.Seconds())
		fmt.Printf("BENCH relay_vs_kafka_go_ratio %.3f ratio\n", base.Seconds()/took.Seconds())
	}
}
