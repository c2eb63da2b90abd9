package client

import "time"

// UpdatedSince is the search query (the query: argument of a connection)
// for resources updated at or after t: updated_at:>='2026-01-15T10:00:00Z'.
// Shopify's timestamps have whole seconds, so t is floored to its second and
// the comparison includes it: a resource changed in the same second as the
// last one a previous run saw is read again rather than missed, and the
// mirror's upsert makes the repeat harmless.
func UpdatedSince(t time.Time) string {
	return "updated_at:>='" + t.UTC().Truncate(time.Second).Format(time.RFC3339) + "'"
}
