package apply

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// TopicAppUninstalled is the topic Shopify sends when a shop removes the app.
const TopicAppUninstalled = "app/uninstalled"

// Applier applies webhook deliveries to the mirror; see the package
// documentation.
type Applier struct {
	mirror *mirror.Mirror
	log    *slog.Logger
	// OnUninstalled, when set, is called (inside the processor's
	// transaction, so it must be quick and must not fail) with the domain
	// of a shop that uninstalled the app.
	OnUninstalled func(store string)
}

// New returns an Applier writing to m; logger may be nil.
func New(m *mirror.Mirror, logger *slog.Logger) *Applier {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Applier{mirror: m, log: logger}
}

var _ webhooks.Applier = (*Applier)(nil)

// Apply implements webhooks.Applier.
func (a *Applier) Apply(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
	log := a.log.With("store", d.Store, "topic", d.Topic, "webhook_id", d.WebhookID)
	switch d.Topic {
	case TopicAppUninstalled:
		log.Error("the shop uninstalled the app: its ingest stops; the mirror keeps its rows as last seen")
		if a.OnUninstalled != nil {
			a.OnUninstalled(d.Store)
		}
		return webhooks.Processed, nil
	case "bulk_operations/finish":
		return webhooks.Ignored, nil
	}
	b, err := mirror.FromWebhook(d.Store, d.Topic, d.Payload, d.TriggeredAt)
	if err == nil {
		err = b.Validate()
	}
	if errors.Is(err, mirror.ErrUnsupportedTopic) || errors.Is(err, mirror.ErrInvalidRow) {
		// Retrying cannot make it pass; reconciliation catches up.
		log.Warn("webhook delivery cannot be mirrored; ignored", "error", err.Error())
		return webhooks.Ignored, nil
	}
	if err != nil {
		return 0, err
	}
	results, err := a.mirror.Apply(ctx, inSavepoint{tx}, events.Webhook, b)
	if err != nil {
		return 0, err
	}
	return outcome(results), nil
}

// outcome is Ignored when every object of the delivery was older than the
// mirror's (a late or repeated delivery), Processed otherwise, including a
// delivery that found the mirror already holding exactly its content.
func outcome(results []mirror.Result) webhooks.Outcome {
	stale := 0
	for _, r := range results {
		if r.Outcome == mirror.Stale {
			stale++
		}
	}
	if len(results) > 0 && stale == len(results) {
		return webhooks.Ignored
	}
	return webhooks.Processed
}
