package audit_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every Writer's flusher, proxy and connection is gone when its test ends.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
