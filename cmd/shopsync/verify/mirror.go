package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what verify reads PostgreSQL through (a pool or a connection).
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// LoadMirror reads a store's live products, variants and their available
// quantities at locations (location GIDs) from the mirror.
func LoadMirror(ctx context.Context, db Querier, store string, locations []string) (*Catalog, error) {
	c := &Catalog{Store: store}
	rows, err := db.Query(ctx, `
		SELECT gid, handle, title, description_html, vendor, product_type, status, tags
		FROM products WHERE store = $1 AND deleted_at IS NULL ORDER BY gid`, store)
	if err != nil {
		return nil, fmt.Errorf("verify: read %s's products from the mirror: %w", store, err)
	}
	byGID := map[string]*Product{}
	for rows.Next() {
		p := &Product{}
		if err := rows.Scan(&p.GID, &p.Handle, &p.Title, &p.Description, &p.Vendor, &p.ProductType, &p.Status, &p.Tags); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify: read %s's products from the mirror: %w", store, err)
		}
		c.Products = append(c.Products, p)
		byGID[p.GID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: read %s's products from the mirror: %w", store, err)
	}

	rows, err = db.Query(ctx, `
		SELECT v.gid, v.product_gid, v.title, coalesce(v.sku, ''), coalesce(v.barcode, ''), v.price::text,
		       coalesce(v.compare_at_price::text, ''),
		       coalesce((SELECT array_agg(o ->> 'name' ORDER BY n) FROM jsonb_array_elements(v.options) WITH ORDINALITY AS x (o, n)), '{}'),
		       coalesce((SELECT array_agg(o ->> 'value' ORDER BY n) FROM jsonb_array_elements(v.options) WITH ORDINALITY AS x (o, n)), '{}'),
		       coalesce(v.inventory_item_gid, '')
		FROM variants v WHERE v.store = $1 AND v.deleted_at IS NULL ORDER BY v.product_gid, v.position, v.gid`, store)
	if err != nil {
		return nil, fmt.Errorf("verify: read %s's variants from the mirror: %w", store, err)
	}
	byItem := map[string]*Variant{}
	for rows.Next() {
		v := &Variant{Available: map[string]int{}}
		var names, values []string
		var item string
		if err := rows.Scan(&v.GID, &v.ProductGID, &v.Title, &v.SKU, &v.Barcode, &v.Price, &v.CompareAtPrice, &names, &values, &item); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify: read %s's variants from the mirror: %w", store, err)
		}
		v.Options = optionsKey(names, values)
		if p := byGID[v.ProductGID]; p != nil {
			p.Variants = append(p.Variants, v)
		}
		if item != "" {
			byItem[item] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify: read %s's variants from the mirror: %w", store, err)
	}

	if len(locations) > 0 {
		rows, err = db.Query(ctx, `
			SELECT inventory_item_gid, location_gid, available FROM inventory_levels
			WHERE store = $1 AND deleted_at IS NULL AND location_gid = ANY($2) AND available IS NOT NULL`, store, locations)
		if err != nil {
			return nil, fmt.Errorf("verify: read %s's inventory levels from the mirror: %w", store, err)
		}
		for rows.Next() {
			var item, loc string
			var n int
			if err := rows.Scan(&item, &loc, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("verify: read %s's inventory levels from the mirror: %w", store, err)
			}
			if v := byItem[item]; v != nil {
				v.Available[loc] = n
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("verify: read %s's inventory levels from the mirror: %w", store, err)
		}
	}
	c.index()
	return c, nil
}
