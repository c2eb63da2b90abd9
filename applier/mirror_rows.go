package applier

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopsync/shopsync/mirror"
)

// The answers of productVariantsBulkUpdate, inventorySetQuantities and
// productUpdate carry only what changed; the rest of the row is the
// mirror's. These read the mirror's rows as package mirror's row types, to
// be written back with the answer's values through mirror.Apply (which
// keeps the content hash, the version and the change row right).

func loadVariantRows(ctx context.Context, tx pgx.Tx, store string, gids []string) (map[string]*mirror.Variant, error) {
	rows, err := tx.Query(ctx, `SELECT gid, product_gid, title, sku, barcode, price::text, compare_at_price::text, position,
			options, inventory_item_gid, inventory_policy, taxable, created_at, updated_at, raw
		FROM variants WHERE store = $1 AND gid = ANY($2) AND deleted_at IS NULL`, store, gids)
	if err != nil {
		return nil, fmt.Errorf("read mirror variants: %w", err)
	}
	out := map[string]*mirror.Variant{}
	for rows.Next() {
		v := &mirror.Variant{Store: store}
		var opts []byte
		if err := rows.Scan(&v.GID, &v.ProductGID, &v.Title, &v.SKU, &v.Barcode, &v.Price, &v.CompareAtPrice, &v.Position,
			&opts, &v.InventoryItemGID, &v.InventoryPolicy, &v.Taxable, &v.CreatedAt, &v.UpdatedAt, &v.Raw); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read mirror variants: %w", err)
		}
		if err := json.Unmarshal(opts, &v.Options); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read mirror variant %s options: %w", v.GID, err)
		}
		out[v.GID] = v
	}
	return out, rows.Err()
}

func loadProductRows(ctx context.Context, tx pgx.Tx, store string, gids []string) (map[string]*mirror.Product, error) {
	rows, err := tx.Query(ctx, `SELECT gid, handle, title, description_html, vendor, product_type, status, tags, options,
			template_suffix, published_at, created_at, updated_at, raw
		FROM products WHERE store = $1 AND gid = ANY($2) AND deleted_at IS NULL`, store, gids)
	if err != nil {
		return nil, fmt.Errorf("read mirror products: %w", err)
	}
	out := map[string]*mirror.Product{}
	for rows.Next() {
		p := &mirror.Product{Store: store}
		var opts []byte
		if err := rows.Scan(&p.GID, &p.Handle, &p.Title, &p.DescriptionHTML, &p.Vendor, &p.ProductType, &p.Status, &p.Tags,
			&opts, &p.TemplateSuffix, &p.PublishedAt, &p.CreatedAt, &p.UpdatedAt, &p.Raw); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read mirror products: %w", err)
		}
		if err := json.Unmarshal(opts, &p.Options); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read mirror product %s options: %w", p.GID, err)
		}
		out[p.GID] = p
	}
	return out, rows.Err()
}

// levelKey names a level by its item and location.
func levelKey(item, location string) string { return item + " " + location }

func loadLevelRows(ctx context.Context, tx pgx.Tx, store string, items, locations []string) (map[string]*mirror.InventoryLevel, error) {
	rows, err := tx.Query(ctx, `SELECT l.gid, l.inventory_item_gid, l.location_gid, l.available, l.on_hand, l.updated_at, l.raw
		FROM unnest($2::text[], $3::text[]) AS k (item, location)
		JOIN inventory_levels l ON l.store = $1 AND l.inventory_item_gid = k.item AND l.location_gid = k.location
		 AND l.deleted_at IS NULL`, store, items, locations)
	if err != nil {
		return nil, fmt.Errorf("read mirror inventory levels: %w", err)
	}
	out := map[string]*mirror.InventoryLevel{}
	for rows.Next() {
		l := &mirror.InventoryLevel{Store: store}
		if err := rows.Scan(&l.GID, &l.InventoryItemGID, &l.LocationGID, &l.Available, &l.OnHand, &l.UpdatedAt, &l.Raw); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read mirror inventory levels: %w", err)
		}
		out[levelKey(l.InventoryItemGID, l.LocationGID)] = l
	}
	return out, rows.Err()
}

