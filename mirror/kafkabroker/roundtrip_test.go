package kafkabroker_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
)

// roundTripCase is what the round trip sends: keys spread over partitions,
// each key with its own ascending sequence numbers as values.
const (
	rtPartitions = 3
	rtKeys       = 20
	rtPerKey     = 50
)

// requireReachable fails the test, naming the brokers and how to start them,
// when none accepts a TCP connection: a missing broker is an error, not a skip.
func requireReachable(t *testing.T, brokers []string) {
	t.Helper()
	require.NotEmpty(t, brokers, "no Kafka broker configured")
	var errs []string
	for _, b := range brokers {
		conn, err := net.DialTimeout("tcp", b, 5*time.Second)
		if err == nil {
			_ = conn.Close()
			return
		}
		errs = append(errs, err.Error())
	}
	t.Fatalf("Kafka broker %v is unreachable (%s): start the local services with `make services`, or point KAFKA_BROKERS at a running broker",
		brokers, strings.Join(errs, "; "))
}

// roundTrip produces rtKeys*rtPerKey keyed messages to a fresh topic, reads them
// back through a new consumer group committing each one, and checks that every
// message arrived once, that each key stayed on one partition in the order it
// was produced, and that the group's committed offsets cover all of them.
func roundTrip(t *testing.T, brokers []string) {
	t.Helper()
	requireReachable(t, brokers)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	// Own transport, closed at the end: kafka-go's default one keeps idle
	// connections (and their goroutines) alive for the whole process.
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: tr, Timeout: 30 * time.Second}

	topic := fmt.Sprintf("shopsync-roundtrip-%d", time.Now().UnixNano())
	created, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{
		Topic: topic, NumPartitions: rtPartitions, ReplicationFactor: 1,
	}}})
	require.NoError(t, err, "create topic %s", topic)
	require.NoError(t, created.Errors[topic], "create topic %s", topic)
	require.Eventually(t, func() bool {
		md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
		if err != nil || len(md.Topics) != 1 || md.Topics[0].Error != nil || len(md.Topics[0].Partitions) != rtPartitions {
			return false
		}
		for _, p := range md.Topics[0].Partitions {
			if p.Error != nil || p.Leader.Port == 0 {
				return false
			}
		}
		return true
	}, 30*time.Second, 50*time.Millisecond, "topic %s never got %d partitions with leaders", topic, rtPartitions)

	produce(ctx, t, brokers, tr, topic)

	group := topic + "-group"
	got := consume(ctx, t, brokers, topic, group)

	// Every message once; per key, one partition and the produced order.
	partitionOf := map[string]int{}
	nextSeq := map[string]int{}
	lastOffset := map[int]int64{}
	perPartition := map[int]int64{}
	for _, m := range got {
		k := string(m.Key)
		seq, err := strconv.Atoi(string(m.Value))
		require.NoError(t, err, "value of %s at %d/%d", k, m.Partition, m.Offset)
		if p, ok := partitionOf[k]; ok {
			require.Equal(t, p, m.Partition, "key %s moved from partition %d to %d", k, p, m.Partition)
		}
		partitionOf[k] = m.Partition
		require.Equal(t, nextSeq[k], seq, "key %s: out of order or duplicated", k)
		nextSeq[k]++
		if last, ok := lastOffset[m.Partition]; ok {
			require.Greater(t, m.Offset, last, "partition %d went back in offsets", m.Partition)
		}
		lastOffset[m.Partition] = m.Offset
		perPartition[m.Partition]++
	}
	require.Len(t, nextSeq, rtKeys)
	for k, n := range nextSeq {
		require.Equal(t, rtPerKey, n, "messages received for key %s", k)
	}
	require.Greater(t, len(perPartition), 1, "all keys landed on one partition: the test proves little")

	// The commits reached the broker: each partition's committed offset is the
	// next one to read, i.e. how many messages it held (the topic is fresh).
	parts := make([]int, rtPartitions)
	for i := range parts {
		parts[i] = i
	}
	off, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	require.NoError(t, err, "fetch committed offsets of %s", group)
	require.NoError(t, off.Error)
	require.Len(t, off.Topics[topic], rtPartitions)
	for _, p := range off.Topics[topic] {
		require.NoError(t, p.Error, "partition %d", p.Partition)
		require.Equal(t, perPartition[p.Partition], p.CommittedOffset, "committed offset of partition %d", p.Partition)
	}

	_, err = client.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: []string{topic}})
	require.NoError(t, err, "delete topic %s", topic)
}

// produce writes the messages key by key interleaved, so that each partition
// receives several keys mixed together, hashing keys to partitions.
func produce(ctx context.Context, t *testing.T, brokers []string, tr *kafka.Transport, topic string) {
	t.Helper()
	w := &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		Transport:    tr,
	}
	defer func() { require.NoError(t, w.Close(), "close writer") }()
	msgs := make([]kafka.Message, 0, rtKeys*rtPerKey)
	for seq := range rtPerKey {
		for k := range rtKeys {
			msgs = append(msgs, kafka.Message{Key: fmt.Appendf(nil, "key-%02d", k), Value: strconv.AppendInt(nil, int64(seq), 10)})
		}
	}
	require.NoError(t, w.WriteMessages(ctx, msgs...), "produce %d messages to %s", len(msgs), topic)
}

// consume reads every produced message through consumer group `group`,
// committing each after it is read, and returns them in the order read.
func consume(ctx context.Context, t *testing.T, brokers []string, topic, group string) []kafka.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        brokers,
		GroupID:        group,
		Topic:          topic,
		StartOffset:    kafka.FirstOffset,
		MaxWait:        100 * time.Millisecond,
		CommitInterval: 0, // synchronous commits: CommitMessages returns once the broker has them
	})
	defer func() { require.NoError(t, r.Close(), "close reader") }()
	want := rtKeys * rtPerKey
	got := make([]kafka.Message, 0, want)
	for len(got) < want {
		m, err := r.FetchMessage(ctx)
		require.NoError(t, err, "fetch message %d of %d from %s", len(got)+1, want, topic)
		require.NoError(t, r.CommitMessages(ctx, m), "commit %d/%d", m.Partition, m.Offset)
		got = append(got, m)
	}
	return got
}
