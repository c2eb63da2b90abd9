package fakeshop

// webhookPayloader is implemented by records whose webhook payload is
// written beside their own code (a bulk operation's bulk_operations/finish
// payload, for instance), so this file need not know every record type.
type webhookPayloader interface {
	webhookPayload(f payloadFormat) map[string]any
}

// payload builds the REST-style body of a change's webhook (FACTS.md §2.5),
// or reports that fakeshop has none for it. Records are snapshots, but a
// product's variants and stock are separate records, read when the payload
// is built: right after the change, on the goroutine that made it. A write
// racing in between can show through, which real payloads (built by
// Shopify's background jobs) are not protected from either.
//
// A Change whose Resource is a map[string]any is sent as it is.
func (f payloadFormat) payload(c Change) (map[string]any, bool) {
	if p, ok := c.Resource.(webhookPayloader); ok {
		return p.webhookPayload(f), true
	}
	switch r := c.Resource.(type) {
	case map[string]any:
		return r, true
	case *Product:
		if c.Topic == "products/delete" {
			return map[string]any{"id": r.ID}, true
		}
		return f.product(c.Shop, r), true
	case *InventoryItem:
		if c.Topic == "inventory_items/delete" {
			return f.inventoryItemDeleted(r), true
		}
		return f.inventoryItem(c.Shop, r), true
	case *InventoryLevel:
		if c.Topic == "inventory_levels/disconnect" {
			return map[string]any{"inventory_item_id": r.ItemID, "location_id": r.LocationID}, true
		}
		return f.inventoryLevel(r), true
	case *Location:
		if c.Topic == "locations/delete" {
			return map[string]any{"id": r.ID}, true
		}
		return f.location(r), true
	case *Collection:
		if c.Topic == "collections/delete" {
			return map[string]any{"id": r.ID, "published_scope": "web", "admin_graphql_api_id": gidOf("Collection", r.ID)}, true
		}
		return f.collection(r), true
	case *Order:
		if c.Topic == "orders/delete" {
			return map[string]any{"id": r.ID}, true
		}
		return f.order(r), true
	case *Shop:
		return f.shop(r), true
	}
	return nil, false
}
