package applier

import (
	"fmt"
	"math/big"
	"strings"
)

// orderDiscounts is how a destination order's discounts travel to the
// source (planner/sql/orders_stage.sql gives the amounts):
//
//   - orderCreate takes one discount code (OrderCreateDiscountCodeInput) of
//     one kind: on the items, a percentage or a fixed amount; or free
//     shipping. An item discount goes as the destination's first code with
//     the amount the destination took off (itemFixedDiscountCode: the same
//     amount whatever kind of code it was there); a shipping discount that
//     made shipping free, with no item discount, goes as
//     freeShippingDiscountCode.
//   - Any other shipping discount goes as the shipping line's price: the
//     shipping is sent at the price charged, the discount named in the note.
//   - What orderCreate cannot carry stays in the note and is audited as a
//     warning: further codes (their amounts are in the first code's), and
//     item discounts without a code (automatic or manual discounts, which
//     orderCreate does not apply), by which the source order then costs
//     more than the destination's.
type orderDiscounts struct {
	code     map[string]any // OrderCreateDiscountCodeInput, nil for none
	shipping string         // the shipping line's price, "" for none
	note     string
	warnings []string
}

func (o *orderDesired) discounts() orderDiscounts {
	var d orderDiscounts
	item, ship := amount(o.ItemDiscount), amount(o.ShippingDiscount)
	shipFull := amount(o.Shipping)
	charged := shipFull
	if o.ShippingCharged != nil {
		charged = amount(o.ShippingCharged)
	}
	codes := o.DiscountCodes
	var said []string
	if len(codes) > 0 {
		said = append(said, "discount code(s) "+strings.Join(codes, ", "))
	}
	if item.Sign() > 0 {
		said = append(said, fmt.Sprintf("%s %s off the items", item.FloatString(2), o.Currency))
	}
	if ship.Sign() > 0 {
		said = append(said, fmt.Sprintf("%s %s off shipping", ship.FloatString(2), o.Currency))
	}
	if len(said) > 0 {
		d.note = "Discounts there: " + strings.Join(said, "; ") + "."
	}
	// Shipping is sent as charged unless a free shipping code carries it.
	if charged.Sign() > 0 {
		d.shipping = charged.FloatString(2)
	}
	switch {
	case len(codes) == 0:
		if item.Sign() > 0 {
			d.warnings = append(d.warnings, fmt.Sprintf("warning: the destination's discount of %s %s on the items has no code "+
				"(an automatic or manual discount, which orderCreate does not apply): it is in the note only, "+
				"and the source order costs that much more", item.FloatString(2), o.Currency))
		}
	case item.Sign() > 0:
		d.code = map[string]any{"itemFixedDiscountCode": map[string]any{"code": codes[0], "amountSet": o.money(item.FloatString(2))}}
	case ship.Sign() > 0 && charged.Sign() == 0:
		d.code = map[string]any{"freeShippingDiscountCode": map[string]any{"code": codes[0]}}
		d.shipping = shipFull.FloatString(2)
	case ship.Sign() > 0:
		d.warnings = append(d.warnings, fmt.Sprintf("warning: code %s took %s %s off shipping without making it free, "+
			"which orderCreate's codes cannot say: shipping is sent at the %s %s charged, the code is in the note only",
			codes[0], ship.FloatString(2), o.Currency, charged.FloatString(2), o.Currency))
	default:
		// A code that took nothing off (say, below its minimum): kept on
		// the order all the same.
		d.code = map[string]any{"itemFixedDiscountCode": map[string]any{"code": codes[0], "amountSet": o.money("0.00")}}
	}
	if len(codes) > 1 {
		d.warnings = append(d.warnings, fmt.Sprintf("warning: the destination order has %d discount codes (%s) and orderCreate takes one: "+
			"the discount is given under %s, the others are in the note only", len(codes), strings.Join(codes, ", "), codes[0]))
	}
	return d
}

// amount reads a decimal amount of desired; nil, empty or unreadable is
// zero.
func amount(s *string) *big.Rat {
	if s == nil {
		return new(big.Rat)
	}
	r, ok := new(big.Rat).SetString(*s)
	if !ok {
		return new(big.Rat)
	}
	return r
}
