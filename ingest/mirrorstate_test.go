package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// colKind says how a mirror column's text becomes canonical.
type colKind int

const (
	kText colKind = iota
	kTime
	kDec
	kOptText // blank is absent, as optStr
	kProductOptions
	kVariantOptions
	kRules
	kTags
	kTagSet
)

type mcol struct {
	name string
	kind colKind
}

// mirrorTables lists, per table, its key expression and the columns
// shopState fills.
var mirrorTables = []struct {
	table string
	key   string
	cols  []mcol
}{
	{"locations", "gid", []mcol{{"name", kText}, {"is_active", kText}, {"fulfills_online_orders", kText}, {"updated_at", kTime}}},
	{"products", "gid", []mcol{{"handle", kText}, {"title", kText}, {"description_html", kText}, {"vendor", kText},
		{"product_type", kText}, {"status", kText}, {"tags", kTags}, {"options", kProductOptions}, {"template_suffix", kOptText},
		{"published_at", kTime}, {"created_at", kTime}, {"updated_at", kTime}}},
	{"variants", "gid", []mcol{{"product_gid", kText}, {"title", kText}, {"sku", kOptText}, {"barcode", kOptText},
		{"price", kDec}, {"compare_at_price", kDec}, {"position", kText}, {"options", kVariantOptions},
		{"inventory_item_gid", kText}, {"inventory_policy", kText}, {"taxable", kText}, {"created_at", kTime}, {"updated_at", kTime}}},
	{"inventory_items", "gid", []mcol{{"sku", kOptText}, {"tracked", kText}, {"requires_shipping", kText}, {"unit_cost", kDec},
		{"created_at", kTime}, {"updated_at", kTime}}},
	{"inventory_levels", "gid", []mcol{{"inventory_item_gid", kText}, {"location_gid", kText}, {"available", kText},
		{"on_hand", kText}, {"updated_at", kTime}}},
	{"collections", "gid", []mcol{{"handle", kText}, {"title", kText}, {"collection_type", kText}, {"rules", kRules},
		{"description_html", kText}, {"sort_order", kText}, {"template_suffix", kOptText}, {"updated_at", kTime}}},
	{"collection_products", "collection_gid || ' ' || product_gid", nil},
	{"pages", "gid", []mcol{{"handle", kText}, {"title", kText}, {"body", kText}, {"is_published", kText},
		{"published_at", kTime}, {"template_suffix", kOptText}, {"created_at", kTime}, {"updated_at", kTime}}},
	{"blogs", "gid", []mcol{{"handle", kText}, {"title", kText}, {"comment_policy", kText}, {"tags", kTagSet},
		{"template_suffix", kOptText}, {"created_at", kTime}, {"updated_at", kTime}}},
	{"articles", "gid", []mcol{{"blog_gid", kText}, {"handle", kText}, {"title", kText}, {"author_name", kText},
		{"body", kText}, {"summary", kOptText}, {"tags", kTags}, {"is_published", kText}, {"published_at", kTime},
		{"template_suffix", kOptText}, {"created_at", kTime}, {"updated_at", kTime}}},
	{"orders", "gid", []mcol{{"name", kText}, {"email", kOptText}, {"currency", kText}, {"financial_status", kText},
		{"fulfillment_status", kText}, {"test", kText}, {"cancelled_at", kTime}, {"closed_at", kTime}, {"processed_at", kTime},
		{"created_at", kTime}, {"updated_at", kTime}}},
	{"order_line_items", "gid", []mcol{{"order_gid", kText}, {"product_gid", kText}, {"variant_gid", kText}, {"sku", kOptText},
		{"title", kText}, {"variant_title", kOptText}, {"quantity", kText}, {"unit_price", kDec}}},
}

