package fakeshop

import "time"

// shop is the REST shop of app/uninstalled: the store the app was removed
// from, with the identifiers a receiver needs to clean up.
func (f payloadFormat) shop(s *Shop) map[string]any {
	return map[string]any{
		"id":                   s.id,
		"admin_graphql_api_id": s.GID(),
		"name":                 s.name,
		"email":                "owner@" + s.Domain(),
		"customer_email":       "owner@" + s.Domain(),
		"domain":               s.Domain(),
		"myshopify_domain":     s.Domain(),
		"currency":             s.curr,
		"iana_timezone":        ianaName(f.loc),
		"plan_name":            lower(s.plan.Name),
		"created_at":           f.time(s.createdAt),
		"updated_at":           f.time(s.createdAt),
	}
}

// UninstallApp announces app/uninstalled, as when the merchant removes the
// app. It only notifies: the token keeps working, so a test can go on to
// check what the receiver did with the notice.
func (s *Shop) UninstallApp() {
	_ = s.write(func(t *tx) error {
		t.emit("app/uninstalled", s)
		return nil
	})
}

// ianaName names a zone as Shopify's ianaTimezone does; Go calls UTC "UTC",
// the shops' resolver says Etc/UTC.
func ianaName(loc *time.Location) string {
	if loc == time.UTC {
		return "Etc/UTC"
	}
	return loc.String()
}
