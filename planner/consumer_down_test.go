package planner_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/planner"
	"github.com/shopsync/shopsync/schema/testdb"
)

// With Kafka unreachable the consumer keeps running (the periodic full plan
// converges meanwhile) and counts the failed fetches; it returns nil only
// when asked to stop.
func TestConsumerWaitsOutKafkaDown(t *testing.T) {
	// A port that refuses connections: listen, note the address, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	reg := prometheus.NewRegistry()
	m, err := planner.NewMetrics(reg)
	require.NoError(t, err)
	p := planner.New(testdb.Postgres(t), planner.WithMetrics(m))
	c, err := planner.NewConsumer(p, planner.ConsumerConfig{Brokers: []string{addr}, GroupID: "down-test"})
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	fetchErrors := func() float64 {
		v, _ := testutil.GatherAndCount(reg, "shopsync_planner_consumer_fetch_errors_total")
		if v == 0 {
			return 0
		}
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if mf.GetName() == "shopsync_planner_consumer_fetch_errors_total" {
				return mf.GetMetric()[0].GetCounter().GetValue()
			}
		}
		return 0
	}
	require.Eventually(t, func() bool { return fetchErrors() >= 2 }, 30*time.Second, 50*time.Millisecond,
		"the consumer did not fetch again after Kafka refused it")
	select {
	case err := <-done:
		t.Fatalf("consumer returned while Kafka was down: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("consumer did not stop when asked")
	}
}
