package fakeshop

import (
	"slices"
	"strconv"
	"strings"
)

func init() {
	register("QueryRoot", map[string]FieldFunc{
		"inventoryItem": byID("InventoryItem", func(st *store, id int64) *InventoryItem { return st.items.get(id) }),
		"inventoryItems": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			var items []*InventoryItem
			var spec filterSpec
			rc.Shop.read(func(st *store) { items, spec = st.items.all(), itemFilter(st) })
			items, err := filterItems(items, args, spec)
			if err != nil {
				return nil, err
			}
			return newConn(items, nil), nil
		},
		"inventoryLevel": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			g, err := parseIDArg(args["id"])
			if err != nil || g.Type != "InventoryLevel" {
				return nil, err
			}
			var obj Object
			rc.Shop.read(func(st *store) { obj = findLevel(st, g) })
			return obj, nil
		},
		"location": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			if args["id"] == nil { // no id: the shop's primary (first) location
				locs := rc.Shop.Locations()
				if len(locs) == 0 {
					return nil, nil
				}
				return locs[0], nil
			}
			return byID("Location", func(st *store, id int64) *Location { return st.locations.get(id) })(rc, nil, args)
		},
		"locations": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			items := rc.Shop.Locations()
			if inactive, _ := args["includeInactive"].(bool); !inactive {
				items = slices.DeleteFunc(items, func(l *Location) bool { return !l.IsActive })
			}
			items, err := filterItems(items, args, locationFilter)
			if err != nil {
				return nil, err
			}
			var sortValue func(Identified) any
			if args["sortKey"] == nil || args["sortKey"] == "NAME" {
				sortValue = func(it Identified) any { return strings.ToLower(it.(*Location).Name) }
			}
			return newConn(items, sortValue), nil
		},
	})

	register("InventoryItem", map[string]FieldFunc{
		"id":               field(func(i *InventoryItem) any { return gidOf("InventoryItem", i.ID) }),
		"legacyResourceId": field(func(i *InventoryItem) any { return legacyID(i.ID) }),
		"tracked":          field(func(i *InventoryItem) any { return i.Tracked }),
		"requiresShipping": field(func(i *InventoryItem) any { return i.RequiresShipping }),
		"createdAt":        field(func(i *InventoryItem) any { return i.CreatedAt }),
		"updatedAt":        field(func(i *InventoryItem) any { return i.UpdatedAt }),
		"unitCost": fieldCtx(func(rc *ResolveContext, i *InventoryItem, _ map[string]any) (any, error) {
			if i.Cost == nil {
				return nil, nil
			}
			return moneyV2(*i.Cost, rc.Shop.curr), nil
		}),
		"sku": fieldCtx(func(rc *ResolveContext, i *InventoryItem, _ map[string]any) (any, error) {
			if v := rc.Shop.Variant(i.VariantID); v != nil {
				return v.SKU, nil
			}
			return nil, nil
		}),
		"duplicateSkuCount": fieldCtx(func(rc *ResolveContext, i *InventoryItem, _ map[string]any) (any, error) {
			n := 0
			rc.Shop.read(func(st *store) {
				v := st.variants.get(i.VariantID)
				if v == nil || v.SKU == nil {
					return
				}
				for _, other := range st.variants.all() {
					if other.ID != v.ID && other.SKU != nil && *other.SKU == *v.SKU {
						n++
					}
				}
			})
			return n, nil
		}),
		"variant": fieldCtx(func(rc *ResolveContext, i *InventoryItem, _ map[string]any) (any, error) {
			return rc.Shop.Variant(i.VariantID), nil
		}),
		"inventoryLevels": fieldCtx(func(rc *ResolveContext, i *InventoryItem, args map[string]any) (any, error) {
			var items []*InventoryLevel
			rc.Shop.read(func(st *store) { items = st.levelsOfItem(i.ID) })
			items, err := filterItems(items, args, levelFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, nil), nil
		}),
		"inventoryLevel": fieldCtx(func(rc *ResolveContext, i *InventoryItem, args map[string]any) (any, error) {
			loc, ok, err := idOfType(args["locationId"], "Location")
			if err != nil || !ok {
				return nil, err
			}
			return rc.Shop.InventoryLevel(i.ID, loc), nil
		}),
	})

	register("InventoryLevel", map[string]FieldFunc{
		"id":        field(func(l *InventoryLevel) any { return l.GID() }),
		"createdAt": field(func(l *InventoryLevel) any { return l.CreatedAt }),
		"updatedAt": field(func(l *InventoryLevel) any { return l.UpdatedAt }),
		"item": fieldCtx(func(rc *ResolveContext, l *InventoryLevel, _ map[string]any) (any, error) {
			return rc.Shop.InventoryItem(l.ItemID), nil
		}),
		"location": fieldCtx(func(rc *ResolveContext, l *InventoryLevel, _ map[string]any) (any, error) {
			return rc.Shop.Location(l.LocationID), nil
		}),
		"quantities": fieldCtx(func(_ *ResolveContext, l *InventoryLevel, args map[string]any) (any, error) {
			names, _ := args["names"].([]any)
			out := make([]*Obj, 0, len(names))
			for _, n := range names {
				name, _ := n.(string)
				if !slices.Contains(QuantityNames, name) {
					return nil, gqlError("Invalid quantity name: "+name, "BAD_REQUEST")
				}
				id := "gid://shopify/InventoryQuantity/" + strconv.FormatInt(l.ID, 10) + "?inventory_item_id=" + strconv.FormatInt(l.ItemID, 10) + "&name=" + name
				out = append(out, NewObj("InventoryQuantity", "id", id, "name", name, "quantity", l.Quantity(name), "updatedAt", l.UpdatedAt))
			}
			return out, nil
		}),
	})

	register("Location", map[string]FieldFunc{
		"id":                   field(func(l *Location) any { return gidOf("Location", l.ID) }),
		"legacyResourceId":     field(func(l *Location) any { return legacyID(l.ID) }),
		"name":                 field(func(l *Location) any { return l.Name }),
		"isActive":             field(func(l *Location) any { return l.IsActive }),
		"fulfillsOnlineOrders": field(func(l *Location) any { return l.FulfillsOnlineOrders }),
		"deactivatedAt":        field(func(l *Location) any { return nil }),
		"createdAt":            field(func(l *Location) any { return l.CreatedAt }),
		"updatedAt":            field(func(l *Location) any { return l.UpdatedAt }),
		"address":              field(func(l *Location) any { return locationAddress(l.Address) }),
		"hasActiveInventory": fieldCtx(func(rc *ResolveContext, l *Location, _ map[string]any) (any, error) {
			has := false
			rc.Shop.read(func(st *store) { has = len(st.levelsByLocaton[l.ID]) > 0 })
			return has, nil
		}),
		"inventoryLevels": fieldCtx(func(rc *ResolveContext, l *Location, args map[string]any) (any, error) {
			var items []*InventoryLevel
			rc.Shop.read(func(st *store) { items = st.levelsAtLocation(l.ID) })
			items, err := filterItems(items, args, levelFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, nil), nil
		}),
		"inventoryLevel": fieldCtx(func(rc *ResolveContext, l *Location, args map[string]any) (any, error) {
			item, ok, err := idOfType(args["inventoryItemId"], "InventoryItem")
			if err != nil || !ok {
				return nil, err
			}
			return rc.Shop.InventoryLevel(item, l.ID), nil
		}),
	})

	nodeLookups["InventoryItem"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.items.get(g.ID)) }
	nodeLookups["InventoryLevel"] = func(st *store, _ *Shop, g GID) Object { return findLevel(st, g) }
	nodeLookups["Location"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.locations.get(g.ID)) }
}

