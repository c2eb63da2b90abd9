package testdb

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// databaseName is a database name for test testName: recognisable in a listing
// of databases (t_ + the test's name), unique across tests, runs and processes
// (a random suffix), and valid unquoted in both PostgreSQL and ClickHouse
// (lower-case letters, digits and _; at most 63 bytes, PostgreSQL's limit).
func databaseName(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	underscore := true // collapse runs of separators into one _
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			underscore = false
		case !underscore:
			b.WriteByte('_')
			underscore = true
		}
	}
	name := strings.TrimRight(b.String(), "_")
	const maxStem = 63 - 1 - 8 // room for _ and 8 hex digits
	if len(name) > maxStem {
		name = strings.TrimRight(name[:maxStem], "_")
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix) // crypto/rand.Read never fails on supported platforms
	return name + "_" + hex.EncodeToString(suffix)
}
