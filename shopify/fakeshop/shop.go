package fakeshop

import (
	"sync"
	"time"

	"github.com/shopsync/shopsync/shopify/cost"
)

// ShopConfig describes a shop to add to a Server.
type ShopConfig struct {
	// Name is the shop's subdomain: the shop answers at <Name>.myshopify.com.
	Name string
	// Token is the Admin API access token clients must send in
	// X-Shopify-Access-Token. Empty means one is generated.
	Token string
	// Secret is the app's API secret key, which signs webhooks. Empty means
	// one is generated.
	Secret string
	// Plan sets the GraphQL cost budget; the zero Plan means cost.Standard.
	Plan cost.Plan
	// Currency is the shop currency; empty means USD.
	Currency string
}

// Shop is one emulated store: its configuration, its resources and its
// GraphQL cost budget. All state is in memory and guarded by mu; records are
// immutable (see model.go), so readers take the lock only to look records up.
type Shop struct {
	id     int64
	name   string
	token  string
	secret string
	plan   cost.Plan
	curr   string
	clock  func() time.Time
	budget Budget

	createdAt time.Time

	mu          sync.RWMutex
	st          *store
	hooksMu     sync.RWMutex
	hooks       []func(Change)
	orderNumber int
	// serverHooks counts the hooks AddShop attached (the webhook
	// dispatcher's), which act only on webhook subscriptions; CreateProducts
	// skips change events when there are no others and no subscriptions.
	serverHooks int
	// faults are the shop's injected failures (faults.go).
	faults *faultState
	// idem remembers @idempotent(key:) keys (idempotency.go).
	idem idempotencyKeys
	// bulk is the shop's bulk operations (bulk_runner.go).
	bulk *bulkOps
}

// Name is the shop's subdomain.
func (s *Shop) Name() string { return s.name }

// Domain is the shop's myshopify domain, e.g. demo.myshopify.com.
func (s *Shop) Domain() string { return s.name + ".myshopify.com" }

// Token is the access token clients authenticate with.
func (s *Shop) Token() string { return s.token }

// Secret is the app's API secret key (webhook HMAC key).
func (s *Shop) Secret() string { return s.secret }

// Plan is the shop's cost plan.
func (s *Shop) Plan() cost.Plan { return s.plan }

// Currency is the shop currency code.
func (s *Shop) Currency() string { return s.curr }

// GID is the shop's own global id.
func (s *Shop) GID() string { return gidOf("Shop", s.id) }

// Budget is the shop's GraphQL cost bucket.
func (s *Shop) Budget() Budget { return s.budget }

// SetBudget replaces the cost bucket, e.g. with one that a fault injector
// wraps. Requests in flight keep the bucket they were charged against.
func (s *Shop) SetBudget(b Budget) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.budget = b
}

func (s *Shop) currentBudget() Budget {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.budget
}

// now is the shop clock truncated to whole seconds: Shopify's timestamps have
// second resolution, so two changes within a second share an updatedAt, and
// clients must cope with that (updated_at:>= plus de-duplication).
func (s *Shop) now() time.Time { return s.clock().UTC().Truncate(time.Second) }

// read runs f under the read lock.
func (s *Shop) read(f func(st *store)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f(s.st)
}
