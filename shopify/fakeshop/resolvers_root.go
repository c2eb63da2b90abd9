package fakeshop

import (
	"fmt"
	"strings"
	"time"
)

// nodeLookups finds a Node by the type named in its GID. Each resolvers_*.go
// file registers the types it owns; a later stage adds BulkOperation the same
// way. A lookup runs under the shop's read lock.
var nodeLookups = map[string]func(st *store, shop *Shop, g GID) Object{}

func init() {
	register("QueryRoot", map[string]FieldFunc{
		"shop": func(rc *ResolveContext, _ Object, _ map[string]any) (any, error) { return rc.Shop, nil },
		"node": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			return lookupNode(rc.Shop, args["id"])
		},
		"nodes": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			ids, _ := args["ids"].([]any)
			out := make([]Object, len(ids))
			for i, id := range ids {
				n, err := lookupNode(rc.Shop, id)
				if err != nil {
					return nil, err
				}
				out[i] = n
			}
			return out, nil
		},
	})
}

// lookupNode resolves any GID to its object, or nil when nothing has it.
func lookupNode(shop *Shop, raw any) (Object, error) {
	g, err := parseIDArg(raw)
	if err != nil {
		return nil, err
	}
	find := nodeLookups[g.Type]
	if find == nil {
		return nil, nil
	}
	var obj Object
	shop.read(func(st *store) { obj = find(st, shop, g) })
	if obj == nil {
		return nil, nil
	}
	return obj, nil
}

// parseIDArg reads an ID argument; a malformed GID is a GraphQL error, as in
// Shopify ("Invalid global id").
func parseIDArg(raw any) (GID, error) {
	s := fmt.Sprint(raw)
	g, err := ParseGID(s)
	if err != nil {
		return GID{}, gqlError(fmt.Sprintf("Invalid global id '%s'", s), "argumentLiteralsIncompatible")
	}
	return g, nil
}

// idOfType reads an ID argument that must name a typ; another type's GID
// (a valid id of the wrong kind) is reported as ok=false, which resolvers
// answer with null, as Shopify does.
func idOfType(raw any, typ string) (int64, bool, error) {
	g, err := parseIDArg(raw)
	if err != nil {
		return 0, false, err
	}
	return g.ID, g.Type == typ, nil
}

// byID is the resolver of a QueryRoot field like product(id:).
func byID[T Object](typ string, get func(st *store, id int64) T) FieldFunc {
	return func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
		id, ok, err := idOfType(args["id"], typ)
		if err != nil || !ok {
			return nil, err
		}
		var out T
		rc.Shop.read(func(st *store) { out = get(st, id) })
		return out, nil
	}
}

// countObj is a Count with Shopify's limit semantics: above limit the count
// is the limit and the precision AT_LEAST.
func countObj(n int, args map[string]any) *Obj {
	limit := 10000
	if v, ok := args["limit"]; ok {
		if v == nil {
			limit = -1
		} else if l, ok := toInt(v); ok {
			limit = l
		}
	}
	if limit >= 0 && n > limit {
		return NewObj("Count", "count", limit, "precision", "AT_LEAST")
	}
	return NewObj("Count", "count", n, "precision", "EXACT")
}

// sortValues are the sort-key extractors shared by resources.
func byUpdatedAt(updated func(Identified) time.Time) func(Identified) any {
	return func(it Identified) any { return formatTime(updated(it)) }
}

func lowerTitle(title func(Identified) string) func(Identified) any {
	return func(it Identified) any { return strings.ToLower(title(it)) }
}

func seoObj(s SEO) *Obj { return NewObj("SEO", "title", s.Title, "description", s.Description) }

// legacyID is a resource's REST id, an UnsignedInt64 (a string in JSON).
func legacyID(id int64) string { return fmt.Sprint(id) }
