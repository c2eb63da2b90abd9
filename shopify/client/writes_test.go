package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
)

// TestProductWritesLeaveUnsetFieldsAlone runs the product mutations the
// applier packs and checks the point of the omitempty rule: a field the
// caller did not set is left out of the request, so Shopify keeps its value
// instead of clearing it.
func TestProductWritesLeaveUnsetFieldsAlone(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	ctx := context.Background()

	variant := func(size, price string) client.ProductVariantSetInput {
		return client.ProductVariantSetInput{
			OptionValues:   []client.VariantOptionValueInput{{OptionName: ptr("Size"), Name: ptr(size)}},
			Price:          ptr(price),
			CompareAtPrice: ptr("15.00"),
			Sku:            ptr("TEE-" + size),
		}
	}
	input := client.ProductSetInput{
		Title:  ptr("Tee"),
		Handle: ptr("tee"),
		Status: ptr(client.ProductStatusActive),
		ProductOptions: []client.OptionSetInput{{Name: ptr("Size"), Values: []client.OptionValueSetInput{
			{Name: ptr("S")}, {Name: ptr("M")},
		}}},
		Variants: []client.ProductVariantSetInput{variant("S", "10.00"), variant("M", "10.00")},
	}
	byHandle := &client.ProductSetIdentifiers{Handle: ptr("tee")}
	set, err := client.ProductSet(ctx, c, input, byHandle)
	require.NoError(t, err)
	product := set.ProductSet.Product
	require.NotNil(t, product)
	require.Len(t, product.Variants.Nodes, 2)
	variantS := product.Variants.Nodes[0]
	require.Equal(t, "TEE-S", *variantS.Sku)
	require.Contains(t, variantS.InventoryItem.Id, "gid://shopify/InventoryItem/")

	// The same handle updates the same product: productSet is an upsert.
	input.Title = ptr("Tee v2")
	again, err := client.ProductSet(ctx, c, input, byHandle)
	require.NoError(t, err)
	require.Equal(t, product.Id, again.ProductSet.Product.Id)
	// Variants are the set given; read their ids from the latest answer.
	variantS = again.ProductSet.Product.Variants.Nodes[0]
	require.Equal(t, "TEE-S", *variantS.Sku)

	// Only the price is sent; compareAtPrice keeps its value.
	upd, err := client.ProductVariantsBulkUpdate(ctx, c, product.Id, []client.ProductVariantsBulkInput{{Id: &variantS.Id, Price: ptr("12.00")}}, nil)
	require.NoError(t, err)
	require.Len(t, upd.ProductVariantsBulkUpdate.ProductVariants, 1)
	read, err := client.ProductVariantsPage(ctx, c, product.Id, 10, nil)
	require.NoError(t, err)
	got := read.Product.Variants.Nodes[0]
	require.Equal(t, "12.00", got.Price)
	require.NotNil(t, got.CompareAtPrice)
	require.Equal(t, "15.00", *got.CompareAtPrice)

	// Archiving sends the status alone; the title stays.
	arch, err := client.ProductUpdate(ctx, c, client.ProductUpdateInput{Id: &product.Id, Status: ptr(client.ProductStatusArchived)})
	require.NoError(t, err)
	require.Equal(t, client.ProductStatusArchived, arch.ProductUpdate.Product.Status)
	q := "handle:tee"
	list, err := client.Products(ctx, c, 5, nil, &q, 5)
	require.NoError(t, err)
	require.Len(t, list.Products.Nodes, 1)
	require.Equal(t, "Tee v2", list.Products.Nodes[0].Title)

	// A refused write: a variant of another product.
	_, err = client.ProductVariantsBulkUpdate(ctx, c, product.Id, []client.ProductVariantsBulkInput{{Id: ptr("gid://shopify/ProductVariant/999999999"), Price: ptr("1.00")}}, nil)
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "productVariantsBulkUpdate", ue.Mutation)
	require.NotEmpty(t, ue.Errors[0].Code)

	del, err := client.ProductDelete(ctx, c, product.Id)
	require.NoError(t, err)
	require.Equal(t, product.Id, *del.ProductDelete.DeletedProductId)
}

