package audit

import (
	"fmt"
	"log/slog"
	"time"
)

// Config tunes a Writer. Start from DefaultConfig.
type Config struct {
	// BatchSize is the most rows one ClickHouse insert carries. ClickHouse
	// prefers few large inserts (each makes a part to merge).
	BatchSize int
	// FlushInterval is how long a row waits, at most, before the flusher looks
	// for it while ClickHouse is healthy; a full batch recorded by this Writer
	// is sent at once.
	FlushInterval time.Duration
	// SendTimeout bounds one batch: the duplicate check and the insert.
	SendTimeout time.Duration
	// Lease is how long a claimed batch stays reserved for its flusher. It must
	// outlast SendTimeout, so that no other flusher takes rows still being
	// sent; a crashed flusher's rows are taken again after it.
	Lease time.Duration
	// RetryInitial and RetryMax bound the exponential backoff between failed
	// flushes (with jitter), while ClickHouse or PostgreSQL is unreachable.
	RetryInitial time.Duration
	RetryMax     time.Duration
	// GaugeInterval is how often, at most, the flusher counts the buffer for
	// shopsync_audit_buffered_rows (a count(*) of audit_outbox).
	GaugeInterval time.Duration
	// Table is the ClickHouse table written, in the connection's database.
	Table string
	// Logger receives the state changes (unreachable, reachable again); nil
	// means slog.Default().
	Logger *slog.Logger
	// Metrics records the writer's Prometheus metrics; nil records none.
	Metrics *Metrics
}

// DefaultConfig returns the settings for production use.
func DefaultConfig() Config {
	return Config{
		BatchSize:     10_000,
		FlushInterval: time.Second,
		SendTimeout:   30 * time.Second,
		Lease:         2 * time.Minute,
		RetryInitial:  500 * time.Millisecond,
		RetryMax:      30 * time.Second,
		GaugeInterval: 5 * time.Second,
		Table:         "audit_writes",
	}
}

// Validate reports the first setting that cannot work, by its field name.
func (c Config) Validate() error {
	switch {
	case c.BatchSize < 1:
		return fmt.Errorf("audit config: BatchSize must be at least 1, got %d", c.BatchSize)
	case c.FlushInterval <= 0:
		return fmt.Errorf("audit config: FlushInterval must be positive, got %s", c.FlushInterval)
	case c.SendTimeout <= 0:
		return fmt.Errorf("audit config: SendTimeout must be positive, got %s", c.SendTimeout)
	case c.Lease < c.SendTimeout+time.Second:
		return fmt.Errorf("audit config: Lease (%s) must exceed SendTimeout (%s) by at least 1s", c.Lease, c.SendTimeout)
	case c.RetryInitial <= 0 || c.RetryMax < c.RetryInitial:
		return fmt.Errorf("audit config: RetryInitial (%s) must be positive and at most RetryMax (%s)", c.RetryInitial, c.RetryMax)
	case c.GaugeInterval <= 0:
		return fmt.Errorf("audit config: GaugeInterval must be positive, got %s", c.GaugeInterval)
	case !identifier.MatchString(c.Table):
		return fmt.Errorf("audit config: Table %q is not a plain ClickHouse identifier", c.Table)
	}
	return nil
}
