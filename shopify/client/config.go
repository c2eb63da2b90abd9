package client

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/transport"
)

// Config configures a Client for one shop. ShopDomain and a way to
// authenticate (Token, Transport.Token or HTTPClient) are required.
type Config struct {
	// ShopDomain is the shop's myshopify domain, e.g. "acme.myshopify.com".
	// It names the shop's cost budget and appears in errors.
	ShopDomain string
	// Endpoint is the GraphQL URL; empty means
	// https://<ShopDomain>/admin/api/2026-01/graphql.json. For fakeshop it is
	// the path-addressed form http://<listen>/shops/<name>/admin/api/2026-01/graphql.json.
	Endpoint string
	// Token is the Admin API access token. It is only ever sent in the
	// X-Shopify-Access-Token header: never logged, never in an error.
	Token string
	// HTTPClient, when set, sends every request as is, to Endpoint: it must
	// authenticate, budget and retry by itself (a transport.Transport's
	// Client does all three). Token, when also set, is added to GraphQL
	// requests. Transport is then ignored.
	HTTPClient *http.Client
	// Transport configures the shopify/transport RoundTripper the Client
	// builds when HTTPClient is nil. Token defaults to StaticToken(Token);
	// Schema defaults to the adminapi subset, so each request's cost is
	// known before it is sent.
	Transport transport.Config
	// Bulk paces the polling of bulk operations.
	Bulk BulkPolling
	// Logger logs bulk-operation progress at debug level; nil means
	// slog.Default().
	Logger *slog.Logger
}

// BulkPolling is how often WaitBulkOperation asks for a bulk operation's
// status: every FirstInterval for the first FirstPolls polls, then every
// Interval. The default is Shopify CLI's pace: 1 s ten times, then 5 s.
type BulkPolling struct {
	FirstInterval time.Duration
	FirstPolls    int
	Interval      time.Duration
}

// DefaultBulkPolling is Shopify CLI's polling pace.
func DefaultBulkPolling() BulkPolling {
	return BulkPolling{FirstInterval: time.Second, FirstPolls: 10, Interval: 5 * time.Second}
}

// next is the wait before poll number n (0-based).
func (p BulkPolling) next(n int) time.Duration {
	if n < p.FirstPolls {
		return p.FirstInterval
	}
	return p.Interval
}

// Validate names the first bad field.
func (p BulkPolling) Validate() error {
	switch {
	case p.FirstInterval <= 0:
		return errors.New("bulk.first_interval must be positive")
	case p.FirstPolls < 0:
		return errors.New("bulk.first_polls must not be negative")
	case p.Interval <= 0:
		return errors.New("bulk.interval must be positive")
	}
	return nil
}

func (c Config) withDefaults() Config {
	c.ShopDomain = strings.ToLower(strings.TrimSpace(c.ShopDomain))
	if c.Endpoint == "" {
		c.Endpoint = canonicalEndpoint(c.ShopDomain)
	}
	if c.Bulk == (BulkPolling{}) {
		c.Bulk = DefaultBulkPolling()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Transport.Token == nil && c.Token != "" {
		c.Transport.Token = transport.StaticToken(c.Token)
	}
	if c.Transport.Schema == nil {
		c.Transport.Schema = adminapi.Schema()
	}
	return c
}

// canonicalEndpoint is Shopify's GraphQL URL for a shop.
func canonicalEndpoint(shop string) string {
	return "https://" + shop + "/admin/api/" + adminapi.Version + "/graphql.json"
}

// Validate names the first bad field.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.ShopDomain == "" {
		return errors.New("client: shop_domain is required")
	}
	if strings.ContainsAny(c.ShopDomain, "/:@ ") {
		return fmt.Errorf("client: shop_domain %q must be a bare host name like acme.myshopify.com", c.ShopDomain)
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("client: endpoint must be an absolute http(s) URL")
	}
	if u.User != nil {
		return errors.New("client: endpoint must not carry credentials")
	}
	if c.HTTPClient == nil && c.Transport.Token == nil {
		return errors.New("client: token is required (or transport.token, or an http_client that authenticates)")
	}
	if err := c.Bulk.Validate(); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}

// LogValue keeps the token out of logs when a Config is logged with slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("shop_domain", c.ShopDomain),
		slog.String("endpoint", c.Endpoint),
		slog.Bool("token_set", c.Token != ""),
	)
}

// String keeps the token out of fmt output.
func (c Config) String() string {
	return fmt.Sprintf("client.Config{ShopDomain:%q Endpoint:%q Token:%s}", c.ShopDomain, c.Endpoint, redacted(c.Token))
}

// GoString keeps the token out of %#v.
func (c Config) GoString() string { return c.String() }

func redacted(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[redacted]"
}
