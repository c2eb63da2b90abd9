package fakeshop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"
)

// Faults make one shop misbehave the ways real Shopify does now and then,
// so that clients and receivers can be tested against it. The zero value is
// no fault. Set them with Shop.SetFaults or over HTTP (see faults_admin.go).
//
// Every random choice comes from the shop's own generators, seeded from
// Options.Seed and the shop name and reset by each SetFaults, so a test that
// sets faults and then makes the same changes sees the same outcome on every
// run. GraphQL and webhook choices draw from separate generators, so traffic
// on one does not shift the other's outcomes.
type Faults struct {
	// GraphQLLatency delays every GraphQL answer of the shop.
	GraphQLLatency time.Duration
	// GraphQLErrorRate is the share of GraphQL requests answered with a 5xx
	// before anything executes.
	GraphQLErrorRate float64
	// GraphQLLostResponseRate is the share of GraphQL requests that execute
	// (a mutation's change is stored and announced) but are answered with a
	// 5xx: the answer lost on the way back, which is what makes retried
	// writes need idempotency.
	GraphQLLostResponseRate float64
	// GraphQLErrorStatuses are the statuses a 5xx answer picks from; empty
	// means 500, 502 and 503.
	GraphQLErrorStatuses []int
	// WebhookDropRate is the share of deliveries never sent (Shopify does
	// not guarantee delivery).
	WebhookDropRate float64
	// WebhookDuplicateRate is the share of deliveries sent twice, both with
	// the same X-Shopify-Webhook-Id (at-least-once delivery).
	WebhookDuplicateRate float64
	// WebhookDelayRate is the share of deliveries held back by a random
	// wait of up to WebhookMaxDelay, which also reorders them.
	WebhookDelayRate float64
	WebhookMaxDelay  time.Duration
	// WebhookReorderRate is the share of deliveries held until the shop's
	// next delivery has been queued, then released after it (several held
	// ones in reverse order), or after WebhookReorderWindow (0: 1 s) if no
	// other delivery comes.
	WebhookReorderRate   float64
	WebhookReorderWindow time.Duration
}

// defaultErrorStatuses are the 5xx answers a GraphQL fault picks from.
var defaultErrorStatuses = []int{500, 502, 503}

// defaultReorderWindow bounds how long a reordered delivery waits for a
// successor, so that FlushWebhooks always ends.
const defaultReorderWindow = time.Second

// Validate reports a setting that makes no sense.
func (f Faults) Validate() error {
	var errs []error
	for name, rate := range map[string]float64{
		"graphql_error_rate": f.GraphQLErrorRate, "graphql_lost_response_rate": f.GraphQLLostResponseRate,
		"webhook_drop_rate": f.WebhookDropRate, "webhook_duplicate_rate": f.WebhookDuplicateRate,
		"webhook_delay_rate": f.WebhookDelayRate, "webhook_reorder_rate": f.WebhookReorderRate,
	} {
		if rate < 0 || rate > 1 {
			errs = append(errs, fmt.Errorf("%s must be between 0 and 1, got %v", name, rate))
		}
	}
	for name, d := range map[string]time.Duration{
		"graphql_latency": f.GraphQLLatency, "webhook_max_delay": f.WebhookMaxDelay, "webhook_reorder_window": f.WebhookReorderWindow,
	} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %v", name, d))
		}
	}
	if f.WebhookDelayRate > 0 && f.WebhookMaxDelay <= 0 {
		errs = append(errs, errors.New("webhook_delay_rate needs a positive webhook_max_delay"))
	}
	for _, st := range f.GraphQLErrorStatuses {
		if st < 500 || st > 599 {
			errs = append(errs, fmt.Errorf("graphql_error_statuses must be 5xx, got %d", st))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("fakeshop: invalid faults: %w", err)
	}
	return nil
}

// faultsJSON is the wire form of Faults: snake_case names and durations as
// Go duration strings ("250ms", "2s").
type faultsJSON struct {
	GraphQLLatency          string  `json:"graphql_latency,omitempty"`
	GraphQLErrorRate        float64 `json:"graphql_error_rate,omitempty"`
	GraphQLLostResponseRate float64 `json:"graphql_lost_response_rate,omitempty"`
	GraphQLErrorStatuses    []int   `json:"graphql_error_statuses,omitempty"`
	WebhookDropRate         float64 `json:"webhook_drop_rate,omitempty"`
	WebhookDuplicateRate    float64 `json:"webhook_duplicate_rate,omitempty"`
	WebhookDelayRate        float64 `json:"webhook_delay_rate,omitempty"`
	WebhookMaxDelay         string  `json:"webhook_max_delay,omitempty"`
	WebhookReorderRate      float64 `json:"webhook_reorder_rate,omitempty"`
	WebhookReorderWindow    string  `json:"webhook_reorder_window,omitempty"`
}

// MarshalJSON writes the wire form.
func (f Faults) MarshalJSON() ([]byte, error) {
	dur := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	return json.Marshal(faultsJSON{
		GraphQLLatency: dur(f.GraphQLLatency), GraphQLErrorRate: f.GraphQLErrorRate, GraphQLLostResponseRate: f.GraphQLLostResponseRate,
		GraphQLErrorStatuses: f.GraphQLErrorStatuses, WebhookDropRate: f.WebhookDropRate, WebhookDuplicateRate: f.WebhookDuplicateRate,
		WebhookDelayRate: f.WebhookDelayRate, WebhookMaxDelay: dur(f.WebhookMaxDelay), WebhookReorderRate: f.WebhookReorderRate,
		WebhookReorderWindow: dur(f.WebhookReorderWindow),
	})
}

