package fakeshop

import (
	"fmt"
	"math/big"
	"strings"
)

// orderDiscountCode reads OrderCreateDiscountCodeInput: one code of one of
// its three kinds ("Only one type of discount can be applied to an order",
// Shopify's schema says). A percentage runs from 0 to 100; a fixed amount
// is not negative and is in the order's currency. nil, nil when none given.
func orderDiscountCode(in inputArgs, currency string) (*OrderDiscount, *UserError, error) {
	if in == nil {
		return nil, nil, nil
	}
	invalid := func(msg string, path ...any) *UserError {
		return &UserError{Field: fieldPath(append([]any{"order", "discountCode"}, path...)...), Code: "INVALID", Message: msg}
	}
	var kinds []string
	for _, k := range []string{"itemPercentageDiscountCode", "itemFixedDiscountCode", "freeShippingDiscountCode"} {
		if in.obj(k) != nil {
			kinds = append(kinds, k)
		}
	}
	switch len(kinds) {
	case 0:
		return nil, nil, nil
	case 1:
	default:
		return nil, invalid("Only one type of discount can be applied to an order"), nil
	}
	attrs := in.obj(kinds[0])
	d := &OrderDiscount{Code: strings.TrimSpace(attrs.strOr("code", ""))}
	if d.Code == "" {
		return nil, invalid("Code can't be blank", kinds[0], "code"), nil
	}
	switch kinds[0] {
	case "itemPercentageDiscountCode":
		d.Kind, d.Value = DiscountItemPercentage, "0"
		if raw, ok := attrs["percentage"]; ok && raw != nil {
			p, ok := new(big.Rat).SetString(fmt.Sprint(raw))
			if !ok || p.Sign() < 0 || p.Cmp(big.NewRat(100, 1)) > 0 {
				return nil, invalid("Percentage must be between 0 and 100", kinds[0], "percentage"), nil
			}
			d.Value = p.FloatString(4)
		}
	case "itemFixedDiscountCode":
		d.Kind, d.Value = DiscountItemFixed, "0.00"
		if bag := attrs.obj("amountSet"); bag != nil {
			amount, err := canonicalMoney(bag.obj("shopMoney")["amount"])
			if err != nil {
				return nil, nil, err
			}
			if amountOf(amount).Sign() < 0 {
				return nil, invalid("Amount can't be negative", kinds[0], "amountSet"), nil
			}
			if c := bag.obj("shopMoney").strOr("currencyCode", currency); currency != "" && c != currency {
				return nil, invalid(fmt.Sprintf("Amount must be in the order's currency (%s)", currency), kinds[0], "amountSet"), nil
			}
			d.Value = amount
		}
	case "freeShippingDiscountCode":
		d.Kind = DiscountFreeShipping
	}
	return d, nil, nil
}
