package webhooks

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ProcessorConfig configures a Processor.
type ProcessorConfig struct {
	// BatchSize is how many deliveries one transaction claims and applies.
	BatchSize int
	// Workers is how many batches one Processor claims and applies at
	// once (0 is 1). A mirror table's writers take turns (its advisory
	// lock, held to the commit), but a second worker claims and prepares
	// its batch, and applies batches of other tables or stores, while the
	// first holds the lock.
	Workers int
	// PollInterval is how often the inbox is looked at when no notification
	// came: the fallback for a lost LISTEN connection or a delivery stored
	// by something that does not notify.
	PollInterval time.Duration
	// Retry spaces the attempts of a delivery whose application failed.
	Retry RetryPolicy
	// MaxAttempts, when positive, is how many failed attempts a delivery
	// gets before the processor gives up on it: it is then marked ignored
	// with its last error kept, and reconciliation is left to catch up. 0
	// retries forever.
	MaxAttempts int
	// Logger receives failures (Warn) and progress (Debug); nil discards.
	Logger *slog.Logger
	// Metrics records outcomes; nil records nothing.
	Metrics *Metrics
}

// DefaultProcessorConfig is batches of 500, two workers, a 1 s poll,
// DefaultRetryPolicy and retries without end.
func DefaultProcessorConfig() ProcessorConfig {
	return ProcessorConfig{BatchSize: 500, Workers: 2, PollInterval: time.Second, Retry: DefaultRetryPolicy()}
}

// Validate reports a setting that cannot work, naming it.
func (c ProcessorConfig) Validate() error {
	var errs []error
	if c.BatchSize <= 0 {
		errs = append(errs, fmt.Errorf("batch_size must be positive, got %d", c.BatchSize))
	}
	if c.PollInterval <= 0 {
		errs = append(errs, fmt.Errorf("poll_interval must be positive, got %v", c.PollInterval))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers must not be negative, got %d", c.Workers))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("max_attempts must not be negative, got %d", c.MaxAttempts))
	}
	if err := c.Retry.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("webhooks: processor config: %w", err)
	}
	return nil
}
