package ingest_test

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
)

// kafkaRoundTrip is the webhook benchmark's baseline: n messages produced at
// rate (64 concurrent producers, acks=all, the relay's 5 ms batch timeout)
// to a fresh one-partition topic on the same broker and read back by a
// reader like the benchmark's consumer. Its latencies are what Kafka alone
// costs at that rate on this machine, the floor under receipt-to-Kafka.
func kafkaRoundTrip(b *testing.B, brokers []string, rate, n int) []time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	raw := make([]byte, 4)
	_, _ = rand.Read(raw)
	topic := "test-" + hex.EncodeToString(raw) + ".baseline"
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: tr, Timeout: 30 * time.Second}
	_, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}}})
	require.NoError(b, err)
	defer client.DeleteTopics(context.WithoutCancel(ctx), &kafka.DeleteTopicsRequest{Topics: []string{topic}})

	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: topic, RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond, BatchSize: 1000, Transport: tr}
	defer w.Close()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: 0,
		MaxWait: 20 * time.Millisecond, MinBytes: 1, MaxBytes: 10 << 20})
	defer r.Close()
	// The topic's leader may take a moment after creation: one message
	// through before timing.
	require.Eventually(b, func() bool {
		return w.WriteMessages(ctx, kafka.Message{Value: binary.BigEndian.AppendUint64(nil, uint64(1<<63))}) == nil
	}, time.Minute, 100*time.Millisecond)

	sent := make([]atomic.Int64, n)
	got := make(chan time.Duration, n)
	var readers sync.WaitGroup
	readers.Go(func() {
		for seen := 0; seen < n; {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				return
			}
			i := binary.BigEndian.Uint64(m.Value)
			if i < uint64(n) {
				got <- time.Since(time.Unix(0, sent[i].Load()))
				seen++
			}
		}
	})
	jobs := make(chan int, 1024)
	var senders sync.WaitGroup
	for range 64 {
		senders.Go(func() {
			for i := range jobs {
				sent[i].Store(time.Now().UnixNano())
				require.NoError(b, w.WriteMessages(ctx, kafka.Message{Value: binary.BigEndian.AppendUint64(nil, uint64(i))}))
			}
		})
	}
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i := range n {
		// Pacing, not synchronisation: message i leaves at its slot.
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		jobs <- i
	}
	close(jobs)
	senders.Wait()
	readers.Wait()
	close(got)
	out := make([]time.Duration, 0, n)
	for d := range got {
		out = append(out, d)
	}
	require.Len(b, out, n, "every baseline message read back")
	slices.Sort(out)
	return out
}
