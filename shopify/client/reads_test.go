package client_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

func TestShopReadsIdentityPlanAndCurrency(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme", Currency: "EUR"})
	c, _ := newClient(t, srv, shop)

	resp, err := client.Shop(context.Background(), c)
	require.NoError(t, err)
	require.Equal(t, shop.GID(), resp.Shop.Id)
	require.Equal(t, "acme.myshopify.com", resp.Shop.MyshopifyDomain)
	require.Equal(t, client.CurrencyCodeEur, resp.Shop.CurrencyCode)
	require.NotEmpty(t, resp.Shop.Plan.PublicDisplayName)
	require.NotEmpty(t, resp.Shop.PrimaryDomain.Host)
	require.False(t, resp.Shop.CreatedAt.IsZero())
}

// TestProductsUpdatedSincePaginates reads only the products changed since a
// time, two per page, each with its variants and their inventory items, as
// reconciliation does.
func TestProductsUpdatedSincePaginates(t *testing.T) {
	clock := newTestClock()
	srv := startFakeshop(t, fakeshop.Options{Clock: clock.Now})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)

	for i := range 3 {
		_, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr(fmt.Sprintf("Old %d", i))}, nil)
		require.NoError(t, err)
	}
	clock.Advance(time.Hour)
	since := clock.Now()
	want := map[string][]string{}
	for i := range 5 {
		title := fmt.Sprintf("New %d", i)
		var variants []fakeshop.VariantInput
		for _, size := range []string{"S", "M"} {
			sku := fmt.Sprintf("NEW-%d-%s", i, size)
			variants = append(variants, fakeshop.VariantInput{
				OptionValues: []fakeshop.SelectedOption{{Name: "Size", Value: size}},
				Price:        ptr("19.99"), SKU: ptr(sku),
			})
			want[title] = append(want[title], sku)
		}
		_, err := shop.CreateProduct(fakeshop.ProductInput{
			Title:   ptr(title),
			Options: []fakeshop.OptionInput{{Name: "Size", Values: []string{"S", "M"}}},
		}, variants)
		require.NoError(t, err)
	}

	ctx := context.Background()
	query := client.UpdatedSince(since)
	got := map[string][]string{}
	var after *string
	pages := 0
	for {
		resp, err := client.Products(ctx, c, 2, after, &query, 10)
		require.NoError(t, err)
		pages++
		for _, p := range resp.Products.Nodes {
			require.False(t, p.UpdatedAt.Before(since), "%s updated at %s, before %s", p.Title, p.UpdatedAt, since)
			require.False(t, p.Variants.PageInfo.HasNextPage)
			for _, v := range p.Variants.Nodes {
				require.NotNil(t, v.Sku)
				require.Equal(t, "19.99", v.Price)
				require.Contains(t, v.InventoryItem.Id, "gid://shopify/InventoryItem/")
				require.Equal(t, v.Sku, v.InventoryItem.Sku)
				got[p.Title] = append(got[p.Title], *v.Sku)
			}
		}
		if !resp.Products.PageInfo.HasNextPage {
			break
		}
		after = resp.Products.PageInfo.EndCursor
		require.NotNil(t, after)
	}
	// Variants come in position order.
	require.Equal(t, want, got)
	require.Equal(t, 3, pages, "5 products two per page")
}
