package fakeshop

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"time"
)

// OrderInput is what orderCreate takes, in Go form.
type OrderInput struct {
	Name             *string
	Email            *string
	Phone            *string
	Note             *string
	Tags             []string
	Currency         string // empty: the shop currency
	Customer         *Customer
	BillingAddress   *Address
	ShippingAddress  *Address
	LineItems        []LineItemInput
	FinancialStatus  *string // OrderDisplayFinancialStatus; default PAID... as given
	SourceName       *string
	SourceIdentifier *string
	Test             bool
	ProcessedAt      *time.Time
	// InventoryBehaviour is BYPASS (the default), DECREMENT_IGNORING_POLICY or
	// DECREMENT_OBEYING_POLICY, as in OrderCreateOptionsInput.
	InventoryBehaviour string
	FulfillmentStatus  *string // OrderDisplayFulfillmentStatus; default UNFULFILLED
	ClosedAt           *time.Time
	// ShippingTotal and TaxTotal are amounts (empty: zero), see Order.
	ShippingTotal string
	TaxTotal      string
	TaxesIncluded bool
	// Discounts are applied in order (Amount is computed, see
	// OrderDiscount). A checkout may combine codes and automatic discounts;
	// orderCreate takes one code.
	Discounts []OrderDiscount
}

// LineItemInput is one line of a new order. With VariantID the line takes its
// title, SKU and price from the variant unless given.
type LineItemInput struct {
	VariantID        int64
	ProductID        int64
	Title            *string
	VariantTitle     *string
	SKU              *string
	Vendor           *string
	Quantity         int
	Price            *string
	Taxable          *bool
	RequiresShipping *bool
}

// CreateOrder stores an order. Inventory is only decremented when
// InventoryBehaviour asks for it (orderCreate's default is BYPASS).
func (s *Shop) CreateOrder(in OrderInput) (*Order, error) {
	var out *Order
	err := s.write(func(t *tx) error {
		if len(in.LineItems) == 0 {
			return &UserError{Field: []string{"lineItems"}, Code: "INVALID", Message: "Line items can't be empty"}
		}
		o := &Order{ID: nextID(), Currency: in.Currency, Tags: normalizeTags(in.Tags), FinancialStatus: "PAID", FulfillmentStatus: "UNFULFILLED",
			Email: in.Email, Phone: in.Phone, Note: in.Note, SourceName: in.SourceName, SourceIdentifier: in.SourceIdentifier,
			Test: in.Test, ProcessedAt: t.now, CreatedAt: t.now, UpdatedAt: t.now}
		if o.Currency == "" {
			o.Currency = t.shop.curr
		}
		if in.ProcessedAt != nil {
			o.ProcessedAt = in.ProcessedAt.UTC().Truncate(time.Second)
		}
		if in.FinancialStatus != nil {
			o.FinancialStatus = *in.FinancialStatus
		}
		if in.FulfillmentStatus != nil {
			o.FulfillmentStatus = *in.FulfillmentStatus
		}
		if in.ClosedAt != nil {
			closed := in.ClosedAt.UTC().Truncate(time.Second)
			o.ClosedAt = &closed
		}
		o.ShippingTotal, o.TaxTotal, o.TaxesIncluded = in.ShippingTotal, in.TaxTotal, in.TaxesIncluded
		o.Discounts = slices.Clone(in.Discounts)
		if in.Customer != nil {
			c := *in.Customer
			if c.ID == 0 { // a customer given with its id is an existing one
				c.ID = nextID()
			}
			o.Customer = &c
		}
		if in.BillingAddress != nil {
			a := *in.BillingAddress
			o.BillingAddress, o.BillingAddressID = &a, nextID()
		}
		if in.ShippingAddress != nil {
			a := *in.ShippingAddress
			o.ShippingAddress, o.ShippingAddressID = &a, nextID()
		}
		var decrements []QuantityAdjust
		for i, li := range in.LineItems {
			field := []string{"lineItems", strconv.Itoa(i)}
			if li.Quantity <= 0 {
				return &UserError{Field: append(field, "quantity"), Code: "INVALID", Message: "Quantity must be greater than 0"}
			}
			line := LineItem{ID: nextID(), Quantity: li.Quantity, CurrentQuantity: li.Quantity, UnitPrice: "0.00", Taxable: true,
				Title: deref(li.Title), VariantTitle: li.VariantTitle, SKU: li.SKU, Vendor: li.Vendor, ProductID: li.ProductID}
			if li.VariantID != 0 {
				v := t.variants.get(li.VariantID)
				if v == nil {
					return &UserError{Field: append(field, "variantId"), Code: "INVALID", Message: "Variant does not exist"}
				}
				p := t.products.get(v.ProductID)
				line.VariantID, line.ProductID = v.ID, v.ProductID
				if li.Title == nil {
					line.Title = p.Title
				}
				if li.VariantTitle == nil && v.Title != defaultOptionValue {
					title := v.Title
					line.VariantTitle = &title
				}
				if li.SKU == nil {
					line.SKU = v.SKU
				}
				if li.Vendor == nil && p.Vendor != "" {
					vendor := p.Vendor
					line.Vendor = &vendor
				}
				line.UnitPrice = v.Price
				if in.InventoryBehaviour == "DECREMENT_IGNORING_POLICY" || in.InventoryBehaviour == "DECREMENT_OBEYING_POLICY" {
					d, err := t.claimStock(v, li.Quantity, in.InventoryBehaviour == "DECREMENT_OBEYING_POLICY", field)
					if err != nil {
						return err
					}
					decrements = append(decrements, d...)
				}
			} else if line.Title == "" {
				return &UserError{Field: append(field, "title"), Code: "INVALID", Message: "Title is required for a custom line item"}
			}
			if li.Price != nil {
				line.UnitPrice = *li.Price
			}
			if li.Taxable != nil {
				line.Taxable = *li.Taxable
			}
			if li.RequiresShipping != nil {
				line.RequiresShipping = *li.RequiresShipping
			}
			o.LineItems = append(o.LineItems, line)
		}
		for _, d := range decrements {
			l := t.level(d.ItemID, d.LocationID)
			nl := setQuantity(l, QtyAvailable, l.Quantity(QtyAvailable)+d.Delta, t.now)
			t.putLevel(nl)
			t.emit(TopicInventoryLevelsUpdate, nl)
		}
		applyDiscounts(o.Discounts, orderLinesTotal(o), amountOf(o.ShippingTotal))
		t.shop.orderNumber++
		o.Number = 1000 + t.shop.orderNumber
		o.Name = "#" + strconv.Itoa(o.Number)
		if in.Name != nil {
			o.Name = *in.Name
		}
		t.orders.put(o.ID, o)
		t.emit(TopicOrdersCreate, o)
		out = o
		return nil
	})
	return out, err
}

