package fakeshop

import "strings"

func init() {
	register("QueryRoot", map[string]FieldFunc{
		"collection": byID("Collection", func(st *store, id int64) *Collection { return st.collections.get(id) }),
		"collections": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Collection
			rc.Shop.read(func(st *store) { items = st.collections.all() })
			items, err := filterItems(items, args, collectionFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, collectionSort(args["sortKey"])), nil
		},
		"collectionsCount": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*Collection
			rc.Shop.read(func(st *store) { items = st.collections.all() })
			items, err := filterItems(items, args, collectionFilter)
			if err != nil {
				return nil, err
			}
			return countObj(len(items), args), nil
		},
	})

	register("Collection", map[string]FieldFunc{
		"id":               field(func(c *Collection) any { return gidOf("Collection", c.ID) }),
		"legacyResourceId": field(func(c *Collection) any { return legacyID(c.ID) }),
		"title":            field(func(c *Collection) any { return c.Title }),
		"handle":           field(func(c *Collection) any { return c.Handle }),
		"descriptionHtml":  field(func(c *Collection) any { return c.DescriptionHTML }),
		"sortOrder":        field(func(c *Collection) any { return c.SortOrder }),
		"templateSuffix":   field(func(c *Collection) any { return c.TemplateSuffix }),
		"seo":              field(func(c *Collection) any { return seoObj(c.SEO) }),
		"updatedAt":        field(func(c *Collection) any { return c.UpdatedAt }),
		"ruleSet": field(func(c *Collection) any {
			if c.RuleSet == nil {
				return nil
			}
			rules := make([]*Obj, len(c.RuleSet.Rules))
			for i, r := range c.RuleSet.Rules {
				rules[i] = NewObj("CollectionRule", "column", r.Column, "relation", r.Relation, "condition", r.Condition)
			}
			return NewObj("CollectionRuleSet", "appliedDisjunctively", c.RuleSet.AppliedDisjunctively, "rules", rules)
		}),
		"products": fieldCtx(func(rc *ResolveContext, c *Collection, args map[string]any) (any, error) {
			var items []*Product
			rc.Shop.read(func(st *store) { items = st.collectionProducts(c) })
			conn := newConn(items, nil)
			switch args["sortKey"] {
			case "TITLE":
				conn = newConn(items, lowerTitle(func(it Identified) string { return it.(*Product).Title }))
			case "ID", "CREATED":
			default:
				// COLLECTION_DEFAULT and MANUAL keep the collection's own
				// order: the position in the member list is the sort value.
				if c.RuleSet == nil {
					pos := map[int64]int64{}
					for i, p := range items {
						pos[p.ID] = int64(i)
					}
					conn = newConn(items, func(it Identified) any { return pos[it.NumericID()] })
				}
			}
			return conn, nil
		}),
		"productsCount": fieldCtx(func(rc *ResolveContext, c *Collection, args map[string]any) (any, error) {
			n := 0
			rc.Shop.read(func(st *store) { n = len(st.collectionProducts(c)) })
			return countObj(n, args), nil
		}),
		"hasProduct": fieldCtx(func(rc *ResolveContext, c *Collection, args map[string]any) (any, error) {
			id, ok, err := idOfType(args["id"], "Product")
			if err != nil || !ok {
				return false, err
			}
			in := false
			rc.Shop.read(func(st *store) {
				if p := st.products.get(id); p != nil {
					in = st.inCollection(c, p)
				}
			})
			return in, nil
		}),
	})

	nodeLookups["Collection"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.collections.get(g.ID)) }
}

var collectionFilter = filterSpec{
	"":           {kindText, func(o any) []any { return one(o.(*Collection).Title) }},
	"title":      {kindText, func(o any) []any { return one(o.(*Collection).Title) }},
	"handle":     {kindExact, func(o any) []any { return one(o.(*Collection).Handle) }},
	"id":         {kindInt, func(o any) []any { return one(o.(*Collection).ID) }},
	"updated_at": {kindTime, func(o any) []any { return one(o.(*Collection).UpdatedAt) }},
	"collection_type": {kindExact, func(o any) []any {
		if o.(*Collection).RuleSet != nil {
			return one("smart")
		}
		return one("custom")
	}},
}

func collectionSort(key any) func(Identified) any {
	switch key {
	case "TITLE":
		return func(it Identified) any { return strings.ToLower(it.(*Collection).Title) }
	case "UPDATED_AT":
		return func(it Identified) any { return formatTime(it.(*Collection).UpdatedAt) }
	}
	return nil
}
