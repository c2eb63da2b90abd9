package fakeshop

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestIdempotencyKeysLifecycle(t *testing.T) {
	var keys idempotencyKeys
	now := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

	require.Equal(t, idemVerdict{run: true}, keys.begin("k", "fp", now))
	require.Equal(t, idemVerdict{code: "IDEMPOTENCY_CONCURRENT_REQUEST"}, keys.begin("k", "fp", now), "while the first is running")
	require.Equal(t, idemVerdict{code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"}, keys.begin("k", "other", now))
	keys.finish("k", "answer", false)
	require.Equal(t, idemVerdict{replay: "answer"}, keys.begin("k", "fp", now.Add(23*time.Hour)))

	// After the retention window the key is new again.
	require.Equal(t, idemVerdict{run: true}, keys.begin("k", "other", now.Add(24*time.Hour)))

	// A request that never ran gives its key back.
	keys.abandon("k")
	require.Equal(t, idemVerdict{run: true}, keys.begin("k", "fp", now.Add(24*time.Hour)))
	keys.finish("k", nil, true)
	require.Equal(t, idemVerdict{code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"}, keys.begin("k", "fp", now.Add(24*time.Hour)))
}

func TestIdempotencyKeysAreBounded(t *testing.T) {
	var keys idempotencyKeys
	now := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	for i := range idempotencyMaxKeys + 1 {
		key := fmt.Sprint("k", i)
		require.True(t, keys.begin(key, "fp", now).run)
		keys.finish(key, i, false)
	}
	require.Equal(t, idempotencyMaxKeys, keys.order.Len())
	require.True(t, keys.begin("k0", "fp", now).run, "the oldest key was forgotten first")
	require.Equal(t, idemVerdict{replay: 2}, keys.begin("k2", "fp", now))
}
