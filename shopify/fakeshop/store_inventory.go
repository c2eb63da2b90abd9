package fakeshop

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// LocationInput is what can be set on a location.
type LocationInput struct {
	Name                 string
	Address              Address
	FulfillsOnlineOrders *bool
}

// CreateLocation stores an active location.
func (s *Shop) CreateLocation(in LocationInput) (*Location, error) {
	var out *Location
	err := s.write(func(t *tx) error {
		if in.Name == "" {
			return &UserError{Field: []string{"name"}, Code: "BLANK", Message: "Name can't be blank"}
		}
		l := &Location{ID: nextID(), Name: in.Name, Address: in.Address, IsActive: true, FulfillsOnlineOrders: true, CreatedAt: t.now, UpdatedAt: t.now}
		if in.FulfillsOnlineOrders != nil {
			l.FulfillsOnlineOrders = *in.FulfillsOnlineOrders
		}
		t.locations.put(l.ID, l)
		t.emit(TopicLocationsCreate, l)
		out = l
		return nil
	})
	return out, err
}

// Location returns a location by numeric id, or nil.
func (s *Shop) Location(id int64) *Location {
	var l *Location
	s.read(func(st *store) { l = st.locations.get(id) })
	return l
}

// Locations returns every location in id order.
func (s *Shop) Locations() []*Location {
	var out []*Location
	s.read(func(st *store) { out = st.locations.all() })
	return out
}

// InventoryLevel returns the level of an item at a location, or nil when the
// item is not stocked there.
func (s *Shop) InventoryLevel(itemID, locationID int64) *InventoryLevel {
	var l *InventoryLevel
	s.read(func(st *store) { l = st.level(itemID, locationID) })
	return l
}

// setQuantity returns a copy of l with one settable quantity changed. Setting
// on_hand moves available by the same delta, since on_hand is derived.
func setQuantity(l *InventoryLevel, name string, qty int, now time.Time) *InventoryLevel {
	nl := *l
	nl.Quantities = maps.Clone(l.Quantities)
	if nl.Quantities == nil {
		nl.Quantities = map[string]int{}
	}
	if name == QtyOnHand {
		nl.Quantities[QtyAvailable] += qty - l.Quantity(QtyOnHand)
	} else {
		nl.Quantities[name] = qty
	}
	nl.UpdatedAt = now
	return &nl
}

// QuantityChange is one ledger entry of an inventory change, as
// InventoryAdjustmentGroup.changes reports it.
type QuantityChange struct {
	ItemID        int64
	LocationID    int64
	Name          string
	Delta         int
	QuantityAfter int
	// LedgerDocumentURI is echoed from an adjustment's input.
	LedgerDocumentURI *string
}

// QuantitySet sets one quantity of an item at a location. ChangeFrom, when
// not nil, is the compare-and-swap value (2026-01's changeFromQuantity): the
// set fails with CHANGE_FROM_QUANTITY_STALE unless the current quantity equals it.
type QuantitySet struct {
	ItemID     int64
	LocationID int64
	Quantity   int
	ChangeFrom *int
	// CompareQuantity is the deprecated compareQuantity (removed in 2026-04):
	// the same check, reported as COMPARE_QUANTITY_STALE.
	CompareQuantity *int
}

