package config

import (
	"fmt"
	"log/slog"
)

// Secret holds a token or webhook secret. Every way of printing it (fmt with
// any verb, slog, encoding/json, encoding.TextMarshaler, YAML) gives
// "[redacted]"; only Reveal returns the value, for the one place that sends it.
type Secret struct {
	value string
}

const redacted = "[redacted]"

// NewSecret wraps a secret value.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the secret itself: pass it to the HTTP header or HMAC that
// needs it, nowhere else.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether there is no secret (e.g. no previous webhook secret).
func (s Secret) IsZero() bool { return s.value == "" }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format makes every fmt verb print "[redacted]": without it %d or %x of the
// struct would print the field.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) MarshalYAML() (any, error)    { return redacted, nil }

var (
	_ fmt.Stringer   = Secret{}
	_ fmt.GoStringer = Secret{}
	_ fmt.Formatter  = Secret{}
	_ slog.LogValuer = Secret{}
)