func TestCollectionWrites(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	ctx := context.Background()
	var ids []string
	for _, title := range []string{"Red Tee", "Blue Mug"} {
		p, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr(title)}, nil)
		require.NoError(t, err)
		ids = append(ids, fakeshop.GID{Type: "Product", ID: p.ID}.String())
	}

	manual, err := client.CollectionCreate(ctx, c, client.CollectionInput{Title: ptr("Summer"), Products: ids[:1]})
	require.NoError(t, err)
	id := manual.CollectionCreate.Collection.Id
	_, err = client.CollectionAddProducts(ctx, c, id, ids[1:])
	require.NoError(t, err)
	_, err = client.CollectionRemoveProducts(ctx, c, id, ids[:1])
	require.NoError(t, err)
	members, err := client.CollectionProductsPage(ctx, c, id, 10, nil)
	require.NoError(t, err)
	require.Len(t, members.Collection.Products.Nodes, 1)
	require.Equal(t, ids[1], members.Collection.Products.Nodes[0].Id)

	// appliedDisjunctively false is non-null: it must be sent, not omitted.
	smart, err := client.CollectionCreate(ctx, c, client.CollectionInput{Title: ptr("Tees"), RuleSet: &client.CollectionRuleSetInput{
		AppliedDisjunctively: false,
		Rules:                []client.CollectionRuleInput{{Column: client.CollectionRuleColumnTitle, Relation: client.CollectionRuleRelationContains, Condition: "Tee"}},
	}})
	require.NoError(t, err)
	q := "title:Tees"
	list, err := client.Collections(ctx, c, 10, nil, &q, 10)
	require.NoError(t, err)
	require.Len(t, list.Collections.Nodes, 1)
	got := list.Collections.Nodes[0]
	require.Equal(t, smart.CollectionCreate.Collection.Id, got.Id)
	require.NotNil(t, got.RuleSet)
	require.False(t, got.RuleSet.AppliedDisjunctively)
	require.Len(t, got.Products.Nodes, 1)
	require.Equal(t, ids[0], got.Products.Nodes[0].Id)

	upd, err := client.CollectionUpdate(ctx, c, client.CollectionInput{Id: &id, Title: ptr("Summer 26")})
	require.NoError(t, err)
	require.Equal(t, id, upd.CollectionUpdate.Collection.Id)
	del, err := client.CollectionDelete(ctx, c, id)
	require.NoError(t, err)
	require.Equal(t, id, *del.CollectionDelete.DeletedCollectionId)
}

func TestContentWrites(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	ctx := context.Background()

	page, err := client.PageCreate(ctx, c, client.PageCreateInput{Title: "About", Body: ptr("<p>Hello</p>"), IsPublished: ptr(true)})
	require.NoError(t, err)
	pageID := page.PageCreate.Page.Id
	require.True(t, page.PageCreate.Page.IsPublished)
	// false is sent because it is set, even under omitempty.
	unpub, err := client.PageUpdate(ctx, c, pageID, client.PageUpdateInput{IsPublished: ptr(false)})
	require.NoError(t, err)
	require.False(t, unpub.PageUpdate.Page.IsPublished)
	require.Equal(t, "About", unpub.PageUpdate.Page.Title)

	blog, err := client.BlogCreate(ctx, c, client.BlogCreateInput{Title: "News"})
	require.NoError(t, err)
	blogID := blog.BlogCreate.Blog.Id
	_, err = client.BlogUpdate(ctx, c, blogID, client.BlogUpdateInput{CommentPolicy: ptr(client.CommentPolicyModerated)})
	require.NoError(t, err)

	art, err := client.ArticleCreate(ctx, c, client.ArticleCreateInput{
		BlogId: &blogID, Title: "Launch", Author: client.AuthorInput{Name: ptr("Ann")}, Body: ptr("<p>Out now</p>"),
	}, nil)
	require.NoError(t, err)
	artID := art.ArticleCreate.Article.Id
	require.Equal(t, blogID, art.ArticleCreate.Article.Blog.Id)
	_, err = client.ArticleUpdate(ctx, c, artID, client.ArticleUpdateInput{Title: ptr("Launch day")}, nil)
	require.NoError(t, err)

	q := client.UpdatedSince(page.PageCreate.Page.UpdatedAt)
	arts, err := client.Articles(ctx, c, 10, nil, &q)
	require.NoError(t, err)
	require.Len(t, arts.Articles.Nodes, 1)
	require.Equal(t, "Launch day", arts.Articles.Nodes[0].Title)
	require.Equal(t, "Ann", arts.Articles.Nodes[0].Author.Name)

	_, err = client.ArticleDelete(ctx, c, artID)
	require.NoError(t, err)
	_, err = client.PageDelete(ctx, c, pageID)
	require.NoError(t, err)
	_, err = client.PageDelete(ctx, c, pageID)
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.True(t, ue.HasCode("NOT_FOUND"), ue.Error())
}

func TestInventoryActivateSendsAZeroQuantity(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	item, _ := stockedItem(t, shop, 5)
	loc, err := shop.CreateLocation(fakeshop.LocationInput{Name: "Shop floor"})
	require.NoError(t, err)
	locGID := fakeshop.GID{Type: "Location", ID: loc.ID}.String()

	resp, err := client.InventoryActivate(context.Background(), c, "activate-1", item, locGID, ptr(0), nil)
	require.NoError(t, err)
	level := resp.InventoryActivate.InventoryLevel
	require.NotNil(t, level)
	require.Equal(t, locGID, level.Location.Id)

	locs, err := client.Locations(context.Background(), c, 10, nil, nil)
	require.NoError(t, err)
	require.Len(t, locs.Locations.Nodes, 2)
}
