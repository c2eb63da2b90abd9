package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/bulk"
	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

const productsBulkQuery = `{
  products {
    edges {
      node {
        id
        title
        variants {
          edges {
            node {
              id
              sku
            }
          }
        }
      }
    }
  }
}`

// seedCatalog creates products with variants each and returns the SKUs by
// product title.
func seedCatalog(t *testing.T, shop *fakeshop.Shop, products, variants int) map[string][]string {
	t.Helper()
	want := map[string][]string{}
	var values []string
	for v := range variants {
		values = append(values, fmt.Sprintf("V%d", v))
	}
	for p := range products {
		title := fmt.Sprintf("Product %d", p)
		var in []fakeshop.VariantInput
		for _, value := range values {
			sku := fmt.Sprintf("SKU-%d-%s", p, value)
			in = append(in, fakeshop.VariantInput{OptionValues: []fakeshop.SelectedOption{{Name: "Style", Value: value}}, Price: ptr("5.00"), SKU: ptr(sku)})
			want[title] = append(want[title], sku)
		}
		_, err := shop.CreateProduct(fakeshop.ProductInput{Title: ptr(title), Options: []fakeshop.OptionInput{{Name: "Style", Values: values}}}, in)
		require.NoError(t, err)
	}
	return want
}

// headerRecorder remembers the access-token header of every GET it sends.
type headerRecorder struct {
	mu     sync.Mutex
	gets   int
	tokens []string
}

func (h *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet {
		h.mu.Lock()
		h.gets++
		if tok := req.Header.Get(transport.HeaderAccessToken); tok != "" {
			h.tokens = append(h.tokens, tok)
		}
		h.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestRunBulkQueryEndToEnd runs a bulk query against fakeshop, downloads
// the result without the token and joins it with shopify/bulk.
func TestRunBulkQueryEndToEnd(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	rec := &headerRecorder{}
	c, _ := newClient(t, srv, shop, func(cfg *client.Config) { cfg.Transport.Base = rec })
	want := seedCatalog(t, shop, 4, 3)
	ctx := context.Background()

	res, err := c.RunBulkQuery(ctx, productsBulkQuery)
	require.NoError(t, err)
	require.Equal(t, client.BulkOperationStatusCompleted, res.Status)
	require.Equal(t, int64(4+4*3), res.ObjectCount)
	require.Equal(t, int64(4), res.RootObjectCount)
	require.NotEmpty(t, res.URL)
	require.Positive(t, res.FileSize)
	require.False(t, res.CompletedAt.IsZero())

	body, err := c.OpenBulkResult(ctx, res.URL)
	require.NoError(t, err)
	defer body.Close()
	titles := map[string]string{}
	got := map[string][]string{}
	stats, err := bulk.Join(ctx, body, t.TempDir(), func(r bulk.Record) error {
		switch r.Typename {
		case "Product":
			var p struct{ Title string }
			if err := json.Unmarshal(r.Raw, &p); err != nil {
				return err
			}
			titles[r.ID] = p.Title
		case "ProductVariant":
			var v struct{ SKU string }
			if err := json.Unmarshal(r.Raw, &v); err != nil {
				return err
			}
			require.Equal(t, 1, r.Depth)
			got[r.Root] = append(got[r.Root], v.SKU)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotZero(t, stats)
	byTitle := map[string][]string{}
	for root, skus := range got {
		byTitle[titles[root]] = skus
	}
	for _, skus := range want {
		require.Len(t, skus, 3)
	}
	require.Equal(t, len(want), len(byTitle))
	for title, skus := range want {
		require.ElementsMatch(t, skus, byTitle[title], title)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Equal(t, 1, rec.gets, "one download")
	require.Empty(t, rec.tokens, "the bulk result request must not carry the access token")
}

func TestRunBulkQueryFailedReturnsBulkErrorWithPartialData(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	seedCatalog(t, shop, 3, 2)
	shop.FailNextBulkQuery(2, "TIMEOUT")
	ctx := context.Background()

	res, err := c.RunBulkQuery(ctx, productsBulkQuery)
	var be *client.BulkError
	require.ErrorAs(t, err, &be)
	require.ErrorIs(t, err, client.ErrorCode("TIMEOUT"))
	require.Contains(t, err.Error(), "FAILED (TIMEOUT)")
	require.Equal(t, client.BulkOperationStatusFailed, res.Status)
	require.Equal(t, "TIMEOUT", res.ErrorCode)
	require.NotEmpty(t, res.PartialDataURL)

	body, err := c.OpenBulkResult(ctx, res.PartialDataURL)
	require.NoError(t, err)
	defer body.Close()
	lines := 0
	r := bulk.NewReader(body, bulk.Options{})
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		lines++
	}
	require.Equal(t, 2, lines)
}

func TestStartBulkQueryRejectedIsUserErrors(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)

	// No connection at all: Shopify requires at least one.
	_, err := c.StartBulkQuery(context.Background(), `{ shop { id } }`, false)
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "bulkOperationRunQuery", ue.Mutation)
	require.True(t, ue.HasCode("INVALID"), ue.Error())
}

func TestWaitBulkOperationResumesByIDAndCancel(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, _ := newClient(t, srv, shop)
	seedCatalog(t, shop, 2, 1)
	ctx := context.Background()

	started, err := c.StartBulkQuery(ctx, productsBulkQuery, true)
	require.NoError(t, err)
	require.Contains(t, started.ID, "gid://shopify/BulkOperation/")

	// A second process resumes the wait with the id alone.
	other, _ := newClient(t, srv, shop)
	res, err := other.WaitBulkOperation(ctx, started.ID)
	require.NoError(t, err)
	require.Equal(t, started.ID, res.ID)
	require.Equal(t, int64(4), res.ObjectCount)

	listed, err := client.BulkOperations(ctx, c, 10, nil, ptr("status:COMPLETED"))
	require.NoError(t, err)
	require.NotEmpty(t, listed.BulkOperations.Nodes)
	require.Equal(t, started.ID, listed.BulkOperations.Nodes[0].Id)

	// A finished operation cannot be cancelled: userErrors, typed.
	_, err = c.CancelBulkOperation(ctx, started.ID)
	var ue *client.UserErrors
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "bulkOperationCancel", ue.Mutation)

	_, err = c.WaitBulkOperation(ctx, "gid://shopify/BulkOperation/999999999")
	require.ErrorIs(t, err, client.ErrBulkOperationNotFound)
}
