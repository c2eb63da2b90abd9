package config

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"strings"
)

// StoreSecrets are one store's secrets, read from where the file says.
type StoreSecrets struct {
	// Token is the Admin API access token.
	Token Secret
	// WebhookSecret verifies webhook HMACs.
	WebhookSecret Secret
	// PreviousWebhookSecret, when not zero, is also accepted, during a
	// rotation.
	PreviousWebhookSecret Secret
}

// LogValue lets a StoreSecrets be logged whole: every value redacted.
func (s StoreSecrets) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("token", s.Token),
		slog.Any("webhook_secret", s.WebhookSecret),
		slog.Bool("previous_webhook_secret", !s.PreviousWebhookSecret.IsZero()),
	)
}

// Secrets maps a store's domain to its secrets.
type Secrets map[string]StoreSecrets

// ResolveSecrets reads every store's secrets: from the environment through
// getenv (os.LookupEnv when nil) or from a file through readFile (os.ReadFile
// when nil). A file's content is trimmed of surrounding white space, since
// secret files usually end in a newline. An unset or empty variable, an
// unreadable or empty file, is a *FieldError naming the store's field and the
// variable or file, never a value; all of them are returned at once.
func (c *Config) ResolveSecrets(getenv func(string) (string, bool), readFile func(string) ([]byte, error)) (Secrets, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	if readFile == nil {
		readFile = os.ReadFile
	}
	p := problems{pos: c.positions}
	out := make(Secrets, len(c.Stores))
	for i, s := range c.Stores {
		path := index("stores", i)
		read := func(key, env, file string, required bool) Secret {
			switch {
			case env != "":
				v, ok := getenv(env)
				if !ok {
					p.add(child(path, key+"_env"), "store %s: environment variable %s is not set", s.Name, env)
				} else if v == "" {
					p.add(child(path, key+"_env"), "store %s: environment variable %s is empty", s.Name, env)
				}
				return NewSecret(v)
			case file != "":
				b, err := readFile(file)
				v := strings.TrimSpace(string(b))
				if err != nil {
					// A read error names the path and the cause, not the content.
					cause := err
					var pe *fs.PathError
					if errors.As(err, &pe) {
						cause = pe.Err
					}
					p.addErr(child(path, key+"_file"), err, "store %s: cannot read %s: %v", s.Name, file, cause)
				} else if v == "" {
					p.add(child(path, key+"_file"), "store %s: file %s is empty", s.Name, file)
				}
				return NewSecret(v)
			case required:
				p.add(child(path, key+"_env"), "store %s: no %s_env or %s_file", s.Name, key, key)
			}
			return Secret{}
		}
		out[s.Domain] = StoreSecrets{
			Token:                 read("token", s.TokenEnv, s.TokenFile, true),
			WebhookSecret:         read("webhook_secret", s.WebhookSecretEnv, s.WebhookSecretFile, true),
			PreviousWebhookSecret: read("previous_webhook_secret", s.PreviousWebhookSecretEnv, s.PreviousWebhookSecretFile, false),
		}
	}
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return out, nil
}
