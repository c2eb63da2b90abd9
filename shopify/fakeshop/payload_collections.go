package fakeshop

import "strings"

// collection is the REST collection of collections/create and /update; a
// smart collection adds its rules and disjunctive. fakeshop collections have
// no publication date, so published_at is the creation time (Shopify
// publishes a new collection to the online store at once).
func (f payloadFormat) collection(c *Collection) map[string]any {
	m := map[string]any{
		"id":                   c.ID,
		"admin_graphql_api_id": gidOf("Collection", c.ID),
		"handle":               c.Handle,
		"title":                c.Title,
		"body_html":            c.DescriptionHTML,
		"sort_order":           restSortOrder(c.SortOrder),
		"template_suffix":      nullStr(c.TemplateSuffix),
		"published_scope":      "web",
		"published_at":         f.time(c.CreatedAt),
		"updated_at":           f.time(c.UpdatedAt),
	}
	if c.RuleSet != nil {
		rules := make([]map[string]any, len(c.RuleSet.Rules))
		for i, r := range c.RuleSet.Rules {
			rules[i] = map[string]any{"column": lower(r.Column), "relation": lower(r.Relation), "condition": r.Condition}
		}
		m["rules"] = rules
		m["disjunctive"] = c.RuleSet.AppliedDisjunctively
	}
	return m
}

// restSortOrder spells a CollectionSortOrder the REST way: BEST_SELLING →
// best-selling, ALPHA_ASC → alpha-asc.
func restSortOrder(s string) any {
	if s == "" {
		return nil
	}
	return strings.ReplaceAll(lower(s), "_", "-")
}
