package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Sign returns the X-Shopify-Hmac-Sha256 value Shopify sends for body:
// Base64(HMAC-SHA256(secret, body)). fakeshop signs its deliveries with it.
func Sign(secret, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac(secret, body))
}

// Verify reports whether header is the signature of body under any of
// secrets. Several secrets are accepted because during a client-secret
// rotation Shopify keeps signing with the oldest unrevoked secret for up to
// an hour. An empty body, an empty or malformed header, or no non-empty
// secret is a failure; an empty secret never matches, so a missing
// configuration cannot accept forged deliveries. The comparison is constant
// time and every secret is tried, so timing reveals neither the signature
// nor which secret matched.
func Verify(body []byte, header string, secrets ...[]byte) bool {
	if len(body) == 0 {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	ok := false
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		if hmac.Equal(mac(secret, body), got) {
			ok = true
		}
	}
	return ok
}

func mac(secret, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(body)
	return h.Sum(nil)
}
