package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopsync/shopsync/shopify/webhook"
)

// Path is where shopsync serves the receiver: one endpoint for every shop,
// which the X-Shopify-Shop-Domain header tells apart.
const Path = "/webhooks"

// ReceiverConfig configures a Receiver.
type ReceiverConfig struct {
	// MaxBodyBytes bounds a delivery's body; a larger one is answered 413
	// and not stored. Shopify's payloads are a few kilobytes; a product with
	// many variants and media can reach a few hundred.
	MaxBodyBytes int64
	// StoreTimeout bounds storing one delivery, so that the answer reaches
	// Shopify inside its 5 s even when the database is slow: a delivery not
	// stored in time is answered 500, and Shopify retries it.
	StoreTimeout time.Duration
	// Logger receives one line per refused delivery (Warn) and per stored
	// one (Debug); nil discards.
	Logger *slog.Logger
	// Metrics records outcomes; nil records nothing.
	Metrics *Metrics
}

// DefaultReceiverConfig is 1 MiB bodies and a 3 s store timeout.
func DefaultReceiverConfig() ReceiverConfig {
	return ReceiverConfig{MaxBodyBytes: 1 << 20, StoreTimeout: 3 * time.Second}
}

// Validate reports a setting that cannot work, naming it.
func (c ReceiverConfig) Validate() error {
	var errs []error
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes must be positive, got %d", c.MaxBodyBytes))
	}
	if c.StoreTimeout <= 0 || c.StoreTimeout >= 5*time.Second {
		errs = append(errs, fmt.Errorf("store_timeout must be between 0 and Shopify's 5s, got %v", c.StoreTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("webhooks: receiver config: %w", err)
	}
	return nil
}

// Receiver is the webhook endpoint (an http.Handler for POST Path). See the
// package documentation for what it checks, in which order, and what each
// answer means.
type Receiver struct {
	cfg     ReceiverConfig
	secrets ShopSecrets
	store   inbox
	log     *slog.Logger
}

// NewReceiver returns a Receiver that stores into pool's webhook_deliveries
// and verifies with secrets.
func NewReceiver(pool *pgxpool.Pool, secrets ShopSecrets, cfg ReceiverConfig) (*Receiver, error) {
	if pool == nil || secrets == nil {
		return nil, errors.New("webhooks: NewReceiver needs a pool and shop secrets")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return newReceiver(newGroupInbox(pool, &notifier{pool: pool, log: log}, cfg.StoreTimeout).store, secrets, cfg)
}

func newReceiver(store inbox, secrets ShopSecrets, cfg ReceiverConfig) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Receiver{cfg: cfg, secrets: secrets, store: store, log: log}, nil
}

// verdict is how one delivery was answered.
type verdict struct {
	status  int
	outcome string
	// reason is the answer's body and the log line's reason. It never holds
	// a secret, a signature or the payload.
	reason string
	err    error // shopsync's own failure, for the log only
}

// unverified is the one answer every request that fails authentication
// gets, whatever the cause, so that a forger learns nothing.
const unverified = "webhook not verified: unknown shop or bad signature"

// ServeHTTP answers one delivery.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	topic := r.Header.Get(webhook.HeaderTopic)
	v, d := rc.receive(w, r)
	if v.status != http.StatusOK {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
	}
	w.WriteHeader(v.status)
	_, _ = io.WriteString(w, v.reason+"\n")
	rc.cfg.Metrics.received(topic, v.outcome, time.Since(start))
	rc.logVerdict(r, topic, v, d)
}

