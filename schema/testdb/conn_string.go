package testdb

import (
	"net/url"
	"regexp"
	"strings"
)

var kvDatabase = regexp.MustCompile(`(?i)\bdbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// withDatabase returns connection string cs (a URL, or for PostgreSQL a libpq
// key=value string) naming database name instead of its own, every other
// parameter kept. name is one of databaseName's, which needs no quoting.
func withDatabase(cs, name string) string {
	if !strings.Contains(cs, "://") {
		if kvDatabase.MatchString(cs) {
			return kvDatabase.ReplaceAllString(cs, "dbname="+name)
		}
		return strings.TrimSpace(cs) + " dbname=" + name
	}
	u, err := url.Parse(cs)
	if err != nil {
		// The caller parsed cs successfully already; keep it as it is.
		return cs
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}
