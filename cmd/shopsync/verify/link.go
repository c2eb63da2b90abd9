package verify

import (
	"context"
	"fmt"
	"math/big"
)

// Link is one enabled link as verify needs it, read from the database (what
// the configuration's sync wrote).
type Link struct {
	ID                  int64
	Source, Destination string
	MatchKey            string // handle, sku or barcode
	// Synced holds the product fields whose policy is sync (the mirror's
	// column names: title, description_html, vendor, product_type, tags,
	// status).
	Synced map[string]bool
	// Locations maps a source location GID to its destination location
	// GID; empty when the link does not sync inventory.
	Locations map[string]string
	// Held are the product keys (handles, or source product GIDs when
	// matching by SKU or barcode) the planner holds back for conflicts.
	Held map[string]bool
	// Pairs are id_map's recorded pairs, source GID → destination GID, of
	// products and of variants.
	Pairs map[string]string
}

// fieldPolicies maps the configuration's field names to the mirror's.
var fieldPolicies = map[string]string{
	"title": "title", "description": "description_html", "vendor": "vendor",
	"product_type": "product_type", "tags": "tags", "status": "status",
}

// LoadLinks reads the enabled links, those to dest only when it is not
// empty, with their location map, conflicts and recorded pairs.
func LoadLinks(ctx context.Context, db Querier, dest string) ([]*Link, error) {
	rows, err := db.Query(ctx, `
		SELECT id, source_store, destination_store, match_key, inventory_mode <> 'none',
		       coalesce((SELECT array_agg(f.key) FROM jsonb_each_text(field_policies) f WHERE f.value <> 'sync'), '{}')
		FROM links WHERE enabled AND ($1 = '' OR destination_store = $1) ORDER BY id`, dest)
	if err != nil {
		return nil, fmt.Errorf("verify: read links: %w", err)
	}
	var links []*Link
	inventory := map[int64]bool{}
	for rows.Next() {
		l := &Link{Synced: map[string]bool{}, Locations: map[string]string{}, Held: map[string]bool{}, Pairs: map[string]string{}}
		var inv bool
		var notSynced []string
		if err := rows.Scan(&l.ID, &l.Source, &l.Destination, &l.MatchKey, &inv, &notSynced); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify: read links: %w", err)
		}
		for k, col := range fieldPolicies {
			l.Synced[col] = true
			for _, n := range notSynced {
				if n == k {
					delete(l.Synced, col)
				}
			}
		}
		inventory[l.ID] = inv
		links = append(links, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: read links: %w", err)
	}
	for _, l := range links {
		if inventory[l.ID] {
			if err := scanPairs(ctx, db, l.Locations, `SELECT source_location_gid, destination_location_gid FROM link_locations WHERE link_id = $1`, l.ID); err != nil {
				return nil, fmt.Errorf("verify: read link %d's locations: %w", l.ID, err)
			}
		}
		if err := scanPairs(ctx, db, l.Pairs, `SELECT source_gid, destination_gid FROM id_map WHERE link_id = $1 AND resource IN ('product', 'variant')`, l.ID); err != nil {
			return nil, fmt.Errorf("verify: read link %d's id map: %w", l.ID, err)
		}
		held := map[string]string{}
		if err := scanPairs(ctx, db, held, `SELECT DISTINCT b, '' FROM plan_conflicts, unnest(blocked) b WHERE link_id = $1`, l.ID); err != nil {
			return nil, fmt.Errorf("verify: read link %d's conflicts: %w", l.ID, err)
		}
		for k := range held {
			l.Held[k] = true
		}
	}
	return links, nil
}

func scanPairs(ctx context.Context, db Querier, into map[string]string, sql string, args ...any) error {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		into[k] = v
	}
	return rows.Err()
}

// prices computes the link's destination prices and compare-at prices of
// the given source amounts with the database's price rule (the planner's):
// amount → price, and amount → compare-at price ("" when none).
func prices(ctx context.Context, db Querier, linkID int64, amounts []string) (price, compareAt map[string]string, err error) {
	price, compareAt = map[string]string{}, map[string]string{}
	if len(amounts) == 0 {
		return price, compareAt, nil
	}
	rows, err := db.Query(ctx, `
		SELECT a, coalesce(shopsync_price(a::numeric, l)::text, ''), coalesce(shopsync_compare_at_price(a::numeric, l)::text, '')
		FROM unnest($1::text[]) a, links l WHERE l.id = $2`, amounts, linkID)
	if err != nil {
		return nil, nil, fmt.Errorf("verify: apply link %d's price rule: %w", linkID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, p, c string
		if err := rows.Scan(&a, &p, &c); err != nil {
			return nil, nil, err
		}
		price[a], compareAt[a] = p, c
	}
	return price, compareAt, rows.Err()
}

// sameAmount reports whether two decimal strings are the same amount
// ("12.5" and "12.50" are); "" is only the same as "".
func sameAmount(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		return a == b
	}
	return x.Cmp(y) == 0
}
