package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// ErrUnknownShop is what a ShopSecrets lookup returns for a shop shopsync
// does not manage.
var ErrUnknownShop = errors.New("webhooks: unknown shop")

// ShopSecrets gives the secrets that sign a shop's webhooks: the app's client
// secret, or several while a rotation is under way (Shopify keeps signing with
// the oldest unrevoked one for up to an hour, FACTS.md §2.2).
type ShopSecrets interface {
	// Secrets is called once per delivery, concurrently, with the lower-case
	// shop domain from X-Shopify-Shop-Domain. It returns at least one
	// non-empty secret, ErrUnknownShop (possibly wrapped) for a shop
	// shopsync does not manage, or another error when it cannot tell now
	// (the delivery is then answered 500 and Shopify retries). Errors must
	// not contain secrets.
	Secrets(ctx context.Context, shopDomain string) ([][]byte, error)
}

// StaticSecrets is a fixed ShopSecrets, built from configuration. Printing
// or logging it shows only how many shops it holds.
type StaticSecrets struct {
	byDomain map[string][][]byte
}

// NewStaticSecrets builds a StaticSecrets from shop domains to their secrets
// (current first, then the ones still valid during a rotation). Domains are
// matched case-insensitively. A shop without a non-empty secret is an error
// naming the shop: a configuration that cannot verify anything must fail at
// start, not reject every delivery later.
func NewStaticSecrets(secrets map[string][]string) (*StaticSecrets, error) {
	s := &StaticSecrets{byDomain: make(map[string][][]byte, len(secrets))}
	for domain, list := range secrets {
		d := normalizeDomain(domain)
		if d == "" {
			return nil, errors.New("webhooks: a shop secret is configured for an empty shop domain")
		}
		for _, secret := range list {
			if secret != "" {
				s.byDomain[d] = append(s.byDomain[d], []byte(secret))
			}
		}
		if len(s.byDomain[d]) == 0 {
			return nil, fmt.Errorf("webhooks: shop %s has no webhook secret", d)
		}
	}
	return s, nil
}

// Secrets implements ShopSecrets.
func (s *StaticSecrets) Secrets(_ context.Context, shopDomain string) ([][]byte, error) {
	list, ok := s.byDomain[normalizeDomain(shopDomain)]
	if !ok {
		return nil, ErrUnknownShop
	}
	return list, nil
}

// String keeps the secrets out of %v and %s.
func (s *StaticSecrets) String() string {
	return fmt.Sprintf("StaticSecrets(%d shops)", len(s.byDomain))
}

// GoString keeps the secrets out of %#v.
func (s *StaticSecrets) GoString() string { return s.String() }

// LogValue keeps the secrets out of slog output.
func (s *StaticSecrets) LogValue() slog.Value { return slog.StringValue(s.String()) }

// normalizeDomain is a shop domain as the stores table holds it: trimmed and
// lower case.
func normalizeDomain(domain string) string {
	return strings.ToLower(strings.TrimSpace(domain))
}
