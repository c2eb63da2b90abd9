package fakeshop

// inventoryLevel is inventory_levels/update and /connect. It carries only
// available, not on_hand or the other states, and the parameterized
// InventoryLevel GID (FACTS.md §2.5).
func (f payloadFormat) inventoryLevel(l *InventoryLevel) map[string]any {
	return map[string]any{
		"inventory_item_id":    l.ItemID,
		"location_id":          l.LocationID,
		"available":            l.Quantity(QtyAvailable),
		"updated_at":           f.time(l.UpdatedAt),
		"admin_graphql_api_id": l.GID(),
	}
}

// location is the REST location of locations/create and /update.
func (f payloadFormat) location(l *Location) map[string]any {
	a := l.Address
	return map[string]any{
		"id":                      l.ID,
		"admin_graphql_api_id":    gidOf("Location", l.ID),
		"name":                    l.Name,
		"address1":                strOrNull(a.Address1),
		"address2":                strOrNull(a.Address2),
		"city":                    strOrNull(a.City),
		"zip":                     strOrNull(a.Zip),
		"province":                strOrNull(a.Province),
		"province_code":           strOrNull(a.ProvinceCode),
		"country":                 strOrNull(a.CountryCode),
		"country_code":            strOrNull(a.CountryCode),
		"country_name":            strOrNull(a.Country),
		"localized_country_name":  strOrNull(a.Country),
		"localized_province_name": strOrNull(a.Province),
		"phone":                   strOrNull(a.Phone),
		"legacy":                  false,
		"active":                  l.IsActive,
		"created_at":              f.time(l.CreatedAt),
		"updated_at":              f.time(l.UpdatedAt),
	}
}
