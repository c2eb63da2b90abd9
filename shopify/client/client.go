package client

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/Khan/genqlient/graphql"

	"github.com/shopsync/shopsync/shopify/transport"
)

// Client calls one shop's Admin GraphQL API. It is the graphql.Client the
// generated operation functions take, and is safe for concurrent use.
type Client struct {
	shop string
	// url is where GraphQL requests are posted.
	url  string
	http *http.Client
	// token is set only when the caller's HTTPClient does not add it.
	token string
	// download fetches bulk results: same network path, never the token.
	download *http.Client
	bulk     BulkPolling
	log      *slog.Logger
}

var _ graphql.Client = (*Client)(nil)

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c := &Client{shop: cfg.ShopDomain, bulk: cfg.Bulk, log: cfg.Logger}
	if cfg.HTTPClient != nil {
		c.url, c.http, c.token = cfg.Endpoint, cfg.HTTPClient, cfg.Token
		c.download = &http.Client{Transport: cfg.HTTPClient.Transport, Timeout: cfg.HTTPClient.Timeout}
		return c, nil
	}

	base := cfg.Transport.Base
	if base == nil {
		base = http.DefaultTransport
	}
	c.download = &http.Client{Transport: base}
	c.url = canonicalEndpoint(cfg.ShopDomain)
	if cfg.Endpoint != c.url {
		to, err := url.Parse(cfg.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("client: endpoint: %w", err)
		}
		cfg.Transport.Base = endpointRoute{from: c.url, to: to, base: base}
	}
	t, err := transport.New(cfg.Transport)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	c.http = t.Client()
	return c, nil
}

// Shop is the shop domain the Client calls.
func (c *Client) Shop() string { return c.shop }