// receive runs the checks of the package documentation, in that order, and
// stores the delivery when they pass.
func (rc *Receiver) receive(w http.ResponseWriter, r *http.Request) (verdict, inbound) {
	var in inbound
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return verdict{status: http.StatusMethodNotAllowed, outcome: OutcomeMalformed, reason: "webhooks are POSTed"}, in
	}
	body, v, ok := rc.readBody(w, r)
	if !ok {
		return v, in
	}

	// Authenticity before anything else about the request.
	signature := r.Header.Get(webhook.HeaderHMAC)
	domain := normalizeDomain(r.Header.Get(webhook.HeaderShopDomain))
	in.store = domain
	if domain == "" {
		return verdict{status: http.StatusUnauthorized, outcome: OutcomeUnknownShop, reason: unverified}, in
	}
	if signature == "" {
		return verdict{status: http.StatusUnauthorized, outcome: OutcomeBadHMAC, reason: unverified}, in
	}
	secrets, err := rc.secrets.Secrets(r.Context(), domain)
	switch {
	case errors.Is(err, ErrUnknownShop):
		return verdict{status: http.StatusUnauthorized, outcome: OutcomeUnknownShop, reason: unverified}, in
	case err != nil:
		return verdict{status: http.StatusInternalServerError, outcome: OutcomeError, reason: "cannot verify the webhook now", err: err}, in
	}
	if !webhook.Verify(body, signature, secrets...) {
		return verdict{status: http.StatusUnauthorized, outcome: OutcomeBadHMAC, reason: unverified}, in
	}

	// Verified: Shopify's, so it may be told what is wrong with it.
	h, err := webhook.ParseHeaders(r.Header)
	if err == nil {
		err = checkStoredHeaders(h)
	}
	if err != nil {
		return verdict{status: http.StatusBadRequest, outcome: OutcomeMalformed, reason: err.Error()}, in
	}
	in = inbound{
		webhookID: h.WebhookID, store: domain, topic: h.Topic, eventID: h.EventID, apiVersion: h.APIVersion,
		triggeredAt: h.TriggeredAt, status: StatusReceived, payload: body,
	}
	if !isJSONObject(body) {
		return verdict{status: http.StatusBadRequest, outcome: OutcomeMalformed, reason: "webhook body is not a JSON object"}, in
	}
	outcome := OutcomeAccepted
	if _, known := Topics[h.Topic]; !known {
		in.status, outcome = StatusIgnored, OutcomeIgnoredTopic
	}

	ctx, cancel := context.WithTimeout(r.Context(), rc.cfg.StoreTimeout)
	defer cancel()
	stored, err := rc.store(ctx, in)
	switch {
	case errors.Is(err, errPayloadRefused):
		return verdict{status: http.StatusBadRequest, outcome: OutcomeMalformed, reason: "webhook body is JSON that cannot be stored: " + err.Error()}, in
	case err != nil:
		return verdict{status: http.StatusInternalServerError, outcome: OutcomeError, reason: "webhook not stored; retry later", err: err}, in
	case !stored:
		return verdict{status: http.StatusOK, outcome: OutcomeDuplicate, reason: "duplicate"}, in
	}
	return verdict{status: http.StatusOK, outcome: outcome, reason: "ok"}, in
}

// readBody reads the whole body, up to the configured bound.
func (rc *Receiver) readBody(w http.ResponseWriter, r *http.Request) ([]byte, verdict, bool) {
	limit := rc.cfg.MaxBodyBytes
	tooLarge := verdict{status: http.StatusRequestEntityTooLarge, outcome: OutcomeTooLarge,
		reason: fmt.Sprintf("webhook body exceeds %d bytes", limit)}
	if r.ContentLength > limit {
		return nil, tooLarge, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return nil, tooLarge, false
	case err != nil:
		return nil, verdict{status: http.StatusBadRequest, outcome: OutcomeMalformed, reason: "webhook body could not be read"}, false
	}
	return body, verdict{}, true
}

// maxHeaderValue bounds the header values the inbox stores. Shopify's are
// short (UUIDs, topics, versions, domains).
const maxHeaderValue = 255

// checkStoredHeaders refuses header values the inbox's text columns cannot
// hold (invalid UTF-8, NUL) or that are far longer than Shopify's.
func checkStoredHeaders(h webhook.Headers) error {
	for _, f := range []struct{ name, value string }{
		{webhook.HeaderWebhookID, h.WebhookID}, {webhook.HeaderTopic, h.Topic}, {webhook.HeaderAPIVersion, h.APIVersion},
		{webhook.HeaderEventID, h.EventID}, {webhook.HeaderShopDomain, h.ShopDomain},
	} {
		if len(f.value) > maxHeaderValue || !utf8.ValidString(f.value) || strings.ContainsRune(f.value, 0) {
			return fmt.Errorf("webhook header %s is not a short UTF-8 string", f.name)
		}
	}
	return nil
}

// isJSONObject reports whether body is one well-formed JSON object, which
// every Shopify payload is.
func isJSONObject(body []byte) bool {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(body)
}

// logVerdict writes one line per delivery: refusals at Warn, shopsync's own
// failures at Error, the rest at Debug. Values from unverified requests are
// cut short so that a flood of junk cannot bloat the log; signatures,
// secrets and payloads are never written.
func (rc *Receiver) logVerdict(r *http.Request, topic string, v verdict, in inbound) {
	level := slog.LevelDebug
	switch {
	case v.err != nil:
		level = slog.LevelError
	case v.status != http.StatusOK:
		level = slog.LevelWarn
	}
	if !rc.log.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("outcome", v.outcome),
		slog.Int("status", v.status),
		slog.String("topic", clip(topic)),
		slog.String("shop", clip(in.store)),
		slog.String("webhook_id", clip(r.Header.Get(webhook.HeaderWebhookID))),
		slog.String("remote", r.RemoteAddr),
	}
	if v.err != nil {
		attrs = append(attrs, slog.String("error", v.err.Error()))
	}
	rc.log.LogAttrs(r.Context(), level, "webhook "+v.reason, attrs...)
}

// clip shortens a header value for the log.
func clip(s string) string {
	const max = 100
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