// SetInventoryQuantities sets the named quantity ("available" or "on_hand")
// for every entry, all or nothing, as inventorySetQuantities does. It returns
// the ledger changes: the named quantity and, since the two move together,
// the other of available/on_hand.
func (s *Shop) SetInventoryQuantities(name string, sets []QuantitySet) ([]QuantityChange, error) {
	var out []QuantityChange
	err := s.write(func(t *tx) error {
		if name != QtyAvailable && name != QtyOnHand {
			return &UserError{Field: []string{"name"}, Code: "INVALID_NAME", Message: "The quantity name must be either 'available' or 'on_hand'."}
		}
		seen := map[levelKey]bool{}
		for i, q := range sets {
			field := []string{"quantities", strconv.Itoa(i)}
			if err := t.checkLevel(field, q.ItemID, q.LocationID); err != nil {
				return err
			}
			k := levelKey{q.ItemID, q.LocationID}
			if seen[k] {
				return &UserError{Field: field, Code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", Message: "The combination of inventoryItemId and locationId must be unique."}
			}
			seen[k] = true
			if q.Quantity < 0 && name == QtyOnHand {
				return &UserError{Field: append(field, "quantity"), Code: "INVALID_QUANTITY_NEGATIVE", Message: "The quantity can't be negative."}
			}
			if q.ChangeFrom != nil && t.level(q.ItemID, q.LocationID).Quantity(name) != *q.ChangeFrom {
				return &UserError{Field: append(field, "changeFromQuantity"), Code: "CHANGE_FROM_QUANTITY_STALE", Message: "The specified compare quantity does not match the current quantity."}
			}
			if q.CompareQuantity != nil && t.level(q.ItemID, q.LocationID).Quantity(name) != *q.CompareQuantity {
				return &UserError{Field: append(field, "compareQuantity"), Code: "COMPARE_QUANTITY_STALE", Message: "The compareQuantity value does not match persisted value."}
			}
		}
		for _, q := range sets {
			l := t.level(q.ItemID, q.LocationID)
			nl := setQuantity(l, name, q.Quantity, t.now)
			out = append(out, ledger(l, nl, name)...)
			t.putLevel(nl)
			t.emit(TopicInventoryLevelsUpdate, nl)
		}
		return nil
	})
	return out, err
}

// ledger lists the changes between two versions of a level for the named
// quantity and its available/on_hand partner.
func ledger(before, after *InventoryLevel, name string) []QuantityChange {
	names := []string{name}
	switch name {
	case QtyAvailable:
		names = append(names, QtyOnHand)
	case QtyOnHand:
		names = append(names, QtyAvailable)
	case QtyCommitted, QtyReserved, QtyDamaged, QtyQualityControl, QtySafetyStock:
		names = append(names, QtyOnHand)
	}
	var out []QuantityChange
	for _, n := range names {
		d := after.Quantity(n) - before.Quantity(n)
		if n != name && d == 0 {
			continue
		}
		out = append(out, QuantityChange{ItemID: after.ItemID, LocationID: after.LocationID, Name: n, Delta: d, QuantityAfter: after.Quantity(n)})
	}
	return out
}

// QuantityAdjust changes one quantity by Delta. ChangeFrom works as in
// QuantitySet.
type QuantityAdjust struct {
	ItemID            int64
	LocationID        int64
	Delta             int
	ChangeFrom        *int
	LedgerDocumentURI *string
}

// AdjustInventoryQuantities adds deltas to the named quantity, all or nothing,
// as inventoryAdjustQuantities does. Adjusting on_hand moves available.
func (s *Shop) AdjustInventoryQuantities(name string, adjusts []QuantityAdjust) ([]QuantityChange, error) {
	var out []QuantityChange
	err := s.write(func(t *tx) error {
		if !slices.Contains(QuantityNames, name) {
			return &UserError{Field: []string{"name"}, Code: "INVALID_QUANTITY_NAME", Message: fmt.Sprintf("%q is not a valid quantity name", name)}
		}
		for i, a := range adjusts {
			field := []string{"changes", strconv.Itoa(i)}
			if err := t.checkLevel(field, a.ItemID, a.LocationID); err != nil {
				return err
			}
			if a.ChangeFrom != nil && t.level(a.ItemID, a.LocationID).Quantity(name) != *a.ChangeFrom {
				return &UserError{Field: append(field, "changeFromQuantity"), Code: "CHANGE_FROM_QUANTITY_STALE", Message: "The specified compare quantity does not match the current quantity."}
			}
		}
		for _, a := range adjusts {
			l := t.level(a.ItemID, a.LocationID)
			nl := setQuantity(l, name, l.Quantity(name)+a.Delta, t.now)
			changes := ledger(l, nl, name)
			for i := range changes {
				changes[i].LedgerDocumentURI = a.LedgerDocumentURI
			}
			out = append(out, changes...)
			t.putLevel(nl)
			t.emit(TopicInventoryLevelsUpdate, nl)
		}
		return nil
	})
	return out, err
}

// checkLevel reports a missing item, location or level with Shopify's codes.
func (t *tx) checkLevel(field []string, itemID, locationID int64) error {
	if t.items.get(itemID) == nil {
		return &UserError{Field: append(slices.Clone(field), "inventoryItemId"), Code: "INVALID_INVENTORY_ITEM", Message: "The specified inventory item could not be found."}
	}
	if t.locations.get(locationID) == nil {
		return &UserError{Field: append(slices.Clone(field), "locationId"), Code: "INVALID_LOCATION", Message: "The specified location could not be found."}
	}
	if t.level(itemID, locationID) == nil {
		return &UserError{Field: append(slices.Clone(field), "locationId"), Code: "ITEM_NOT_STOCKED_AT_LOCATION", Message: "The specified inventory item is not stocked at the location."}
	}
	return nil
}

// ActivateInventory stocks an item at a location (inventoryActivate). An
// already stocked item keeps its level; available and onHand, when given, are
// then set on it.
func (s *Shop) ActivateInventory(itemID, locationID int64, available, onHand *int) (*InventoryLevel, error) {
	var out *InventoryLevel
	err := s.write(func(t *tx) error {
		if t.items.get(itemID) == nil {
			return &UserError{Field: []string{"inventoryItemId"}, Message: "Inventory item does not exist"}
		}
		if t.locations.get(locationID) == nil {
			return &UserError{Field: []string{"locationId"}, Message: "Location does not exist"}
		}
		l := t.level(itemID, locationID)
		connected := l == nil
		if connected {
			l = &InventoryLevel{ID: nextID(), ItemID: itemID, LocationID: locationID, Quantities: map[string]int{}, CreatedAt: t.now, UpdatedAt: t.now}
			t.putLevel(l)
		}
		changed := false
		if onHand != nil {
			l = setQuantity(l, QtyOnHand, *onHand, t.now)
			changed = true
		}
		if available != nil {
			l = setQuantity(l, QtyAvailable, *available, t.now)
			changed = true
		}
		if changed {
			t.putLevel(l)
		}
		// The connect webhook carries the level as the mutation left it,
		// quantities given included (stock in store_products.go says why).
		if connected {
			t.emit(TopicInventoryLevelsConnect, l)
		}
		if changed {
			t.emit(TopicInventoryLevelsUpdate, l)
		}
		out = l
		return nil
	})
	return out, err
}
