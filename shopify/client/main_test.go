package client_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The client starts no goroutine of its own; a leak here would be a poll
// loop or a response body left open.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
