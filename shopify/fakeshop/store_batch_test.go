package fakeshop

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// batchCatalogue is a set of products that exercises CreateProduct's
// defaults: no variants, variants without options, options without values,
// a location given twice, on_hand, explicit positions and handles.
func batchCatalogue(loc1, loc2 int64) []NewProduct {
	return []NewProduct{
		{Product: ProductInput{Title: ptr("Plain")}},
		{Product: ProductInput{Title: ptr("Shirt"), Vendor: ptr("Acme"), Tags: &[]string{" b", "a", "b"}, Status: ptr("DRAFT"),
			Options: []OptionInput{{Name: "Size", Values: []string{"S"}}, {Name: "Color"}}},
			Variants: []VariantInput{
				{OptionValues: []SelectedOption{{"Size", "S"}, {"Color", "Red"}}, Price: ptr("10.00"), SKU: ptr("S-R"), Barcode: ptr("4006381333931"),
					Quantities: []LocationQuantity{{loc1, QtyAvailable, 3}, {loc2, QtyOnHand, 4}, {loc1, QtyAvailable, 5}}},
				{OptionValues: []SelectedOption{{"Size", "M"}, {"Color", "Red"}}, Price: ptr("12.00"), CompareAtPrice: ptr(""), Cost: ptr("4.5"),
					Tracked: ptr(false), InventoryPolicy: ptr("CONTINUE"), Position: ptr(7)},
			}},
		{Product: ProductInput{Title: ptr("Shirt"), Handle: ptr("shirt-special")},
			Variants: []VariantInput{{OptionValues: []SelectedOption{{"Material", "Wool"}}, Quantities: []LocationQuantity{{loc2, QtyAvailable, 20_000}}}}},
		{Product: ProductInput{Title: ptr("Shirt")}, Variants: []VariantInput{{}}},
	}
}

func TestCreateProductsStoresWhatCreateProductDoes(t *testing.T) {
	clock := newTestClock()
	srv := New(Options{Clock: clock.Now})
	one, batch := srv.AddShop(ShopConfig{Name: "one-by-one"}), srv.AddShop(ShopConfig{Name: "batched"})
	for _, s := range []*Shop{one, batch} {
		for _, name := range []string{"A", "B"} {
			_, err := s.CreateLocation(LocationInput{Name: name})
			require.NoError(t, err)
		}
	}
	locs := func(s *Shop) (int64, int64) { l := s.Locations(); return l[0].ID, l[1].ID }

	l1, l2 := locs(one)
	for _, np := range batchCatalogue(l1, l2) {
		_, err := one.CreateProduct(np.Product, np.Variants)
		require.NoError(t, err)
	}
	l1, l2 = locs(batch)
	stored, err := batch.CreateProducts(batchCatalogue(l1, l2))
	require.NoError(t, err)
	require.Len(t, stored, 4)
	require.Equal(t, content(one), content(batch))
	require.Equal(t, "shirt-1", stored[3].Handle)

	// The batch's levels are indexed like any other: they can be changed.
	v := batch.Variants(stored[1])[0]
	lvl := batch.InventoryLevel(v.InventoryItemID, l1)
	require.Equal(t, 5, lvl.Quantity(QtyAvailable), "the later quantity for a location wins")
	_, err = batch.AdjustInventoryQuantities(QtyAvailable, []QuantityAdjust{{ItemID: v.InventoryItemID, LocationID: l1, Delta: 2}})
	require.NoError(t, err)
	require.Equal(t, 7, batch.InventoryLevel(v.InventoryItemID, l1).Quantity(QtyAvailable))
	require.Equal(t, 5, lvl.Quantity(QtyAvailable), "a stored level (and its shared quantities) never changes")
	other := batch.Variants(stored[2])[0]
	require.Equal(t, 20_000, batch.InventoryLevel(other.InventoryItemID, l2).Quantity(QtyAvailable))
	require.NoError(t, batch.DeleteProduct(stored[1].ID))
	require.Nil(t, batch.InventoryLevel(v.InventoryItemID, l1))
}

func TestCreateProductsWithHooksAnnouncesLikeCreateProduct(t *testing.T) {
	srv := New(Options{})
	var one, batch []string
	a, b := srv.AddShop(ShopConfig{Name: "hooked-a"}), srv.AddShop(ShopConfig{Name: "hooked-b"})
	a.OnChange(func(c Change) { one = append(one, c.Topic) })
	b.OnChange(func(c Change) { batch = append(batch, c.Topic) })
	la, err := a.CreateLocation(LocationInput{Name: "A"})
	require.NoError(t, err)
	lb, err := b.CreateLocation(LocationInput{Name: "A"})
	require.NoError(t, err)
	for _, np := range batchCatalogue(la.ID, la.ID) {
		_, err := a.CreateProduct(np.Product, np.Variants)
		require.NoError(t, err)
	}
	_, err = b.CreateProducts(batchCatalogue(lb.ID, lb.ID))
	require.NoError(t, err)
	require.Equal(t, one, batch)
	require.Contains(t, batch, TopicProductsCreate)
}

func TestCreateProductsNamesTheFailingProduct(t *testing.T) {
	for _, hooked := range []bool{false, true} {
		srv := New(Options{})
		shop := srv.AddShop(ShopConfig{Name: "failing"})
		if hooked {
			shop.OnChange(func(Change) {})
		}
		stored, err := shop.CreateProducts([]NewProduct{
			{Product: ProductInput{Title: ptr("Fine")}},
			{Product: ProductInput{Title: ptr("Lost"), Handle: ptr("fine")}},
			{Product: ProductInput{Title: ptr("Never")}},
		})
		var ue *UserError
		require.True(t, errors.As(err, &ue), "hooked=%t: %v", hooked, err)
		require.Equal(t, []string{"1", "handle"}, ue.Field)
		require.Equal(t, "TAKEN", ue.Code)
		require.Len(t, stored, 1)
		require.Len(t, shop.Products(), 1, "products before the failing one stay stored")
	}
}

// The server's own webhook hook does not make a shop observed; a hook of
// one's own or a webhook subscription does.
func TestCreateProductsKnowsWhoListens(t *testing.T) {
	srv := New(Options{})
	quiet := srv.AddShop(ShopConfig{Name: "quiet"})
	require.False(t, quiet.observed())

	hooked := srv.AddShop(ShopConfig{Name: "hooked"})
	hooked.OnChange(func(Change) {})
	require.True(t, hooked.observed())

	subscribed := srv.AddShop(ShopConfig{Name: "subscribed"})
	_, err := subscribed.CreateWebhookSubscription(WebhookSubscriptionInput{Topic: "PRODUCTS_CREATE", URI: "https://example.com/hooks"})
	require.NoError(t, err)
	require.True(t, subscribed.observed())
}
