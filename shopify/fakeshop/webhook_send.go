package fakeshop

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/webhook"
)

// send makes one delivery attempt: a POST of the raw body with Shopify's
// headers, signed with the shop's app secret. It returns the receiver's
// status, or an error when there was no answer (refused, timed out).
func (d *webhookDispatcher) send(shop *Shop, dl *delivery) (int, error) {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, dl.uri, bytes.NewReader(dl.body))
	if err != nil {
		return 0, fmt.Errorf("fakeshop webhooks: request to subscription %d: %w", dl.subID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Shopify-Captain-Hook")
	webhook.Headers{
		Topic:      dl.topic,
		HMAC:       webhook.Sign([]byte(shop.secret), dl.body),
		ShopDomain: shop.Domain(),
		// fakeshop serializes payloads at the one version it serves, and
		// the header names the version actually used, as Shopify's does
		// when it falls forward.
		APIVersion:  adminapi.Version,
		WebhookID:   dl.webhookID,
		EventID:     dl.eventID,
		Name:        dl.name,
		TriggeredAt: dl.triggeredAt,
	}.Set(req.Header)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fakeshop webhooks: delivering to subscription %d: %w", dl.subID, err)
	}
	// Drain a little so the connection can be reused; receivers' bodies
	// mean nothing to Shopify.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// newUUID is a random (version 4) UUID, the form of X-Shopify-Webhook-Id.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("fakeshop: crypto/rand failed: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// eventUUID renders a change's event id (shared by every change of one Shop
// method call, FACTS.md's "same merchant action") as X-Shopify-Event-Id, in
// UUID form like Shopify's. It is derived, not random, so every delivery of
// the event carries the same value.
func eventUUID(event int64) string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", uint64(event)&0xffffffffffff)
}
