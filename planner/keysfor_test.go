package planner_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/schema/events"
)

func event(store string, r events.Resource, gid string, before, after map[string]any) events.ChangeEvent {
	e := events.ChangeEvent{Store: store, Resource: r, GID: gid, Operation: events.Update, Version: 2,
		Source: events.Webhook, Time: time.Now()}
	e.Before, _ = json.Marshal(before)
	e.After, _ = json.Marshal(after)
	return e
}

// keysFor maps events to the keys of the fixture's link.
func (f *fixture) keysFor(evs ...events.ChangeEvent) []string {
	f.t.Helper()
	lks, err := f.p.KeysFor(f.ctx, evs)
	require.NoError(f.t, err)
	for _, lk := range lks {
		if lk.Link.ID == f.link {
			return lk.Keys
		}
	}
	return nil
}

func TestKeysForEvents(t *testing.T) {
	t.Run("handle", func(t *testing.T) {
		f := newFixture(t, "handle", nil)
		f.put(src, shirt("10", "blue"))
		f.put(dst, twin(shirt("10", "blue"), "90"))
		f.put(dst, twin(shirt("11", "theirs"), "91"))
		f.plan()
		// A source variant: its product's handle.
		require.Equal(t, []string{"blue"}, f.keysFor(event(src, events.Variant, gid("ProductVariant", "101"), nil, nil)))
		// A renamed source product: its old and new handles (the old key's
		// pending delta must go).
		require.Equal(t, []string{"blue", "old-blue"}, f.keysFor(event(src, events.Product, gid("Product", "10"),
			map[string]any{"handle": "old-blue"}, map[string]any{"handle": "blue"})))
		// A destination variant: the source product matched to its product,
		// and its product's own handle.
		require.Equal(t, []string{"blue"}, f.keysFor(event(dst, events.Variant, gid("ProductVariant", "902"), nil, nil)))
		require.Equal(t, []string{"theirs"}, f.keysFor(event(dst, events.Product, gid("Product", "91"), nil, nil)))
		// Another store's events concern no link.
		require.Nil(t, f.keysFor(event("other.myshopify.com", events.Product, gid("Product", "10"), nil, nil)))
	})
	t.Run("sku", func(t *testing.T) {
		f := newFixture(t, "sku", nil)
		a, b := shirt("10", "a"), shirt("11", "b")
		f.put(src, a)
		f.put(src, b)
		f.put(dst, twin(a, "90"))
		f.exec(`UPDATE variants SET inventory_item_gid = 'gid://shopify/InventoryItem/7' WHERE store = $1 AND gid = $2`, src, gid("ProductVariant", "101"))
		f.plan()
		pa, pb := gid("Product", "10"), gid("Product", "11")
		require.Equal(t, []string{pa}, f.keysFor(event(src, events.Variant, gid("ProductVariant", "102"), nil, nil)))
		// A variant whose SKU became another product's: both products.
		require.Equal(t, []string{pa, pb}, f.keysFor(event(src, events.Variant, gid("ProductVariant", "102"),
			map[string]any{"sku": "SKU-10-M"}, map[string]any{"sku": "SKU-11-S"})))
		// Stock of an item: its variant's product.
		require.Equal(t, []string{pa}, f.keysFor(event(src, events.InventoryLevel, "gid://shopify/InventoryLevel/1?inventory_item_id=7",
			nil, map[string]any{"inventory_item_gid": "gid://shopify/InventoryItem/7"})))
		// A destination product: the source product matched to it.
		require.Equal(t, []string{pa}, f.keysFor(event(dst, events.Product, gid("Product", "90"), nil, nil)))
	})
}

// A destination's changes that the applier recorded from its own write plan
// nothing (the plan that made the write accounts for them); the same change
// found by a webhook or a re-read is planned, and so is a source change the
// applier made (a two-way adjustment moves the other destinations).
func TestKeysForSkipsTheApplierOwnDestinationChanges(t *testing.T) {
	f := newFixture(t, "handle", nil)
	f.put(src, shirt("10", "blue"))
	f.put(dst, twin(shirt("10", "blue"), "90"))
	f.plan()
	from := func(e events.ChangeEvent, s events.Source) events.ChangeEvent { e.Source = s; return e }
	dv := event(dst, events.Variant, gid("ProductVariant", "902"), nil, nil)
	require.Nil(t, f.keysFor(from(dv, events.Applier)), "the applier's own destination change")
	require.Equal(t, []string{"blue"}, f.keysFor(from(dv, events.Reconcile)), "a destination change found by a re-read")
	require.Equal(t, []string{"blue"}, f.keysFor(from(dv, events.Applier), from(dv, events.Webhook)),
		"a batch with a foreign change beside the applier's")
	sv := event(src, events.Variant, gid("ProductVariant", "101"), nil, nil)
	require.Equal(t, []string{"blue"}, f.keysFor(from(sv, events.Applier)), "the applier's change in the source")
}

// The periodic full plan converges changes no event announced.
func TestRunPeriodicConverges(t *testing.T) {
	f := newFixture(t, "handle", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.p.RunPeriodic(ctx, 100*time.Millisecond) }()
	f.put(src, shirt("10", "blue"))
	require.Eventually(t, func() bool { return len(f.pending()) == 1 }, 30*time.Second, 20*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
}
