package schema

import (
	"net/url"
	"regexp"
	"strings"
)

// The secret-bearing parts of a connection string: the password in a URL's user
// info, password-like query parameters, and password=... in libpq key=value form.
var (
	secretParams = []string{"password", "pass", "pwd", "secret", "token", "sslpassword"}
	kvPassword   = regexp.MustCompile(`(?i)\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)
)

const redacted = "xxxxx"

// Redact returns a connection string (a URL or libpq key=value form) with every
// password replaced, so that it can be printed or put into an error message.
// A string that cannot be parsed is replaced as a whole: it may hold a secret
// in a place we do not recognise.
func Redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return kvPassword.ReplaceAllString(dsn, "$1="+redacted)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable connection string)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), redacted)
		}
	}
	q := u.Query()
	changed := false
	for k := range q {
		for _, s := range secretParams {
			if strings.EqualFold(k, s) {
				q.Set(k, redacted)
				changed = true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
