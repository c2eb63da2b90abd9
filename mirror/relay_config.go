package mirror

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// RelayConfig tunes a Relay.
type RelayConfig struct {
	// Brokers are the Kafka bootstrap addresses (host:port).
	Brokers []string
	// TopicPrefix starts each family's topic name; schema/events names the
	// topics (events.TopicPrefix + family), and only tests that need topics
	// of their own change it.
	TopicPrefix string
	// Partitions and ReplicationFactor are what the relay creates missing
	// topics with at start. Keys hash to partitions, so a row's changes stay
	// in order whatever the count.
	Partitions        int
	ReplicationFactor int
	// BatchSize is how many change rows one publish takes from the outbox.
	BatchSize int
	// PollInterval is how often the relay looks for changes when no
	// notification woke it (notifications can be lost with a dropped
	// connection; the poll bounds the delay then).
	PollInterval time.Duration
	// MinBackoff and MaxBackoff bound the wait between retries while Kafka
	// or PostgreSQL is unavailable.
	MinBackoff, MaxBackoff time.Duration
	// WriteTimeout bounds one publish to Kafka.
	WriteTimeout time.Duration
	Logger       *slog.Logger
	Metrics      *Metrics
}

// DefaultRelayConfig returns the defaults for brokers.
func DefaultRelayConfig(brokers []string) RelayConfig {
	return RelayConfig{
		Brokers:           brokers,
		TopicPrefix:       events.TopicPrefix,
		Partitions:        6,
		ReplicationFactor: 1,
		BatchSize:         1000,
		PollInterval:      time.Second,
		MinBackoff:        100 * time.Millisecond,
		MaxBackoff:        10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
}

// Validate reports the first bad field by name.
func (c RelayConfig) Validate() error {
	switch {
	case len(c.Brokers) == 0:
		return errors.New("relay config: Brokers is empty")
	case c.TopicPrefix == "" || strings.ContainsAny(c.TopicPrefix, " /\\"):
		return fmt.Errorf("relay config: TopicPrefix %q is not a usable topic prefix", c.TopicPrefix)
	case c.Partitions < 1:
		return fmt.Errorf("relay config: Partitions %d must be positive", c.Partitions)
	case c.ReplicationFactor < 1:
		return fmt.Errorf("relay config: ReplicationFactor %d must be positive", c.ReplicationFactor)
	case c.BatchSize < 1:
		return fmt.Errorf("relay config: BatchSize %d must be positive", c.BatchSize)
	case c.PollInterval <= 0:
		return fmt.Errorf("relay config: PollInterval %v must be positive", c.PollInterval)
	case c.MinBackoff <= 0 || c.MaxBackoff < c.MinBackoff:
		return fmt.Errorf("relay config: MinBackoff %v and MaxBackoff %v must be positive and ordered", c.MinBackoff, c.MaxBackoff)
	case c.WriteTimeout <= 0:
		return fmt.Errorf("relay config: WriteTimeout %v must be positive", c.WriteTimeout)
	}
	return nil
}

// topic is the Kafka topic of a family's changes: schema/events' name, with
// the prefix swapped when the config has another.
func (c RelayConfig) topic(f events.Family) string {
	return c.TopicPrefix + strings.TrimPrefix(f.Topic(), events.TopicPrefix)
}
