package mirror_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

func outcomes(rs []mirror.Result) map[string]mirror.Outcome {
	out := map[string]mirror.Outcome{}
	for _, r := range rs {
		out[r.GID] = r.Outcome
	}
	return out
}

func TestApplyTwiceWritesOneChange(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	b := mirror.Batch{Rows: []mirror.Row{product(1, t0), variant(1, 1, t0)}}
	rs, err := m.Apply(ctx, pool, events.Webhook, b)
	require.NoError(t, err)
	require.Equal(t, []mirror.Result{
		{Resource: events.Product, GID: productGID(1), Outcome: mirror.Applied, Operation: events.Create},
		{Resource: events.Variant, GID: variantGID(1, 1), Outcome: mirror.Applied, Operation: events.Create},
	}, rs)

	rs, err = m.Apply(ctx, pool, events.Webhook, b)
	require.NoError(t, err)
	require.Equal(t, map[string]mirror.Outcome{productGID(1): mirror.Unchanged, variantGID(1, 1): mirror.Unchanged}, outcomes(rs))
	cs := changes(t, pool)
	require.Len(t, cs, 2)
	require.Equal(t, "webhook", cs[0].Source)
}

func TestApplyStaleIsIgnored(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	_, err := m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0)}})
	require.NoError(t, err)

	old := product(1, t0.Add(-time.Minute))
	old.Title = "An older title"
	rs, err := m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{old}})
	require.NoError(t, err)
	require.Equal(t, mirror.Stale, rs[0].Outcome)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM products WHERE title = 'Product 1' AND version = 1`))
	require.Len(t, changes(t, pool), 1)

	newer := product(1, t0.Add(time.Minute))
	newer.Title = "A newer title"
	rs, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{newer}})
	require.NoError(t, err)
	require.Equal(t, mirror.Result{Resource: events.Product, GID: productGID(1), Outcome: mirror.Applied, Operation: events.Update}, rs[0])
	cs := changes(t, pool)
	require.Len(t, cs, 2)
	require.Equal(t, "Product 1", cs[1].Before["title"])
	require.Equal(t, "A newer title", cs[1].After["title"])
}

// A webhook that arrives while a snapshot loads is newer than the snapshot's
// row; the snapshot must not overwrite it, nor tombstone what the webhook
// created after the snapshot began.
func TestSnapshotKeepsNewerWebhookRows(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	snapshot(t, m, true, catalogue(2, t0)...)

	s, err := m.BeginSnapshot(ctx, mirror.SnapshotSpec{Store: store, Family: events.Products})
	require.NoError(t, err)
	// The snapshot read product 1 as it was at t0+1m (a price edit) ...
	rows := catalogue(2, t0.Add(time.Minute))
	rows[1].(*mirror.Variant).Price = "11.00"
	require.NoError(t, s.Add(ctx, "1", rows...))
	require.NoError(t, s.Flush(ctx))

	// ... while webhooks brought a newer edit of that variant and a new product.
	newer := variant(1, 1, t0.Add(2*time.Minute))
	newer.Price = "12.00"
	_, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{newer, product(3, t0.Add(2*time.Minute))}})
	require.NoError(t, err)

	res, err := s.Commit(ctx, mirror.CommitOptions{Complete: true})
	require.NoError(t, err)
	require.EqualValues(t, 1, res.Tables[events.Variant].Stale)
	require.Zero(t, res.Tables[events.Product].Deleted, "the webhook's product was created after the snapshot began")

	var price string
	require.NoError(t, pool.QueryRow(ctx, `SELECT price::text FROM variants WHERE gid = $1`, variantGID(1, 1)).Scan(&price))
	require.Equal(t, "12.00", price)
	require.Equal(t, 3, count(t, pool, `SELECT count(*) FROM products WHERE deleted_at IS NULL`))
}

func TestApplyDropsVariantsMissingFromProduct(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	snapshot(t, m, false, catalogue(1, t0)...)
	p := product(1, t0.Add(time.Minute))
	b := mirror.Batch{
		Rows: []mirror.Row{p, variant(1, 1, t0)},
		ChildSets: []mirror.ChildSet{{Store: store, Parent: p.Ref(), ParentResource: events.Product, Child: events.Variant,
			Keep: []string{variantGID(1, 1)}, At: p.UpdatedAt}},
	}
	rs, err := m.Apply(ctx, pool, events.Webhook, b)
	require.NoError(t, err)
	require.Contains(t, rs, mirror.Result{Resource: events.Variant, GID: variantGID(1, 2), Outcome: mirror.Applied, Operation: events.Delete})
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM variants WHERE deleted_at IS NOT NULL AND gid = $1`, variantGID(1, 2)))

	// Again: the variant is already gone, nothing changes.
	before := len(changes(t, pool))
	_, err = m.Apply(ctx, pool, events.Webhook, b)
	require.NoError(t, err)
	require.Len(t, changes(t, pool), before)
}

func TestTombstoneCascadesAndIsGuarded(t *testing.T) {
	m, pool := newMirror(t)
	ctx := t.Context()
	snapshot(t, m, false, catalogue(2, t0)...)

	// A deletion older than the row's last update is stale.
	rs, err := m.Tombstone(ctx, pool, events.Webhook, mirror.Deletion{Store: store, Resource: events.Product, GID: productGID(1), At: ptr(t0.Add(-time.Hour))})
	require.NoError(t, err)
	require.Equal(t, []mirror.Result{{Resource: events.Product, GID: productGID(1), Outcome: mirror.Stale}}, rs)

	rs, err = m.Tombstone(ctx, pool, events.Webhook, mirror.Deletion{Store: store, Resource: events.Product, GID: productGID(1), At: ptr(t0.Add(time.Hour))})
	require.NoError(t, err)
	require.Equal(t, map[string]mirror.Outcome{productGID(1): mirror.Applied, variantGID(1, 1): mirror.Applied, variantGID(1, 2): mirror.Applied}, outcomes(rs))
	require.Equal(t, 3, count(t, pool, `SELECT count(*) FROM change_outbox WHERE operation = 'delete' AND source = 'webhook'`))

	// Deleting again changes nothing; a late update older than the deletion
	// does not bring the product back.
	rs, err = m.Tombstone(ctx, pool, events.Webhook, mirror.Deletion{Store: store, Resource: events.Product, GID: productGID(1), At: ptr(t0.Add(time.Hour))})
	require.NoError(t, err)
	require.Equal(t, mirror.Unchanged, rs[0].Outcome)
	late := product(1, t0.Add(time.Minute))
	late.Title = "Late"
	rs, err = m.Apply(ctx, pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{late}})
	require.NoError(t, err)
	require.Equal(t, mirror.Stale, rs[0].Outcome)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM products WHERE gid = $1 AND deleted_at IS NOT NULL`, productGID(1)))
}

func TestApplyRefusesInvalidRows(t *testing.T) {
	m, pool := newMirror(t)
	bad := variant(1, 1, t0)
	bad.ProductGID = "gid://shopify/Collection/1"
	_, err := m.Apply(t.Context(), pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0), bad}})
	require.ErrorIs(t, err, mirror.ErrInvalidRow)

	// A row only the database refuses (negative price) fails the whole batch.
	neg := variant(1, 1, t0)
	neg.Price = "-1.00"
	_, err = m.Apply(t.Context(), pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0), neg}})
	require.Error(t, err)
	require.Zero(t, count(t, pool, `SELECT count(*) FROM products`))
	require.Empty(t, changes(t, pool))
}
