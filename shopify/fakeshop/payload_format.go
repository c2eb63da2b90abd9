package fakeshop

import (
	"encoding/json"
	"strings"
	"time"
)

// payloadFormat turns records into REST-style webhook JSON values. REST
// differs from GraphQL in ways receivers must handle: numeric ids beside
// admin_graphql_api_id GIDs, lowercase enum values, tags as one ", "-joined
// string, timestamps in the shop's zone with a numeric offset
// ("2026-01-15T10:00:00+00:00", "-05:00" style, never "Z"), and money still
// as strings.
type payloadFormat struct {
	loc *time.Location
}

// restTimeLayout always writes a numeric offset: Shopify's samples show
// "-05:00", and for a UTC shop "+00:00" is chosen over "Z" (unverified which
// one Shopify sends) so that receivers parsing offsets are exercised either
// way.
const restTimeLayout = "2006-01-02T15:04:05-07:00"

func (f payloadFormat) time(t time.Time) string { return t.In(f.loc).Format(restTimeLayout) }

// timePtr is a nullable timestamp: nil becomes JSON null.
func (f payloadFormat) timePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return f.time(*t)
}

// gidTime is the format of variant_gids[].updated_at in Shopify's sample:
// UTC with milliseconds and "Z", unlike every other timestamp of the payload.
func gidTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// lower turns a GraphQL enum value into REST's spelling (ACTIVE → active).
func lower(enum string) string { return strings.ToLower(enum) }

// restTags joins tags the REST way: "a, b, c".
func restTags(tags []string) string { return strings.Join(tags, ", ") }

// nullStr is a nullable string: nil becomes JSON null.
func nullStr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// strOrNull is a REST string that Shopify sends as null when empty.
func strOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// idOrNull is a REST reference that is null when absent (0).
func idOrNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// decimal writes a JSON number literally, e.g. 0.0 for weight_value, which
// encoding/json would otherwise write as 0.
func decimal(s string) json.Number { return json.Number(s) }

// restAddress is a REST mailing address (orders, locations use their own).
func restAddress(a *Address) any {
	if a == nil {
		return nil
	}
	return map[string]any{
		"first_name":    strOrNull(a.FirstName),
		"last_name":     strOrNull(a.LastName),
		"name":          strOrNull(strings.TrimSpace(a.FirstName + " " + a.LastName)),
		"company":       strOrNull(a.Company),
		"address1":      strOrNull(a.Address1),
		"address2":      strOrNull(a.Address2),
		"city":          strOrNull(a.City),
		"province":      strOrNull(a.Province),
		"province_code": strOrNull(a.ProvinceCode),
		"country":       strOrNull(a.Country),
		"country_code":  strOrNull(a.CountryCode),
		"zip":           strOrNull(a.Zip),
		"phone":         strOrNull(a.Phone),
		"latitude":      nil,
		"longitude":     nil,
	}
}
