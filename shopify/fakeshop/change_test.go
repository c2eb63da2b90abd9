package fakeshop

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestShopMethodsEmitChanges(t *testing.T) {
	clock := newTestClock()
	srv := New(Options{Clock: clock.Now})
	shop := srv.AddShop(ShopConfig{Name: "events"})
	var got []Change
	shop.OnChange(func(c Change) { got = append(got, c) })
	topics := func() []string {
		var out []string
		for _, c := range got {
			out = append(out, c.Topic)
		}
		got = nil
		return out
	}

	loc, err := shop.CreateLocation(LocationInput{Name: "Main"})
	require.NoError(t, err)
	require.Equal(t, []string{TopicLocationsCreate}, topics())

	p, err := shop.CreateProduct(ProductInput{Title: ptr("Hat")}, []VariantInput{{SKU: ptr("HAT"), Quantities: []LocationQuantity{{loc.ID, "available", 3}}}})
	require.NoError(t, err)
	require.Equal(t, []string{TopicInventoryItemsCreate, TopicInventoryLevelsConnect, TopicInventoryLevelsUpdate, TopicProductsCreate}, topics())

	v := shop.Variants(p)[0]
	changes, err := shop.SetInventoryQuantities("available", []QuantitySet{{ItemID: v.InventoryItemID, LocationID: loc.ID, Quantity: 10, ChangeFrom: ptr(3)}})
	require.NoError(t, err)
	require.Equal(t, []QuantityChange{{ItemID: v.InventoryItemID, LocationID: loc.ID, Name: "available", Delta: 7, QuantityAfter: 10},
		{ItemID: v.InventoryItemID, LocationID: loc.ID, Name: "on_hand", Delta: 7, QuantityAfter: 10}}, changes)
	ev := got[0]
	require.Equal(t, []string{TopicInventoryLevelsUpdate}, topics())
	require.Equal(t, 10, ev.Resource.(*InventoryLevel).Quantity("available"), "the change carries the stored record")

	// A stale compare-and-swap changes nothing and says so with Shopify's code.
	_, err = shop.SetInventoryQuantities("available", []QuantitySet{{ItemID: v.InventoryItemID, LocationID: loc.ID, Quantity: 1, ChangeFrom: ptr(3)}})
	var ue *UserError
	require.True(t, errors.As(err, &ue))
	require.Equal(t, "CHANGE_FROM_QUANTITY_STALE", ue.Code)
	require.Empty(t, topics())
	require.Equal(t, 10, shop.InventoryLevel(v.InventoryItemID, loc.ID).Quantity("available"))

	_, err = shop.AdjustInventoryQuantities("available", []QuantityAdjust{{ItemID: v.InventoryItemID, LocationID: loc.ID, Delta: -4}})
	require.NoError(t, err)
	require.Equal(t, 6, shop.InventoryLevel(v.InventoryItemID, loc.ID).Quantity("on_hand"))
	require.Equal(t, []string{TopicInventoryLevelsUpdate}, topics())

	clock.Advance(5e9)
	updated, err := shop.UpdateProduct(p.ID, ProductInput{Title: ptr("Cap")})
	require.NoError(t, err)
	require.True(t, updated.UpdatedAt.After(p.UpdatedAt), "updatedAt bumps on every change")
	require.Equal(t, "Hat", p.Title, "records are immutable: the old snapshot is unchanged")
	require.Equal(t, []string{TopicProductsUpdate}, topics())

	_, err = shop.CreateOrder(OrderInput{LineItems: []LineItemInput{{VariantID: v.ID, Quantity: 2}}, InventoryBehaviour: "DECREMENT_OBEYING_POLICY"})
	require.NoError(t, err)
	require.Equal(t, []string{TopicInventoryLevelsUpdate, TopicOrdersCreate}, topics())
	require.Equal(t, 4, shop.InventoryLevel(v.InventoryItemID, loc.ID).Quantity("available"))

	require.NoError(t, shop.DeleteProduct(p.ID))
	require.Equal(t, []string{TopicInventoryItemsDelete, TopicProductsDelete}, topics())
	require.Nil(t, shop.Product(p.ID))
}

func TestHandlesAreUniquePerType(t *testing.T) {
	srv := New(Options{})
	shop := srv.AddShop(ShopConfig{Name: "handles"})
	a, err := shop.CreateProduct(ProductInput{Title: ptr("Black Sunglasses")}, nil)
	require.NoError(t, err)
	b, err := shop.CreateProduct(ProductInput{Title: ptr("Black  Sunglasses!")}, nil)
	require.NoError(t, err)
	require.Equal(t, "black-sunglasses", a.Handle)
	require.Equal(t, "black-sunglasses-1", b.Handle, "a derived handle gets a suffix when taken")
	_, err = shop.CreateProduct(ProductInput{Title: ptr("Other"), Handle: ptr("black-sunglasses")}, nil)
	var ue *UserError
	require.True(t, errors.As(err, &ue), "an explicit taken handle is an error")
	c, err := shop.CreateCollection(CollectionInput{Title: ptr("Black Sunglasses")})
	require.NoError(t, err)
	require.Equal(t, "black-sunglasses", c.Handle, "collections have their own handle space")
}