// UnmarshalJSON reads the wire form, refusing unknown names so that a typo
// does not silently mean "no fault".
func (f *Faults) UnmarshalJSON(b []byte) error {
	var w faultsJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("fakeshop: faults: %w", err)
	}
	var errs []error
	dur := func(name, s string) time.Duration {
		if s == "" {
			return 0
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		return d
	}
	*f = Faults{
		GraphQLLatency: dur("graphql_latency", w.GraphQLLatency), GraphQLErrorRate: w.GraphQLErrorRate,
		GraphQLLostResponseRate: w.GraphQLLostResponseRate, GraphQLErrorStatuses: w.GraphQLErrorStatuses,
		WebhookDropRate: w.WebhookDropRate, WebhookDuplicateRate: w.WebhookDuplicateRate, WebhookDelayRate: w.WebhookDelayRate,
		WebhookMaxDelay: dur("webhook_max_delay", w.WebhookMaxDelay), WebhookReorderRate: w.WebhookReorderRate,
		WebhookReorderWindow: dur("webhook_reorder_window", w.WebhookReorderWindow),
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("fakeshop: faults: %w", err)
	}
	return nil
}

// faultState is a shop's faults and the generators that decide them.
type faultState struct {
	seed uint64
	name uint64

	mu     sync.Mutex
	cfg    Faults
	gql    *rand.Rand
	deliv  *rand.Rand
	hasAny bool
}

func newFaultState(seed int64, shop string) *faultState {
	h := fnv.New64a()
	_, _ = h.Write([]byte(shop))
	fs := &faultState{seed: uint64(seed), name: h.Sum64()}
	fs.reseed()
	return fs
}

// reseed restarts both generators from the seed; the caller holds mu (or is
// the constructor).
func (fs *faultState) reseed() {
	fs.gql = rand.New(rand.NewPCG(fs.seed, fs.name))
	fs.deliv = rand.New(rand.NewPCG(fs.seed, fs.name^0x9e3779b97f4a7c15))
}

// SetFaults replaces the shop's faults (the zero Faults clears them) and
// restarts its random generators, so what follows is reproducible.
func (s *Shop) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.GraphQLErrorStatuses = append([]int(nil), f.GraphQLErrorStatuses...)
	fs.cfg = f
	fs.hasAny = f.GraphQLLatency > 0 || f.GraphQLErrorRate > 0 || f.GraphQLLostResponseRate > 0 || f.WebhookDropRate > 0 ||
		f.WebhookDuplicateRate > 0 || f.WebhookDelayRate > 0 || f.WebhookReorderRate > 0
	fs.reseed()
	return nil
}

// Faults returns the shop's current faults.
func (s *Shop) Faults() Faults {
	fs := s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := fs.cfg
	f.GraphQLErrorStatuses = append([]int(nil), f.GraphQLErrorStatuses...)
	return f
}

// chance draws from r and reports whether an event of probability p happens.
// Nothing is drawn when p is 0, so a fault that is off leaves the stream of
// the others untouched.
func chance(r *rand.Rand, p float64) bool {
	return p > 0 && r.Float64() < p
}

// graphQLBefore decides a request's added latency and whether it fails
// before executing (status 0: it does not).
func (fs *faultState) graphQLBefore() (latency time.Duration, status int) {
	if fs == nil {
		return 0, 0
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.hasAny {
		return 0, 0
	}
	if chance(fs.gql, fs.cfg.GraphQLErrorRate) {
		status = fs.errorStatus()
	}
	return fs.cfg.GraphQLLatency, status
}

// graphQLAfter decides whether an executed request's answer is lost.
func (fs *faultState) graphQLAfter() (status int) {
	if fs == nil {
		return 0
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if chance(fs.gql, fs.cfg.GraphQLLostResponseRate) {
		return fs.errorStatus()
	}
	return 0
}

func (fs *faultState) errorStatus() int {
	statuses := fs.cfg.GraphQLErrorStatuses
	if len(statuses) == 0 {
		statuses = defaultErrorStatuses
	}
	return statuses[fs.gql.IntN(len(statuses))]
}

// deliveryPlan is what the faults do to one webhook delivery.
type deliveryPlan struct {
	drop      bool
	duplicate bool
	delay     time.Duration // > 0: sent after this wait
	hold      bool          // held for reordering
	window    time.Duration // how long a held delivery waits at most
}

// planDelivery decides one delivery's faults, drawing in a fixed order.
func (fs *faultState) planDelivery() deliveryPlan {
	var p deliveryPlan
	if fs == nil {
		return p
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.hasAny {
		return p
	}
	c := fs.cfg
	if chance(fs.deliv, c.WebhookDropRate) {
		p.drop = true
		return p
	}
	p.duplicate = chance(fs.deliv, c.WebhookDuplicateRate)
	if chance(fs.deliv, c.WebhookDelayRate) {
		p.delay = time.Duration(fs.deliv.Int64N(int64(c.WebhookMaxDelay))) + 1
	}
	if p.delay == 0 && chance(fs.deliv, c.WebhookReorderRate) {
		p.hold = true
		p.window = c.WebhookReorderWindow
		if p.window <= 0 {
			p.window = defaultReorderWindow
		}
	}
	return p
}
