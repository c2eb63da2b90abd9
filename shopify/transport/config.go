package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/shopsync/shopsync/shopify/cost"
)

// HeaderAccessToken carries the Admin API access token.
const HeaderAccessToken = "X-Shopify-Access-Token"

// TokenFunc returns the access token for a shop domain. Its error must not
// contain the token.
type TokenFunc func(ctx context.Context, shop string) (string, error)

// StaticToken is a TokenFunc for a single token.
func StaticToken(token string) TokenFunc {
	return func(context.Context, string) (string, error) { return token, nil }
}

// TokenMap is a TokenFunc over tokens keyed by shop domain.
func TokenMap(tokens map[string]string) TokenFunc {
	return func(_ context.Context, shop string) (string, error) {
		if tok, ok := tokens[shop]; ok && tok != "" {
			return tok, nil
		}
		return "", fmt.Errorf("no access token configured for shop %s", shop)
	}
}

// RetryPolicy is the backoff between attempts: exponential from
// InitialInterval, doubling up to MaxInterval, each delay jittered by ±50 %,
// giving up once MaxElapsed has passed since the first attempt.
type RetryPolicy struct {
	InitialInterval time.Duration
	MaxInterval     time.Duration
	MaxElapsed      time.Duration
}

// DefaultRetryPolicy suits the applier: quick first retries, patience for a
// Shopify incident of a few minutes.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{InitialInterval: 500 * time.Millisecond, MaxInterval: 30 * time.Second, MaxElapsed: 5 * time.Minute}
}

// Validate names the first bad field.
func (p RetryPolicy) Validate() error {
	switch {
	case p.InitialInterval <= 0:
		return errors.New("retry.initial_interval must be positive")
	case p.MaxInterval < p.InitialInterval:
		return errors.New("retry.max_interval must be at least retry.initial_interval")
	case p.MaxElapsed <= 0:
		return errors.New("retry.max_elapsed must be positive")
	}
	return nil
}

func (p RetryPolicy) options() []backoff.RetryOption {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = p.InitialInterval
	b.MaxInterval = p.MaxInterval
	b.Multiplier = 2
	b.RandomizationFactor = 0.5
	return []backoff.RetryOption{backoff.WithBackOff(b), backoff.WithMaxElapsedTime(p.MaxElapsed)}
}

// Config configures a Transport. Token is required; the rest default.
type Config struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Token returns each shop's access token.
	Token TokenFunc
	// Registry holds the per-shop budgets; nil means DefaultRegistry, which
	// every Transport in the process shares.
	Registry *Registry
	// Schema, when set, lets the transport compute each query's requested
	// cost itself (connections without first/last are costed at 250).
	Schema *ast.Schema
	// DefaultCost is reserved for a request whose cost is unknown; zero
	// means cost.MaxQueryCost.
	DefaultCost int
	// Retry is the backoff policy; the zero value means DefaultRetryPolicy.
	Retry RetryPolicy
	// Metrics receives counters; nil means none.
	Metrics Metrics
	// Logger logs retries at debug level; nil means slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Base == nil {
		c.Base = http.DefaultTransport
	}
	if c.Registry == nil {
		c.Registry = DefaultRegistry
	}
	if c.DefaultCost <= 0 {
		c.DefaultCost = cost.MaxQueryCost
	}
	if c.Retry == (RetryPolicy{}) {
		c.Retry = DefaultRetryPolicy()
	}
	if c.Metrics == nil {
		c.Metrics = nopMetrics{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate names the first bad field.
func (c Config) Validate() error {
	if c.Token == nil {
		return errors.New("transport: token is required")
	}
	if err := c.withDefaults().Retry.Validate(); err != nil {
		return fmt.Errorf("transport: %w", err)
	}
	return nil
}