// findLevel resolves a parameterized InventoryLevel GID; the
// inventory_item_id parameter, when present, must match.
func findLevel(st *store, g GID) Object {
	l := st.levels.get(g.ID)
	if l == nil {
		return nil
	}
	if item := g.Params.Get("inventory_item_id"); item != "" && item != strconv.FormatInt(l.ItemID, 10) {
		return nil
	}
	return l
}

func locationAddress(a Address) *Obj {
	var formatted []string
	for _, line := range []string{a.Address1, a.Address2, strings.Join(strings.Fields(a.City+" "+a.ProvinceCode+" "+a.Zip), " "), a.Country} {
		if strings.TrimSpace(line) != "" {
			formatted = append(formatted, line)
		}
	}
	if formatted == nil {
		formatted = []string{}
	}
	return NewObj("LocationAddress", "address1", strPtr(a.Address1), "address2", strPtr(a.Address2), "city", strPtr(a.City),
		"country", strPtr(a.Country), "countryCode", strPtr(a.CountryCode), "province", strPtr(a.Province),
		"provinceCode", strPtr(a.ProvinceCode), "zip", strPtr(a.Zip), "phone", strPtr(a.Phone), "formatted", formatted)
}

// strPtr is nil for an empty string: the address fields are nullable.
func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func moneyV2(amount, currency string) *Obj {
	return NewObj("MoneyV2", "amount", amount, "currencyCode", currency)
}

func itemFilter(st *store) filterSpec {
	sku := func(o any) []any {
		if v := st.variants.get(o.(*InventoryItem).VariantID); v != nil {
			return optional(v.SKU)
		}
		return nil
	}
	return filterSpec{
		"":           {kindExact, sku},
		"sku":        {kindExact, sku},
		"id":         {kindInt, func(o any) []any { return one(o.(*InventoryItem).ID) }},
		"created_at": {kindTime, func(o any) []any { return one(o.(*InventoryItem).CreatedAt) }},
		"updated_at": {kindTime, func(o any) []any { return one(o.(*InventoryItem).UpdatedAt) }},
	}
}

var levelFilter = filterSpec{
	"updated_at":        {kindTime, func(o any) []any { return one(o.(*InventoryLevel).UpdatedAt) }},
	"created_at":        {kindTime, func(o any) []any { return one(o.(*InventoryLevel).CreatedAt) }},
	"inventory_item_id": {kindInt, func(o any) []any { return one(o.(*InventoryLevel).ItemID) }},
	"location_id":       {kindInt, func(o any) []any { return one(o.(*InventoryLevel).LocationID) }},
}

var locationFilter = filterSpec{
	"":     {kindText, func(o any) []any { return one(o.(*Location).Name) }},
	"name": {kindText, func(o any) []any { return one(o.(*Location).Name) }},
	"id":   {kindInt, func(o any) []any { return one(o.(*Location).ID) }},
}
