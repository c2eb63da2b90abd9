package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// TestOrderCreateReadAndCancel creates an order as the applier does for a
// destination's order, reads it back with its line items, and cancels it.
func TestOrderCreateReadAndCancel(t *testing.T) {
	clock := newTestClock()
	srv := startFakeshop(t, fakeshop.Options{Clock: clock.Now})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	ctx := context.Background()
	p, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr("Mug")}, []fakeshop.VariantInput{{Price: ptr("9.00"), SKU: ptr("MUG-1")}})
	require.NoError(t, err)
	variantGID := fakeshop.GID{Type: "ProductVariant", ID: p.VariantIDs[0]}.String()

	money := func(amount string) *client.MoneyBagInput {
		return &client.MoneyBagInput{ShopMoney: client.MoneyInput{Amount: amount, CurrencyCode: client.CurrencyCodeUsd}}
	}
	order := client.OrderCreateOrderInput{
		Email:            ptr("buyer@example.com"),
		SourceIdentifier: ptr("dest-order-1"),
		LineItems:        []client.OrderCreateLineItemInput{{VariantId: &variantGID, Quantity: 2, PriceSet: money("9.00")}},
	}

	// A refused order: processed in the future.
	future := order
	future.ProcessedAt = ptr(clock.Now().Add(time.Hour))
	_, err = client.OrderCreate(ctx, c, future, nil)
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.True(t, ue.HasCode("PROCESSED_AT_INVALID"), ue.Error())

	// One discount code of one kind; two kinds at once are refused.
	twoKinds := order
	twoKinds.DiscountCode = &client.OrderCreateDiscountCodeInput{
		ItemFixedDiscountCode:    &client.OrderCreateFixedDiscountCodeAttributesInput{Code: "TAKE2", AmountSet: money("2.00")},
		FreeShippingDiscountCode: &client.OrderCreateFreeShippingDiscountCodeAttributesInput{Code: "SHIP"},
	}
	_, err = client.OrderCreate(ctx, c, twoKinds, nil)
	require.ErrorAs(t, err, &ue)
	require.True(t, ue.HasCode("INVALID"), ue.Error())
	order.DiscountCode = &client.OrderCreateDiscountCodeInput{
		ItemFixedDiscountCode: &client.OrderCreateFixedDiscountCodeAttributesInput{Code: "TAKE2", AmountSet: money("2.00")}}
	order.TaxesIncluded = ptr(true)
	order.TaxLines = []client.OrderCreateTaxLineInput{{Title: "VAT", Rate: "0.2", PriceSet: money("2.67")}}

	created, err := client.OrderCreate(ctx, c, order, &client.OrderCreateOptionsInput{InventoryBehaviour: ptr(client.OrderCreateInputsInventoryBehaviorBypass)})
	require.NoError(t, err)
	orderID := created.OrderCreate.Order.Id
	made := created.OrderCreate.Order
	require.Equal(t, "dest-order-1", *made.SourceIdentifier)
	require.Equal(t, []string{"TAKE2"}, made.DiscountCodes)
	require.True(t, made.TaxesIncluded)
	// 2 x 9.00 less 2.00; the tax is inside.
	require.Equal(t, []string{"16.00", "2.00", "16.00"},
		[]string{made.SubtotalPriceSet.ShopMoney.Amount, made.TotalDiscountsSet.ShopMoney.Amount, made.TotalPriceSet.ShopMoney.Amount})

	q := client.UpdatedSince(clock.Now())
	list, err := client.Orders(ctx, c, client.OrdersPageSize, nil, &q, client.LineItemsPerOrder)
	require.NoError(t, err)
	require.Len(t, list.Orders.Nodes, 1)
	got := list.Orders.Nodes[0]
	require.Equal(t, orderID, got.Id)
	require.Len(t, got.LineItems.Nodes, 1)
	li := got.LineItems.Nodes[0]
	require.Equal(t, 2, li.Quantity)
	require.Equal(t, variantGID, li.Variant.Id)
	require.Equal(t, "9.00", li.OriginalUnitPriceSet.ShopMoney.Amount)
	require.Nil(t, got.CancelledAt)
	require.Equal(t, []string{"TAKE2"}, got.DiscountCodes)
	require.Equal(t, "2.00", got.TotalDiscountsSet.ShopMoney.Amount)
	require.Equal(t, "0.00", got.TotalShippingPriceSet.ShopMoney.Amount)

	// restock is left out (false) and takes the operation's default.
	cancelled, err := client.OrderCancel(ctx, c, orderID, client.OrderCancelReasonCustomer, false, nil, nil, nil, nil)
	require.NoError(t, err)
	require.NotNil(t, cancelled.OrderCancel.Job)
	again, err := client.Orders(ctx, c, client.OrdersPageSize, nil, &q, client.LineItemsPerOrder)
	require.NoError(t, err)
	require.NotNil(t, again.Orders.Nodes[0].CancelledAt)
	require.Equal(t, client.OrderCancelReasonCustomer, *again.Orders.Nodes[0].CancelReason)

	// Cancelling twice is refused through orderCancelUserErrors.
	_, err = client.OrderCancel(ctx, c, orderID, client.OrderCancelReasonCustomer, false, nil, nil, nil, nil)
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "orderCancel", ue.Mutation)
	require.NotEmpty(t, ue.Errors[0].Code)
}
