package client_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/fakeshop"
	"github.com/shopsync/shopsync/shopify/transport"
)

const secretToken = "shpat_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestConfigValidateNamesTheField(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg  client.Config
		want string
	}{
		"no shop":          {client.Config{Token: secretToken}, "shop_domain is required"},
		"shop with scheme": {client.Config{ShopDomain: "https://acme.myshopify.com", Token: secretToken}, "shop_domain"},
		"no token":         {client.Config{ShopDomain: "acme.myshopify.com"}, "token is required"},
		"bad endpoint":     {client.Config{ShopDomain: "acme.myshopify.com", Token: secretToken, Endpoint: "/graphql.json"}, "endpoint"},
		"bad polling":      {client.Config{ShopDomain: "acme.myshopify.com", Token: secretToken, Bulk: client.BulkPolling{FirstInterval: time.Second}}, "bulk.interval"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := client.New(tc.cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := client.New(client.Config{ShopDomain: "Acme.myshopify.com", Token: secretToken})
	require.NoError(t, err)
}

func TestConfigKeepsTheTokenOutOfLogsAndFormatting(t *testing.T) {
	cfg := client.Config{ShopDomain: "acme.myshopify.com", Token: secretToken}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("starting", "config", cfg)
	require.Contains(t, buf.String(), "acme.myshopify.com")
	for _, s := range []string{buf.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		require.NotContains(t, s, secretToken)
	}
}

func TestUpdatedSinceIsInclusiveWholeSeconds(t *testing.T) {
	at := time.Date(2026, 1, 15, 11, 30, 5, 900_000_000, time.FixedZone("CET", 3600))
	require.Equal(t, "updated_at:>='2026-01-15T10:30:05Z'", client.UpdatedSince(at))
}

// TestShopsOnOneFakeshopKeepTheirOwnBudgets: both shops are reached through
// the same listen address, yet the transport accounts each under its own
// domain, because the client routes the canonical URL underneath it.
func TestShopsOnOneFakeshopKeepTheirOwnBudgets(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	metrics := &countingMetrics{}
	for _, name := range []string{"acme", "globex"} {
		shop := srv.AddShop(fakeshop.ShopConfig{Name: name})
		c, _ := newClient(t, srv, shop, func(cfg *client.Config) { cfg.Transport.Metrics = metrics })
		resp, err := client.Shop(context.Background(), c)
		require.NoError(t, err)
		require.Equal(t, name+".myshopify.com", resp.Shop.MyshopifyDomain)
	}
	require.Equal(t, 1, metrics.count("acme.myshopify.com "+transport.OutcomeOK))
	require.Equal(t, 1, metrics.count("globex.myshopify.com "+transport.OutcomeOK))
}

// TestCallerHTTPClientGetsTheTokenFromConfig: with a caller's http.Client
// the request goes straight to Endpoint and the Client adds the token.
func TestCallerHTTPClientGetsTheTokenFromConfig(t *testing.T) {
	srv := startFakeshop(t, fakeshop.Options{})
	shop := srv.AddShop(fakeshop.ShopConfig{Name: "acme"})
	c, err := client.New(client.Config{
		ShopDomain: shop.Domain(), Endpoint: srv.GraphQLURL(shop.Name()), Token: shop.Token(),
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
	})
	require.NoError(t, err)
	resp, err := client.Shop(context.Background(), c)
	require.NoError(t, err)
	require.Equal(t, "acme.myshopify.com", resp.Shop.MyshopifyDomain)
}
