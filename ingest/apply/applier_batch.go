package apply

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/ingest/webhooks"
	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

var _ webhooks.BatchApplier = (*Applier)(nil)

// ApplyBatch implements webhooks.BatchApplier: the deliveries that carry
// mirror rows go to the mirror in one mirror.ApplyMany (a few set-based
// statements for the whole batch); the others get the outcome Apply would
// give them. A delivery that cannot be converted is ignored as in Apply; a
// row the mirror refuses fails the batch, which the processor then applies
// one delivery at a time.
func (a *Applier) ApplyBatch(ctx context.Context, tx pgx.Tx, ds []webhooks.Delivery) ([]webhooks.Outcome, error) {
	outcomes := make([]webhooks.Outcome, len(ds))
	var (
		batches []mirror.Batch
		of      []int // the delivery of each batch
	)
	for i, d := range ds {
		switch d.Topic {
		case TopicAppUninstalled, "bulk_operations/finish":
			o, err := a.Apply(ctx, tx, d)
			if err != nil {
				return nil, err
			}
			outcomes[i] = o
			continue
		}
		b, err := mirror.FromWebhook(d.Store, d.Topic, d.Payload, d.TriggeredAt)
		if err == nil {
			err = b.Validate()
		}
		if errors.Is(err, mirror.ErrUnsupportedTopic) || errors.Is(err, mirror.ErrInvalidRow) {
			a.log.Warn("webhook delivery cannot be mirrored; ignored", "store", d.Store, "topic", d.Topic,
				"webhook_id", d.WebhookID, "error", err.Error())
			outcomes[i] = webhooks.Ignored
			continue
		}
		if err != nil {
			return nil, err
		}
		batches, of = append(batches, b), append(of, i)
	}
	if len(batches) == 0 {
		return outcomes, nil
	}
	results, err := a.mirror.ApplyMany(ctx, inSavepoint{tx}, events.Webhook, batches)
	if err != nil {
		return nil, err
	}
	for j, rs := range results {
		outcomes[of[j]] = outcome(rs)
	}
	return outcomes, nil
}