// mirrorState reads one store's live mirror rows in shopState's form.
func mirrorState(ctx context.Context, pool *pgxpool.Pool, store string) (state, error) {
	s := state{}
	for _, t := range mirrorTables {
		exprs := []string{t.key}
		for _, c := range t.cols {
			switch c.kind {
			case kTime:
				exprs = append(exprs, fmt.Sprintf(`to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`, c.name))
			case kTags, kTagSet:
				exprs = append(exprs, fmt.Sprintf(`array_to_json(%s)::text`, c.name))
			default:
				exprs = append(exprs, c.name+"::text")
			}
		}
		rows, err := pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE store = $1 AND deleted_at IS NULL`,
			strings.Join(exprs, ", "), t.table), store)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.table, err)
		}
		s[t.table] = map[string]map[string]string{}
		for rows.Next() {
			vals := make([]*string, len(exprs))
			dest := make([]any, len(exprs))
			for i := range vals {
				dest[i] = &vals[i]
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			cols := map[string]string{}
			for i, c := range t.cols {
				cols[c.name] = canonMirror(c.kind, vals[i+1])
			}
			s.put(t.table, *vals[0], cols)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", t.table, err)
		}
	}
	return s, nil
}

func canonMirror(k colKind, v *string) string {
	if v == nil {
		return null
	}
	switch k {
	case kDec:
		return canonDec(*v)
	case kOptText:
		return optStr(v)
	case kTags, kTagSet:
		var tags []string
		if err := json.Unmarshal([]byte(*v), &tags); err != nil {
			return "bad tags " + *v
		}
		if k == kTagSet {
			return sortedSet(tags)
		}
		return list(tags)
	case kProductOptions:
		var opts []struct {
			Name     string   `json:"name"`
			Position int      `json:"position"`
			Values   []string `json:"values"`
		}
		if err := json.Unmarshal([]byte(*v), &opts); err != nil {
			return "bad options " + *v
		}
		var out []string
		for _, o := range opts {
			out = append(out, fmt.Sprintf("%s@%d=%q", o.Name, o.Position, o.Values))
		}
		return list(out)
	case kVariantOptions:
		var sel []struct{ Name, Value string }
		if err := json.Unmarshal([]byte(*v), &sel); err != nil {
			return "bad options " + *v
		}
		var out []string
		for _, o := range sel {
			out = append(out, o.Name+"="+o.Value)
		}
		return list(out)
	case kRules:
		var rs struct {
			AppliedDisjunctively bool `json:"appliedDisjunctively"`
			Rules                []struct{ Column, Relation, Condition string }
		}
		if err := json.Unmarshal([]byte(*v), &rs); err != nil {
			return "bad rules " + *v
		}
		var out []string
		for _, r := range rs.Rules {
			out = append(out, r.Column+" "+r.Relation+" "+r.Condition)
		}
		return fmt.Sprintf("disjunctive=%t %q", rs.AppliedDisjunctively, out)
	}
	return *v
}

// diff lists how got differs from want, at most limit lines per table, and
// how many differences there are in all. With allowBumps, a row whose only
// difference is an older updated_at in the mirror is not a difference but
// counted in bumps: the mirror does not advance updated_at when the content
// hash is unchanged, and Shopify moves a product's updatedAt when only a
// variant changes, a collection's when only its members do (reported to
// the mirror module; see the ingest report).
func diff(want, got state, limit int, allowBumps bool) (lines []string, total, bumps int) {
	tables := map[string]bool{}
	for t := range want {
		tables[t] = true
	}
	for t := range got {
		tables[t] = true
	}
	var names []string
	for t := range tables {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, t := range names {
		n := 0
		add := func(format string, args ...any) {
			total++
			if n < limit {
				lines = append(lines, t+": "+fmt.Sprintf(format, args...))
			}
			n++
		}
		var keys []string
		for k := range want[t] {
			keys = append(keys, k)
		}
		for k := range got[t] {
			if _, ok := want[t][k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			w, inWant := want[t][k]
			g, inGot := got[t][k]
			switch {
			case !inGot:
				add("%s missing from the mirror", k)
			case !inWant:
				add("%s in the mirror, not in the shop", k)
			default:
				var cols []string
				for c := range w {
					if w[c] != g[c] {
						cols = append(cols, c)
					}
				}
				slices.Sort(cols)
				if allowBumps && len(cols) == 1 && cols[0] == "updated_at" && g[cols[0]] < w[cols[0]] {
					bumps++
					continue
				}
				for _, c := range cols {
					add("%s.%s: shop %s, mirror %s", k, c, w[c], g[c])
				}
			}
		}
	}
	return lines, total, bumps
}
