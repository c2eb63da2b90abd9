package applier_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Writers, lease renewals, audit flushers and fakeshop servers are all gone
// when a test ends.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
