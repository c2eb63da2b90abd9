package snapshot_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/cost"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

// startShop runs a fakeshop on 127.0.0.1:0 with one shop for the test.
func startShop(t testing.TB, opts fakeshop.Options) (*fakeshop.Server, *fakeshop.Shop) {
	t.Helper()
	srv := fakeshop.New(opts)
	require.NoError(t, srv.Start("127.0.0.1:0"))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	// Before the server closes (cleanups run last first): a connection the
	// client dialled but never used looks new to the server, and
	// http.Server.Shutdown waits 5 s for those, as long as fakeshop's Close
	// waits in all.
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	return srv, srv.AddShop(fakeshop.ShopConfig{Name: "snap", Plan: cost.Plus})
}

// newClient is a client of shop with its own budget registry and fast
// bulk polling.
func newClient(t testing.TB, srv *fakeshop.Server, shop *fakeshop.Shop) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		ShopDomain: shop.Domain(),
		Endpoint:   srv.GraphQLURL(shop.Name()),
		Token:      shop.Token(),
		Transport:  transport.Config{Registry: transport.NewRegistry(cost.Plus, nil)},
		Bulk:       client.BulkPolling{FirstInterval: 5 * time.Millisecond, FirstPolls: 20, Interval: 20 * time.Millisecond},
	})
	require.NoError(t, err)
	return c
}
