package webhooks

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryPolicy spaces the attempts to apply a delivery that failed:
// exponential from Initial, capped at Max, each wait drawn within ±Jitter of
// its nominal value so that many deliveries failed by one outage do not all
// come back at once.
type RetryPolicy struct {
	Initial time.Duration
	Max     time.Duration
	Jitter  float64 // 0 to 1
}

// DefaultRetryPolicy waits 1 s, 2 s, 4 s ... up to 5 minutes, ±20 %.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Initial: time.Second, Max: 5 * time.Minute, Jitter: 0.2}
}

// Validate reports a setting that cannot work, naming it.
func (p RetryPolicy) Validate() error {
	var errs []error
	if p.Initial <= 0 {
		errs = append(errs, fmt.Errorf("retry.initial must be positive, got %v", p.Initial))
	}
	if p.Max < p.Initial {
		errs = append(errs, fmt.Errorf("retry.max must be at least retry.initial, got %v", p.Max))
	}
	if p.Jitter < 0 || p.Jitter > 1 {
		errs = append(errs, fmt.Errorf("retry.jitter must be between 0 and 1, got %v", p.Jitter))
	}
	return errors.Join(errs...)
}

// Delay is the wait after the failed attempt number attempts (1 for the
// first failure).
func (p RetryPolicy) Delay(attempts int) time.Duration {
	d := p.Initial
	for i := 1; i < attempts && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	if p.Jitter > 0 {
		d = time.Duration(float64(d) * (1 + p.Jitter*(2*rand.Float64()-1)))
	}
	return d
}
