package ingest

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
	"github.com/shopsync/shopsync/shopify/client"
)

// Store is one store the Service mirrors.
type Store struct {
	// Domain is the store's *.myshopify.com domain (stores.domain).
	Domain string
	// Role registers the store (stores.role: source or destination) when
	// the database does not know it yet; empty expects it registered (by
	// the configuration's sync).
	Role string
	// Client calls the store's Admin API.
	Client *client.Client
	// WebhookSecrets verify the store's webhooks: the current secret first,
	// then one still valid during a rotation. None refuses its webhooks.
	WebhookSecrets []string
}

// Config configures a Service.
type Config struct {
	Stores []Store
	// Families mirrored; empty means all.
	Families []events.Family
	// Full takes a snapshot of every family at start, even of those
	// mirrored before. Without it only families never completely mirrored
	// (or with a snapshot left unfinished) are snapshotted at start.
	Full bool
	// Once stops after the start's snapshots instead of running on.
	Once bool
	// ReconcileInterval spaces incremental reconcile passes; 0 disables
	// them.
	ReconcileInterval time.Duration
	// SnapshotInterval spaces full snapshots, which catch the deletions
	// webhooks missed; 0 disables them.
	SnapshotInterval time.Duration
	// RetryInterval is the wait before a failed snapshot is tried again;
	// 0 means one minute.
	RetryInterval time.Duration
	// Listen is the address of the HTTP server (webhooks at
	// webhooks.Path, Prometheus at /metrics); empty runs none.
	Listen string
	// Relay publishes the mirror's changes to Kafka; nil runs no relay.
	Relay *mirror.RelayConfig
	// Mirror configures the mirror; zero means mirror.DefaultConfig().
	Mirror mirror.Config
	// Snapshot, Receiver and Processor configure those parts; their
	// Logger, Metrics and Progress are filled in by the Service.
	Snapshot  snapshot.Config
	Receiver  webhooks.ReceiverConfig
	Processor webhooks.ProcessorConfig
	// Progress reports snapshots; nil logs them.
	Progress snapshot.Progress
	// Registry receives every metric; nil means a new one, served at
	// /metrics either way.
	Registry *prometheus.Registry
	Logger   *slog.Logger
}

func (c Config) withDefaults() Config {
	if len(c.Families) == 0 {
		c.Families = events.Families()
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = time.Minute
	}
	if c.Mirror.StagingSchema == "" {
		c.Mirror = mirror.DefaultConfig()
	}
	if c.Receiver == (webhooks.ReceiverConfig{}) {
		c.Receiver = webhooks.DefaultReceiverConfig()
	}
	if c.Processor.BatchSize == 0 {
		c.Processor = webhooks.DefaultProcessorConfig()
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate reports what cannot work, naming the field.
func (c Config) Validate() error {
	var errs []error
	if len(c.Stores) == 0 {
		errs = append(errs, errors.New("ingest: no stores"))
	}
	seen := map[string]bool{}
	for i, s := range c.Stores {
		switch {
		case s.Domain == "":
			errs = append(errs, fmt.Errorf("ingest: stores[%d].domain is empty", i))
		case seen[s.Domain]:
			errs = append(errs, fmt.Errorf("ingest: stores[%d]: %s is listed twice", i, s.Domain))
		case s.Client == nil:
			errs = append(errs, fmt.Errorf("ingest: stores[%d] (%s) has no client", i, s.Domain))
		case s.Client.Shop() != s.Domain:
			errs = append(errs, fmt.Errorf("ingest: stores[%d]: the client calls %s, not %s", i, s.Client.Shop(), s.Domain))
		}
		if s.Role != "" && s.Role != "source" && s.Role != "destination" {
			errs = append(errs, fmt.Errorf("ingest: stores[%d].role %q is not source or destination", i, s.Role))
		}
		seen[s.Domain] = true
	}
	for _, f := range c.Families {
		if _, err := snapshot.SpecOf(f); err != nil {
			errs = append(errs, err)
		}
	}
	if c.ReconcileInterval < 0 || c.SnapshotInterval < 0 || c.RetryInterval < 0 {
		errs = append(errs, errors.New("ingest: intervals cannot be negative"))
	}
	if c.Relay != nil {
		if err := c.Relay.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
