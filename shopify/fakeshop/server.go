package fakeshop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
)

// Options configure a Server.
type Options struct {
	// Clock drives resource timestamps and the cost buckets' refill; nil
	// means time.Now. Tests inject a controllable clock.
	Clock func() time.Time
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
	// ThrottledStatus is the HTTP status of a THROTTLED answer. Shopify's is
	// unverified (FACTS.md §3.1): the JSON body is the same either way, and
	// 0 means 429, which Shopify's own client retries (with Retry-After), so
	// a client tested against 429 is safe against 200 as long as it also
	// reads the body. Set 200 to test the other possibility.
	ThrottledStatus int
	// FirstID raises the floor of the process-wide id counter (ids only grow,
	// see gid.go); 0 keeps the default.
	FirstID int64
	// Webhooks configures webhook delivery (webhook_options.go).
	Webhooks WebhookOptions
	// Seed seeds every shop's fault injection (faults.go): the same seed,
	// faults and changes make the same random choices.
	Seed int64
	// BulkDir is where bulk operation results are written, in a temporary
	// directory per shop that Close removes; empty means os.TempDir().
	BulkDir string
	// BulkShuffleWindow, when positive, writes the lines of every bulk
	// result in random order within a sliding window of that many lines, so
	// children may precede their parents and families interleave: Shopify
	// promises no order (FACTS.md §1.5). 0 writes each parent before its
	// children.
	BulkShuffleWindow int
	// BulkLineDelay paces bulk exports: each line is followed by this wait.
	// 0 exports at full speed; tests use it to keep operations RUNNING.
	BulkLineDelay time.Duration
}

// Server is many emulated shops behind one HTTP handler.
type Server struct {
	opts     Options
	log      *slog.Logger
	handler  http.Handler
	webhooks *webhookDispatcher

	mu    sync.RWMutex
	shops map[string]*Shop

	httpSrv  *http.Server
	listener net.Listener
	serveErr chan error
}

// New returns a Server with no shops.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ThrottledStatus == 0 {
		opts.ThrottledStatus = http.StatusTooManyRequests
	}
	if opts.FirstID > 0 {
		raiseIDFloor(opts.FirstID)
	}
	adminapi.Schema() // fail at construction, not on the first request
	s := &Server{opts: opts, log: opts.Logger, shops: map[string]*Shop{}, webhooks: newWebhookDispatcher(opts.Webhooks, opts.Logger)}
	s.handler = s.routes()
	return s
}

var shopNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

// ValidShopName reports whether name can be a shop subdomain.
func ValidShopName(name string) bool { return shopNamePattern.MatchString(name) }

// AddShop adds a shop and returns it. A missing token or secret is generated.
// An invalid or duplicate name is a programming error and panics; callers
// taking names from users check them with ValidShopName and Shop first.
func (s *Server) AddShop(cfg ShopConfig) *Shop {
	if !ValidShopName(cfg.Name) {
		panic(fmt.Sprintf("fakeshop: invalid shop name %q", cfg.Name))
	}
	if cfg.Plan == (cost.Plan{}) {
		cfg.Plan = cost.Standard
	}
	if cfg.Token == "" {
		cfg.Token = "shpat_" + randomHex(16)
	}
	if cfg.Secret == "" {
		cfg.Secret = randomHex(16)
	}
	if cfg.Currency == "" {
		cfg.Currency = "USD"
	}
	sh := &Shop{
		id: nextID(), name: cfg.Name, token: cfg.Token, secret: cfg.Secret, plan: cfg.Plan, curr: cfg.Currency,
		clock: s.opts.Clock, st: newStore(), faults: newFaultState(s.opts.Seed, cfg.Name),
	}
	sh.createdAt = sh.now()
	sh.budget = cost.NewBucket(cfg.Plan, s.opts.Clock)
	sh.bulk = newBulkOps(sh, s.opts, s.bulkBaseURL)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.shops[cfg.Name]; dup {
		panic(fmt.Sprintf("fakeshop: shop %q added twice", cfg.Name))
	}
	s.shops[cfg.Name] = sh
	s.webhooks.attach(sh)
	sh.serverHooks = len(sh.hooks)
	return sh
}

// Shop returns the shop with that name, or nil.
func (s *Server) Shop(name string) *Shop {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.shops[name]
}

// Shops returns every shop, sorted by name.
func (s *Server) Shops() []*Shop {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Shop, 0, len(s.shops))
	for _, sh := range s.shops {
		out = append(out, sh)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// Handler serves the Admin API of every shop; see the package doc for the
// addressing.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background
// until Close.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("fakeshop: listen on %s: %w", addr, err)
	}
	s.listener = ln
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.serveErr = make(chan error, 1)
	go func() { s.serveErr <- s.httpSrv.Serve(ln) }()
	return nil
}

// Addr is the listening address after Start.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL is the server's base URL after Start, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.Addr() }

// GraphQLURL is the path-addressed GraphQL endpoint of a shop after Start,
// for clients that cannot set a Host header.
func (s *Server) GraphQLURL(shop string) string {
	return s.URL() + "/shops/" + shop + "/admin/api/" + adminapi.Version + "/graphql.json"
}

// Close stops serving, waiting briefly for requests in flight.
func (s *Server) Close() error {
	defer s.webhooks.close() // after requests in flight, whose changes may still queue
	defer s.closeBulk()      // before webhooks close: a finishing export still announces
	if s.httpSrv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.httpSrv.Shutdown(ctx)
	if serr := <-s.serveErr; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("fakeshop: close: %w", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("fakeshop: crypto/rand failed: %v", err))
	}
	return hex.EncodeToString(b)
}
