package webhooks_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
)

// batchRecorder is a test BatchApplier: ApplyBatch answers with batch,
// Apply (the one-by-one fallback) with one.
type batchRecorder struct {
	mu      sync.Mutex
	batches [][]string // webhook ids per ApplyBatch call
	singles []string
	batch   func(ctx context.Context, tx pgx.Tx, ds []webhooks.Delivery) ([]webhooks.Outcome, error)
	one     func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error)
}

func (r *batchRecorder) ApplyBatch(ctx context.Context, tx pgx.Tx, ds []webhooks.Delivery) ([]webhooks.Outcome, error) {
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.WebhookID
	}
	r.mu.Lock()
	r.batches = append(r.batches, ids)
	r.mu.Unlock()
	return r.batch(ctx, tx, ds)
}

func (r *batchRecorder) Apply(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
	r.mu.Lock()
	r.singles = append(r.singles, d.WebhookID)
	r.mu.Unlock()
	return r.one(ctx, tx, d)
}

// A BatchApplier gets every claimed delivery in one call, in claim order;
// its writes commit with the marks, and its outcomes are recorded per
// delivery.
func TestProcessorAppliesAClaimedBatchAtOnce(t *testing.T) {
	f := newFixture(t)
	var ids []string
	for range 5 {
		ids = append(ids, f.store(delivery{}))
	}
	rec := &batchRecorder{batch: func(ctx context.Context, tx pgx.Tx, ds []webhooks.Delivery) ([]webhooks.Outcome, error) {
		out := make([]webhooks.Outcome, len(ds))
		for i, d := range ds {
			if err := storeDomain(ctx, tx, d); err != nil {
				return nil, err
			}
			out[i] = webhooks.Processed
			if i == 0 {
				out[i] = webhooks.Ignored
			}
		}
		return out, nil
	}}
	n, err := newProcessor(t, f, rec).ProcessBatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 5, n)
	require.Len(t, rec.batches, 1)
	assert.ElementsMatch(t, ids, rec.batches[0])
	assert.Empty(t, rec.singles)
	assert.Equal(t, 5, f.storesWritten())
	assert.Equal(t, webhooks.StatusIgnored, f.row(rec.batches[0][0]).Status)
	for _, id := range rec.batches[0][1:] {
		assert.Equal(t, webhooks.StatusProcessed, f.row(id).Status)
		assert.Equal(t, 1, f.row(id).Attempts)
	}
	assert.Equal(t, 1.0, counter(t, f.reg, "shopsync_webhook_apply_batches_total", map[string]string{"mode": webhooks.BatchApplied}))
}

// When the batch fails (a row the database refuses, a panic, an aborted
// transaction), none of its writes remain and the deliveries are applied
// one by one: the bad one fails alone, the others are processed.
func TestProcessorFallsBackToOneByOneWhenTheBatchFails(t *testing.T) {
	for name, fail := range map[string]func(ctx context.Context, tx pgx.Tx) error{
		"error": func(context.Context, pgx.Tx) error { return errors.New("duplicate key") },
		"panic": func(context.Context, pgx.Tx) error { panic("nil map in the mirror") },
		"aborted": func(ctx context.Context, tx pgx.Tx) error {
			_, _ = tx.Exec(ctx, "SELECT 1/0") // swallowed
			return nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			bad := f.store(delivery{})
			good := []string{f.store(delivery{}), f.store(delivery{})}
			rec := &batchRecorder{
				batch: func(ctx context.Context, tx pgx.Tx, ds []webhooks.Delivery) ([]webhooks.Outcome, error) {
					out := make([]webhooks.Outcome, len(ds))
					for i, d := range ds {
						if err := storeDomain(ctx, tx, d); err != nil {
							return nil, err
						}
						out[i] = webhooks.Processed
					}
					return out, fail(ctx, tx)
				},
				one: func(ctx context.Context, tx pgx.Tx, d webhooks.Delivery) (webhooks.Outcome, error) {
					if d.WebhookID == bad {
						return 0, errors.New("this one is bad")
					}
					return webhooks.Processed, storeDomain(ctx, tx, d)
				},
			}
			n, err := newProcessor(t, f, rec).ProcessBatch(context.Background())
			require.NoError(t, err)
			require.Equal(t, 3, n)
			require.Len(t, rec.batches, 1)
			assert.ElementsMatch(t, append([]string{bad}, good...), rec.singles)
			assert.Equal(t, 2, f.storesWritten(), "the batch's writes were rolled back; the good ones written again")
			assert.Equal(t, webhooks.StatusFailed, f.row(bad).Status)
			for _, id := range good {
				assert.Equal(t, webhooks.StatusProcessed, f.row(id).Status)
			}
			assert.Equal(t, 1.0, counter(t, f.reg, "shopsync_webhook_apply_batches_total", map[string]string{"mode": webhooks.BatchFellBack}))
		})
	}
}
