package kafkabroker_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/shopsync/shopsync/mirror/kafkabroker"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestEmbeddedBrokerRoundTrip(t *testing.T) {
	b, err := kafkabroker.Start(t.Context())
	require.NoError(t, err)
	defer b.Close()
	roundTrip(t, b.Addrs())
}

func TestEmbeddedBrokerStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	b, err := kafkabroker.Start(ctx)
	require.NoError(t, err)
	defer b.Close() // after the context stopped it: must be harmless
	addrs := b.Addrs()
	require.Len(t, addrs, 1)
	host, _, err := net.SplitHostPort(addrs[0])
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", host, "the embedded broker must listen on loopback only")

	cancel()
	require.Eventually(t, func() bool {
		conn, err := net.DialTimeout("tcp", addrs[0], time.Second)
		if err == nil {
			_ = conn.Close()
		}
		return err != nil
	}, 10*time.Second, 20*time.Millisecond, "broker still accepts connections after its context was cancelled")
}

func TestStartWithDoneContextFails(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := kafkabroker.Start(ctx)
	require.ErrorIs(t, err, context.Canceled)
}
