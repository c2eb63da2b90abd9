package fakeshop

import "math/big"

// Discount kinds: the three of OrderCreateDiscountCodeInput.
const (
	DiscountItemPercentage = "ITEM_PERCENTAGE"
	DiscountItemFixed      = "ITEM_FIXED"
	DiscountFreeShipping   = "FREE_SHIPPING"
)

// OrderDiscount is one discount of an order: a code the buyer entered, or an
// automatic discount (Code empty, Title set) that only a checkout applies
// (orderCreate applies none).
type OrderDiscount struct {
	Code  string
	Title string
	Kind  string // DiscountItemPercentage, DiscountItemFixed or DiscountFreeShipping
	// Value is the percentage (10 is 10 %) of an item percentage discount,
	// or the amount of an item fixed one; a free shipping discount has none.
	Value string
	// Amount is what the discount took off, set when the order is made:
	// item discounts from the lines' sum, free shipping from the shipping.
	Amount string
}

// applyDiscounts sets each discount's Amount: item discounts in turn from
// what the lines still cost (never below zero), free shipping the shipping
// left. Amounts are rounded to the cent, halves away from zero.
func applyDiscounts(ds []OrderDiscount, lines, shipping *big.Rat) (items, ship *big.Rat) {
	items, ship = new(big.Rat), new(big.Rat)
	for i := range ds {
		d := &ds[i]
		var amount *big.Rat
		switch d.Kind {
		case DiscountItemPercentage:
			amount = new(big.Rat).Mul(lines, amountOf(d.Value))
			amount.Quo(amount, big.NewRat(100, 1))
		case DiscountItemFixed:
			amount = amountOf(d.Value)
		case DiscountFreeShipping:
			amount = new(big.Rat).Sub(shipping, ship)
		default:
			amount = new(big.Rat)
		}
		amount = amountOf(amount.FloatString(2))
		if d.Kind == DiscountFreeShipping {
			ship.Add(ship, amount)
		} else {
			left := new(big.Rat).Sub(lines, items)
			if amount.Cmp(left) > 0 {
				amount = left
			}
			items.Add(items, amount)
		}
		d.Amount = amount.FloatString(2)
	}
	return items, ship
}

// amountOf reads a decimal amount; empty or unreadable is zero.
func amountOf(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return new(big.Rat)
	}
	return r
}

// discountTotals sums an order's discount amounts: those on the items and
// those on shipping.
func discountTotals(o *Order) (items, ship *big.Rat) {
	items, ship = new(big.Rat), new(big.Rat)
	for _, d := range o.Discounts {
		if d.Kind == DiscountFreeShipping {
			ship.Add(ship, amountOf(d.Amount))
		} else {
			items.Add(items, amountOf(d.Amount))
		}
	}
	return items, ship
}

// orderLinesTotal is the sum of the order's current line totals before
// discounts, exact in decimal.
func orderLinesTotal(o *Order) *big.Rat {
	sum := new(big.Rat)
	for _, li := range o.LineItems {
		sum.Add(sum, lineTotal(li.UnitPrice, li.CurrentQuantity))
	}
	return sum
}

// orderTotal is the order's subtotal as Shopify gives it: the lines after
// item discounts (with the tax in them when taxes are included).
func orderTotal(o *Order) string {
	items, _ := discountTotals(o)
	return new(big.Rat).Sub(orderLinesTotal(o), items).FloatString(2)
}

// orderShipping is the shipping charged: the shipping lines' prices less
// shipping discounts.
func orderShipping(o *Order) string {
	_, ship := discountTotals(o)
	return new(big.Rat).Sub(amountOf(o.ShippingTotal), ship).FloatString(2)
}

// orderDiscounts is the order's total discount, items and shipping.
func orderDiscounts(o *Order) string {
	items, ship := discountTotals(o)
	return new(big.Rat).Add(items, ship).FloatString(2)
}

// orderGrandTotal is what the order costs: its subtotal, the shipping
// charged and, unless the prices include it, tax.
func orderGrandTotal(o *Order) string {
	sum := amountOf(orderTotal(o))
	sum.Add(sum, amountOf(orderShipping(o)))
	if !o.TaxesIncluded {
		sum.Add(sum, amountOf(o.TaxTotal))
	}
	return sum.FloatString(2)
}

// orderTax is the order's total tax.
func orderTax(o *Order) string {
	return amountOf(o.TaxTotal).FloatString(2)
}

// orderDiscountCodes are the codes of the order's discounts, in order.
func orderDiscountCodes(o *Order) []string {
	out := []string{}
	for _, d := range o.Discounts {
		if d.Code != "" {
			out = append(out, d.Code)
		}
	}
	return out
}
