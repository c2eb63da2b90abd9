package webhook

import (
	"fmt"
	"net/http"
	"time"
)

// Header names of a classic (HTTPS) webhook delivery. http.Header lookups are
// case-insensitive, so these also match HTTP/2's lower-case names.
const (
	HeaderTopic       = "X-Shopify-Topic"
	HeaderHMAC        = "X-Shopify-Hmac-Sha256"
	HeaderShopDomain  = "X-Shopify-Shop-Domain"
	HeaderAPIVersion  = "X-Shopify-API-Version"
	HeaderWebhookID   = "X-Shopify-Webhook-Id"
	HeaderTriggeredAt = "X-Shopify-Triggered-At"
	HeaderEventID     = "X-Shopify-Event-Id"
	HeaderName        = "X-Shopify-Name"
)

// Headers is what a delivery's headers say about it.
type Headers struct {
	Topic      string // e.g. "products/update"
	HMAC       string // Base64 signature of the body
	ShopDomain string // the shop's *.myshopify.com domain
	APIVersion string // version the payload was serialized with
	WebhookID  string // unique per delivery: the deduplication key
	EventID    string // shared by deliveries of one merchant action; may be empty
	Name       string // developer-supplied subscription name; may be empty
	// TriggeredAt is when Shopify triggered the delivery (retries keep the
	// original time); zero when the header is absent or unparseable, since
	// it only orders payloads and must not make a delivery fail.
	TriggeredAt    time.Time
	TriggeredAtRaw string
}

// MissingHeaderError names a required header a delivery lacks.
type MissingHeaderError struct {
	Header string
}

func (e *MissingHeaderError) Error() string {
	return fmt.Sprintf("webhook: missing required header %s", e.Header)
}

// required are the headers Shopify's own validator insists on.
var required = []string{HeaderHMAC, HeaderTopic, HeaderShopDomain, HeaderAPIVersion, HeaderWebhookID}

// ParseHeaders reads a delivery's headers. It fails with a
// *MissingHeaderError naming the first absent required header (HMAC, topic,
// shop domain, API version, webhook id, as Shopify's validator requires);
// the event id, name and triggered-at are optional.
func ParseHeaders(h http.Header) (Headers, error) {
	for _, name := range required {
		if h.Get(name) == "" {
			return Headers{}, &MissingHeaderError{Header: name}
		}
	}
	out := Headers{
		Topic:          h.Get(HeaderTopic),
		HMAC:           h.Get(HeaderHMAC),
		ShopDomain:     h.Get(HeaderShopDomain),
		APIVersion:     h.Get(HeaderAPIVersion),
		WebhookID:      h.Get(HeaderWebhookID),
		EventID:        h.Get(HeaderEventID),
		Name:           h.Get(HeaderName),
		TriggeredAtRaw: h.Get(HeaderTriggeredAt),
	}
	if t, err := time.Parse(time.RFC3339Nano, out.TriggeredAtRaw); err == nil {
		out.TriggeredAt = t
	}
	return out, nil
}

// Set writes h onto an outgoing request's headers (fakeshop's deliveries),
// leaving the optional ones out when empty.
func (h Headers) Set(dst http.Header) {
	dst.Set(HeaderTopic, h.Topic)
	dst.Set(HeaderHMAC, h.HMAC)
	dst.Set(HeaderShopDomain, h.ShopDomain)
	dst.Set(HeaderAPIVersion, h.APIVersion)
	dst.Set(HeaderWebhookID, h.WebhookID)
	for name, v := range map[string]string{HeaderEventID: h.EventID, HeaderName: h.Name, HeaderTriggeredAt: h.triggeredAt()} {
		if v != "" {
			dst.Set(name, v)
		}
	}
}

func (h Headers) triggeredAt() string {
	if h.TriggeredAtRaw != "" {
		return h.TriggeredAtRaw
	}
	if h.TriggeredAt.IsZero() {
		return ""
	}
	// Shopify's format: microseconds, UTC, "Z".
	return h.TriggeredAt.UTC().Format("2006-01-02T15:04:05.000000Z")
}
