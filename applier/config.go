package applier

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/shopsync/shopsync/shopify/cost"
)

// Config tunes an Applier and its Writers. Start from DefaultConfig.
type Config struct {
	// Holder names this process in destination_leases; empty means
	// host-pid-random.
	Holder string
	// Destinations restricts the Applier to these store domains; empty means
	// every store with role destination.
	Destinations []string
	// MaxDestinations caps the leases this process holds at once, so that
	// several processes share the destinations; 0 means no cap.
	MaxDestinations int
	// LeaseTTL is how long a lease lasts unless renewed; LeaseRenew is how
	// often the holder renews it (well inside LeaseTTL).
	LeaseTTL   time.Duration
	LeaseRenew time.Duration
	// Poll is how often an idle Writer looks for new pending deltas, and how
	// often the Applier looks for destinations without a writer.
	Poll time.Duration
	// ReadBatch is how many pending deltas a Writer reads and packs at once.
	ReadBatch int
	// InFlight is how many requests a Writer keeps under way: one waits at
	// the cost budget while others' outcomes are recorded, so the bucket
	// never sits full (recording a request of cheap but many changes, such
	// as 2,000 stock levels, takes longer than the bucket takes to refill
	// for the next).
	InFlight int
	// MaxRequestCost caps the requested cost of one HTTP request (its
	// aliased mutations together); 0 means a quarter of the Standard bucket
	// (500), always within Shopify's 1,000-point cap.
	MaxRequestCost int
	// MaxAliases caps the mutations packed into one HTTP request.
	MaxAliases int
	// MaxInventoryPerCall caps the quantities of one inventorySetQuantities
	// (Shopify's input arrays take at most 250).
	MaxInventoryPerCall int
	// OneChangePerCall turns packing off: every change (one quantity, one
	// variant's price) is a mutation of its own in an HTTP request of its
	// own. It exists as the baseline the benchmark compares packing with.
	OneChangePerCall bool
	// MaxAttempts is how many times a delta is tried before a transient
	// error fails it for good.
	MaxAttempts int
	// RetryInitial and RetryMax bound the backoff before a delta whose
	// attempt failed transiently is tried again (the transport has already
	// retried the request itself by then).
	RetryInitial time.Duration
	RetryMax     time.Duration
	// EchoTTL is how long an applier_writes row marks the webhooks of a write
	// as echoes.
	EchoTTL time.Duration
	// InventoryReason is inventorySetQuantities' reason.
	InventoryReason string
	// Logger receives the Writers' decisions; nil means slog.Default().
	Logger *slog.Logger
	// Metrics records the Prometheus metrics; nil records none.
	Metrics *Metrics
	// Hooks are for tests.
	Hooks Hooks
}

// Hooks let tests stop a Writer at the moments that matter.
type Hooks struct {
	// AfterSend runs after Shopify answered a request and before its outcome
	// is recorded. An error stops the Writer right there, as a crash would:
	// nothing about the request is recorded.
	AfterSend func(ctx context.Context, store string, deltaIDs []int64) error
}

// DefaultConfig returns the settings for production use.
func DefaultConfig() Config {
	return Config{
		LeaseTTL:            30 * time.Second,
		LeaseRenew:          10 * time.Second,
		Poll:                time.Second,
		ReadBatch:           2000,
		InFlight:            4,
		MaxAliases:          100,
		MaxInventoryPerCall: 250,
		MaxAttempts:         8,
		RetryInitial:        time.Second,
		RetryMax:            5 * time.Minute,
		EchoTTL:             15 * time.Minute,
		InventoryReason:     "correction",
	}
}

// Validate reports the first setting that cannot work, by its field name.
func (c Config) Validate() error {
	switch {
	case c.LeaseTTL < time.Second:
		return fmt.Errorf("applier config: LeaseTTL must be at least 1s, got %s", c.LeaseTTL)
	case c.LeaseRenew <= 0 || c.LeaseRenew*2 > c.LeaseTTL:
		return fmt.Errorf("applier config: LeaseRenew (%s) must be positive and at most half of LeaseTTL (%s)", c.LeaseRenew, c.LeaseTTL)
	case c.MaxDestinations < 0:
		return fmt.Errorf("applier config: MaxDestinations must not be negative, got %d", c.MaxDestinations)
	case c.Poll <= 0:
		return fmt.Errorf("applier config: Poll must be positive, got %s", c.Poll)
	case c.ReadBatch < 1:
		return fmt.Errorf("applier config: ReadBatch must be at least 1, got %d", c.ReadBatch)
	case c.InFlight < 1:
		return fmt.Errorf("applier config: InFlight must be at least 1, got %d", c.InFlight)
	case c.MaxRequestCost < 0 || c.MaxRequestCost > cost.MaxQueryCost:
		return fmt.Errorf("applier config: MaxRequestCost must be between 0 and %d, got %d", cost.MaxQueryCost, c.MaxRequestCost)
	case c.MaxAliases < 1:
		return fmt.Errorf("applier config: MaxAliases must be at least 1, got %d", c.MaxAliases)
	case c.MaxInventoryPerCall < 1 || c.MaxInventoryPerCall > 250:
		return fmt.Errorf("applier config: MaxInventoryPerCall must be between 1 and 250, got %d", c.MaxInventoryPerCall)
	case c.MaxAttempts < 1:
		return fmt.Errorf("applier config: MaxAttempts must be at least 1, got %d", c.MaxAttempts)
	case c.RetryInitial <= 0 || c.RetryMax < c.RetryInitial:
		return fmt.Errorf("applier config: RetryInitial (%s) must be positive and at most RetryMax (%s)", c.RetryInitial, c.RetryMax)
	case c.EchoTTL <= 0:
		return fmt.Errorf("applier config: EchoTTL must be positive, got %s", c.EchoTTL)
	case c.InventoryReason == "":
		return errors.New("applier config: InventoryReason must not be empty")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxRequestCost == 0 {
		c.MaxRequestCost = int(cost.Standard.Capacity) / 4
	}
	if c.Holder == "" {
		c.Holder = newHolderID()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.OneChangePerCall {
		c.MaxAliases = 1
		c.MaxInventoryPerCall = 1
	}
	return c
}
