package faults

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
)

// Ports the suite's processes listen on are taken below Linux's ephemeral
// range (32768-60999 by default). A port from there ("127.0.0.1:0") is free
// when asked for, but a service stopped and started again on it, as the
// outage cases do, can find it taken meanwhile as the local port of some
// outgoing connection ("address already in use"); below the range the
// kernel never hands ports out by itself.
const (
	quietPortLow  = 20000
	quietPortHigh = 32000
)

// quietPort is a port below the ephemeral range that nothing listens on
// now. The search starts at a random point, so parallel test binaries
// rarely try the same ports.
func quietPort(t testing.TB) int {
	t.Helper()
	span := quietPortHigh - quietPortLow
	start := rand.IntN(span)
	for i := range span {
		port := quietPortLow + (start+i)%span
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		if err := l.Close(); err != nil {
			t.Fatalf("closing the probe of port %d: %v", port, err)
		}
		return port
	}
	t.Fatalf("no free port between %d and %d", quietPortLow, quietPortHigh)
	return 0
}
