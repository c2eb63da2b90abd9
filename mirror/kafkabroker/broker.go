// Package kafkabroker runs an embedded, in-process Kafka-protocol broker
// (franz-go's kfake) for `shopsync run` and `shopsync demo` when KAFKA_BROKERS
// is unset, so the pipeline works on a machine without Java or a Kafka
// installation. It keeps everything in memory: what it holds is gone when it
// stops, which suits a demo and never a deployment. Tests use the real broker
// that `make services` starts, and check that both behave alike for what
// shopsync relies on (keyed produce, consumer groups, committed offsets).
package kafkabroker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
)

// DefaultPartitions is how many partitions an auto-created topic gets, the
// same as num.partitions of the local real broker (deploy/local/kafka.sh).
const DefaultPartitions = 1

// Broker is a running embedded broker listening on 127.0.0.1.
type Broker struct {
	cluster *kfake.Cluster
	addrs   []string
	once    sync.Once
	stop    func() bool // detaches the context watch
}

// Start starts a one-node broker on a free 127.0.0.1 port, with automatic
// topic creation as the local real broker has. It runs until Close is called
// or ctx is done, whichever comes first.
func Start(ctx context.Context) (*Broker, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start embedded kafka broker: %w", err)
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(DefaultPartitions),
		kfake.ClusterID("shopsync-embedded"),
		kfake.WithLogger(slogLogger{slog.Default().With("component", "kafkabroker")}),
	)
	if err != nil {
		return nil, fmt.Errorf("start embedded kafka broker: %w", err)
	}
	addrs := c.ListenAddrs()
	if len(addrs) == 0 {
		c.Close()
		return nil, errors.New("start embedded kafka broker: it listens on no address")
	}
	b := &Broker{cluster: c, addrs: addrs}
	b.stop = context.AfterFunc(ctx, b.shutdown)
	slog.Debug("embedded kafka broker started", "addrs", addrs)
	return b, nil
}

// Addrs returns the host:port addresses to give Kafka clients as bootstrap
// brokers.
func (b *Broker) Addrs() []string {
	return append([]string(nil), b.addrs...)
}

// Close stops the broker and drops everything it held. It is safe to call more
// than once and from several goroutines.
func (b *Broker) Close() {
	b.stop()
	b.shutdown()
}

// shutdown closes the cluster once; it is what a done context triggers, so it
// must not touch b.stop, which may not be assigned yet when it runs.
func (b *Broker) shutdown() {
	b.once.Do(b.cluster.Close)
}
