package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Transport is the Admin GraphQL http.RoundTripper; see the package comment.
// It is safe for concurrent use.
type Transport struct {
	cfg      Config
	estimate *estimator
}

// New returns a Transport for cfg.
func New(cfg Config) (*Transport, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Transport{cfg: cfg, estimate: newEstimator(cfg.Schema, cfg.DefaultCost)}, nil
}

// Client returns an http.Client using t.
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }

// Budget returns the budget t keeps for shop.
func (t *Transport) Budget(shop string) *Budget { return t.cfg.Registry.Budget(shop) }

// isAdminGraphQL reports whether req is an Admin GraphQL call.
func isAdminGraphQL(req *http.Request) bool {
	return req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/graphql.json")
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isAdminGraphQL(req) {
		return t.cfg.Base.RoundTrip(req)
	}
	ctx := req.Context()
	shop := strings.ToLower(req.URL.Host)
	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("shopify %s: reading request body: %w", shop, err)
	}
	token, err := t.cfg.Token(ctx, shop)
	if err != nil {
		return nil, fmt.Errorf("shopify %s: access token: %w", shop, err)
	}
	want, key := t.estimate.expected(ctx, body)
	budget := t.cfg.Registry.Budget(shop)

	attempt := 0
	send := func() (*http.Response, error) {
		attempt++
		resp, a, err := t.send(ctx, req, shop, token, body, budget, want, attempt)
		if a.requested != nil {
			t.estimate.learn(key, *a.requested)
			// Shopify's own figure is the one its bucket will charge.
			want = max(want, *a.requested)
		}
		return resp, err
	}
	notify := func(err error, wait time.Duration) {
		t.cfg.Logger.DebugContext(ctx, "shopify request will be retried",
			"shop", shop, "attempt", attempt, "wait", wait, "err", scrub(err, token))
	}
	resp, err := backoff.Retry(ctx, send, append(t.cfg.Retry.options(), backoff.WithNotify(notify))...)
	if err != nil {
		var rs *retryableStatus
		if errors.As(err, &rs) {
			// Out of retries on an HTTP answer: hand it back as it is.
			return rs.resp, nil
		}
		return nil, scrub(err, token)
	}
	return resp, nil
}

// send makes one attempt: wait for budget, send, read the answer, settle
// the budget and classify the outcome for backoff.Retry.
func (t *Transport) send(ctx context.Context, orig *http.Request, shop, token string, body []byte,
	budget *Budget, want float64, attempt int) (*http.Response, answer, error) {
	tk, waited, err := budget.reserve(ctx, want)
	t.cfg.Metrics.ThrottleWait(shop, waited)
	if err != nil {
		return nil, answer{}, backoff.Permanent(fmt.Errorf("shopify %s: waiting for cost budget: %w", shop, err))
	}

	req := orig.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
	req.Header.Set(HeaderAccessToken, token)

	resp, err := t.cfg.Base.RoundTrip(req)
	if err == nil {
		var data []byte
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		if err == nil {
			return t.classify(shop, resp, data, budget, tk, attempt)
		}
	}
	// No (complete) answer. A request that never left (dial failed) cost
	// nothing; otherwise Shopify may have run it, so the reservation is kept
	// and the bucket refills it.
	budget.settle(tk, settlement{refundAll: neverSent(err)})
	t.cfg.Metrics.Request(shop, OutcomeTransportError)
	if ctx.Err() != nil {
		return nil, answer{}, backoff.Permanent(fmt.Errorf("shopify %s: attempt %d: %w", shop, attempt, context.Cause(ctx)))
	}
	return nil, answer{}, fmt.Errorf("shopify %s: attempt %d: %w", shop, attempt, err)
}

func (t *Transport) classify(shop string, resp *http.Response, data []byte, budget *Budget, tk ticket, attempt int) (*http.Response, answer, error) {
	a := readAnswer(data)
	budget.settle(tk, settlement{
		// THROTTLED and 429 are charged nothing; nor is an answer that
		// reports no cost at all (an error page): Shopify reports the cost
		// of every query it ran.
		refundAll: a.throttled || resp.StatusCode == http.StatusTooManyRequests || (a.actual == nil && a.requested == nil),
		actual:    a.actual,
		status:    a.status,
	})
	if a.actual != nil && *a.actual > 0 {
		t.cfg.Metrics.CostPoints(shop, *a.actual)
	}
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		t.cfg.Metrics.Request(shop, OutcomeRateLimited)
		return nil, a, &retryableStatus{shop: shop, attempt: attempt, resp: resp, wait: retryAfter(resp)}
	case code >= 500:
		t.cfg.Metrics.Request(shop, OutcomeServerError)
		return nil, a, &retryableStatus{shop: shop, attempt: attempt, resp: resp, wait: retryAfter(resp)}
	case code >= 400:
		t.cfg.Metrics.Request(shop, OutcomeClientError)
		return resp, a, nil
	case a.throttled:
		t.cfg.Metrics.Request(shop, OutcomeThrottled)
		need := tk.cost
		if a.requested != nil {
			need = *a.requested
		}
		return nil, a, &retryableStatus{shop: shop, attempt: attempt, resp: resp, throttled: true,
			wait: max(retryAfter(resp), a.refillWait(need))}
	default:
		t.cfg.Metrics.Request(shop, OutcomeOK)
		return resp, a, nil
	}
}

// retryableStatus is an HTTP answer worth retrying. It reads as a
// backoff.RetryAfterError when the server said how long to wait.
type retryableStatus struct {
	shop      string
	attempt   int
	resp      *http.Response
	throttled bool
	wait      time.Duration
}

func (e *retryableStatus) Error() string {
	what := e.resp.Status
	if e.throttled {
		what = "THROTTLED"
	}
	return fmt.Sprintf("shopify %s: attempt %d: %s", e.shop, e.attempt, what)
}

// As lets backoff.Retry find a server-given delay.
func (e *retryableStatus) As(target any) bool {
	p, ok := target.(**backoff.RetryAfterError)
	if !ok || e.wait <= 0 {
		return false
	}
	*p = &backoff.RetryAfterError{Duration: e.wait}
	return true
}

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent.
func retryAfter(resp *http.Response) time.Duration {
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0)
	}
	return 0
}

// neverSent reports whether err means the request did not reach the server.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// readBody buffers and closes the request body so attempts can re-send it.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// scrub makes sure the token cannot leak through an error's text, even if
// an underlying transport put request headers into its error.
func scrub(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), token, "[REDACTED]"), err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }

// Unwrap keeps errors.Is working (context.Canceled, net errors); the wrapped
// error's text still holds the token, so callers must log Error() only,
// which is what %v and slog do.
func (e *scrubbedError) Unwrap() error { return e.err }