// patchRaw sets top-level keys of a raw GraphQL object.
func patchRaw(raw json.RawMessage, kv map[string]any) json.RawMessage {
	m := map[string]any{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &m)
	}
	for k, v := range kv {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}

// patchQuantities sets the named quantities in a raw InventoryLevel's
// quantities list.
func patchQuantities(raw json.RawMessage, q map[string]int, at *time.Time) json.RawMessage {
	m := map[string]any{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &m)
	}
	list, _ := m["quantities"].([]any)
	for name, n := range q {
		found := false
		for _, e := range list {
			if em, ok := e.(map[string]any); ok && em["name"] == name {
				em["quantity"] = n
				if at != nil {
					em["updatedAt"] = at.Format(time.RFC3339)
				}
				found = true
			}
		}
		if !found {
			e := map[string]any{"name": name, "quantity": n}
			if at != nil {
				e["updatedAt"] = at.Format(time.RFC3339)
			}
			list = append(list, e)
		}
	}
	m["quantities"] = list
	if at != nil {
		m["updatedAt"] = at.Format(time.RFC3339)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}

// patchedRows turns r's patches into mirror rows, reading the rest of each
// row from the mirror. Objects the mirror does not hold are left out: the
// ingest will mirror them whole.
func patchedRows(ctx context.Context, tx pgx.Tx, store string, r *result) ([]mirror.Row, error) {
	var out []mirror.Row
	if len(r.variantPatches) > 0 {
		gids := make([]string, len(r.variantPatches))
		for i, p := range r.variantPatches {
			gids[i] = p.gid
		}
		vs, err := loadVariantRows(ctx, tx, store, gids)
		if err != nil {
			return nil, err
		}
		for _, p := range r.variantPatches {
			v := vs[p.gid]
			if v == nil {
				continue
			}
			kv := map[string]any{}
			if p.price != nil {
				v.Price = *p.price
				kv["price"] = *p.price
			}
			if present(p.compareAtPrice) {
				var ca *string
				_ = json.Unmarshal(p.compareAtPrice, &ca)
				v.CompareAtPrice = ca
				kv["compareAtPrice"] = ca
			}
			if p.updatedAt != nil {
				v.UpdatedAt = p.updatedAt
				kv["updatedAt"] = p.updatedAt.Format(time.RFC3339)
			}
			v.Raw = patchRaw(v.Raw, kv)
			out = append(out, v)
		}
	}
	if len(r.levelPatches) > 0 {
		items := make([]string, len(r.levelPatches))
		locs := make([]string, len(r.levelPatches))
		for i, p := range r.levelPatches {
			items[i], locs[i] = p.item, p.location
		}
		ls, err := loadLevelRows(ctx, tx, store, items, locs)
		if err != nil {
			return nil, err
		}
		for _, p := range r.levelPatches {
			l := ls[levelKey(p.item, p.location)]
			if l == nil {
				continue
			}
			q := map[string]int{}
			if p.available != nil {
				l.Available = p.available
				q["available"] = *p.available
			}
			if p.onHand != nil {
				l.OnHand = p.onHand
				q["on_hand"] = *p.onHand
			}
			if p.at != nil {
				l.UpdatedAt = p.at
			}
			l.Raw = patchQuantities(l.Raw, q, p.at)
			out = append(out, l)
		}
	}
	if len(r.statusPatches) > 0 {
		gids := make([]string, len(r.statusPatches))
		for i, p := range r.statusPatches {
			gids[i] = p.gid
		}
		ps, err := loadProductRows(ctx, tx, store, gids)
		if err != nil {
			return nil, err
		}
		for _, sp := range r.statusPatches {
			p := ps[sp.gid]
			if p == nil {
				continue
			}
			p.Status = sp.status
			kv := map[string]any{"status": sp.status}
			if sp.updatedAt != nil {
				p.UpdatedAt = sp.updatedAt
				kv["updatedAt"] = sp.updatedAt.Format(time.RFC3339)
			}
			p.Raw = patchRaw(p.Raw, kv)
			out = append(out, p)
		}
	}
	return out, nil
}