// claimStock plans the decrement of a variant's stock for an order line, from
// the first location(s) that have it.
func (t *tx) claimStock(v *Variant, qty int, obeyPolicy bool, field []string) ([]QuantityAdjust, error) {
	levels := t.levelsOfItem(v.InventoryItemID)
	if obeyPolicy && v.InventoryPolicy == "DENY" && t.available(v) < qty {
		return nil, &UserError{Field: field, Code: "INVENTORY_CLAIM_FAILED", Message: fmt.Sprintf("Not enough inventory for %s", v.Title)}
	}
	if len(levels) == 0 {
		return nil, nil
	}
	var out []QuantityAdjust
	left := qty
	for _, l := range levels {
		take := min(left, max(l.Quantity(QtyAvailable), 0))
		if take > 0 {
			out = append(out, QuantityAdjust{ItemID: l.ItemID, LocationID: l.LocationID, Delta: -take})
			left -= take
		}
	}
	if left > 0 { // oversell on the first location, as ignoring the policy allows
		i := slices.IndexFunc(out, func(a QuantityAdjust) bool { return a.LocationID == levels[0].LocationID })
		if i < 0 {
			out = append(out, QuantityAdjust{ItemID: levels[0].ItemID, LocationID: levels[0].LocationID})
			i = len(out) - 1
		}
		out[i].Delta -= left // one change per level, so one inventory_levels/update
	}
	return out, nil
}

// CancelOrder cancels an order; restock puts its variants' quantities back at
// the first location that stocks each.
func (s *Shop) CancelOrder(id int64, reason string, restock bool) (*Order, error) {
	var out *Order
	err := s.write(func(t *tx) error {
		old := t.orders.get(id)
		if old == nil {
			return &UserError{Field: []string{"orderId"}, Code: "NOT_FOUND", Message: "Order does not exist"}
		}
		if old.CancelledAt != nil {
			return &UserError{Field: []string{"orderId"}, Code: "INVALID", Message: "Order has already been cancelled"}
		}
		o := *old
		now := t.now
		o.CancelledAt, o.ClosedAt, o.CancelReason = &now, &now, &reason
		o.UpdatedAt = now
		if restock {
			for _, li := range o.LineItems {
				v := t.variants.get(li.VariantID)
				if v == nil {
					continue
				}
				if levels := t.levelsOfItem(v.InventoryItemID); len(levels) > 0 {
					l := levels[0]
					nl := setQuantity(l, QtyAvailable, l.Quantity(QtyAvailable)+li.CurrentQuantity, now)
					t.putLevel(nl)
					t.emit(TopicInventoryLevelsUpdate, nl)
				}
			}
		}
		t.orders.put(id, &o)
		t.emit(TopicOrdersCancelled, &o)
		t.emit(TopicOrdersUpdated, &o)
		out = &o
		return nil
	})
	return out, err
}

// Order returns an order by numeric id, or nil.
func (s *Shop) Order(id int64) *Order {
	var o *Order
	s.read(func(st *store) { o = st.orders.get(id) })
	return o
}

// Orders returns every order in id order.
func (s *Shop) Orders() []*Order {
	var out []*Order
	s.read(func(st *store) { out = st.orders.all() })
	return out
}

func lineTotal(price string, qty int) *big.Rat {
	r, ok := new(big.Rat).SetString(price)
	if !ok {
		r = new(big.Rat)
	}
	return r.Mul(r, new(big.Rat).SetInt64(int64(qty)))
}
