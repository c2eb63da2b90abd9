package fakeshop

import "strings"

// order is the REST order of orders/create, /updated and /cancelled: the
// fields a mirror reads (ids, name, status, tags, cancellation, money as
// strings, line items with their variant and product ids), not all of the
// REST resource's hundred-odd fields.
func (f payloadFormat) order(o *Order) map[string]any {
	lines := make([]map[string]any, len(o.LineItems))
	for i, li := range o.LineItems {
		lines[i] = f.lineItem(li, o.FulfillmentStatus)
	}
	original := *o
	original.LineItems = originalLines(o.LineItems)
	var customer any
	if c := o.Customer; c != nil {
		customer = map[string]any{
			"id":                   c.ID,
			"admin_graphql_api_id": gidOf("Customer", c.ID),
			"email":                nullStr(c.Email),
			"first_name":           nullStr(c.FirstName),
			"last_name":            nullStr(c.LastName),
			"phone":                nullStr(c.Phone),
		}
	}
	number := o.Number
	return map[string]any{
		"id":                       o.ID,
		"admin_graphql_api_id":     gidOf("Order", o.ID),
		"name":                     o.Name,
		"order_number":             number,
		"number":                   number - 1000,
		"email":                    nullStr(o.Email),
		"contact_email":            nullStr(o.Email),
		"phone":                    nullStr(o.Phone),
		"note":                     nullStr(o.Note),
		"tags":                     restTags(o.Tags),
		"currency":                 o.Currency,
		"presentment_currency":     o.Currency,
		"financial_status":         lower(o.FinancialStatus),
		"fulfillment_status":       restFulfillmentStatus(o.FulfillmentStatus),
		"cancel_reason":            lowerPtr(o.CancelReason),
		"cancelled_at":             f.timePtr(o.CancelledAt),
		"closed_at":                f.timePtr(o.ClosedAt),
		"processed_at":             f.time(o.ProcessedAt),
		"created_at":               f.time(o.CreatedAt),
		"updated_at":               f.time(o.UpdatedAt),
		"test":                     o.Test,
		"source_name":              nullStr(o.SourceName),
		"source_identifier":        nullStr(o.SourceIdentifier),
		"total_price":              orderGrandTotal(&original),
		"subtotal_price":           orderTotal(&original),
		"total_line_items_price":   orderLinesTotal(&original).FloatString(2),
		"current_total_price":      orderGrandTotal(o),
		"current_subtotal_price":   orderTotal(o),
		"total_tax":                orderTax(o),
		"current_total_tax":        orderTax(o),
		"taxes_included":           o.TaxesIncluded,
		"total_discounts":          orderDiscounts(o),
		"current_total_discounts":  orderDiscounts(o),
		"discount_codes":           restDiscountCodes(o),
		"total_shipping_price_set": restMoneySet(amountOf(o.ShippingTotal).FloatString(2), o.Currency),
		"shipping_lines":           restShippingLines(o),
		"customer":                 customer,
		"billing_address":          restAddress(o.BillingAddress),
		"shipping_address":         restAddress(o.ShippingAddress),
		"line_items":               lines,
	}
}

// originalLines restores each line's ordered quantity, for the totals an
// order had before removals (REST total_price vs current_total_price).
func originalLines(lines []LineItem) []LineItem {
	out := make([]LineItem, len(lines))
	for i, li := range lines {
		li.CurrentQuantity = li.Quantity
		out[i] = li
	}
	return out
}

func (f payloadFormat) lineItem(li LineItem, orderFulfillment string) map[string]any {
	name := li.Title
	if li.VariantTitle != nil && *li.VariantTitle != "" {
		name += " - " + *li.VariantTitle
	}
	fulfillable := li.CurrentQuantity
	if orderFulfillment == "FULFILLED" {
		fulfillable = 0
	}
	return map[string]any{
		"id":                   li.ID,
		"admin_graphql_api_id": gidOf("LineItem", li.ID),
		"variant_id":           idOrNull(li.VariantID),
		"product_id":           idOrNull(li.ProductID),
		"title":                li.Title,
		"variant_title":        nullStr(li.VariantTitle),
		"name":                 name,
		"sku":                  nullStr(li.SKU),
		"vendor":               nullStr(li.Vendor),
		"quantity":             li.Quantity,
		"current_quantity":     li.CurrentQuantity,
		"fulfillable_quantity": fulfillable,
		"price":                li.UnitPrice,
		"total_discount":       "0.00",
		"taxable":              li.Taxable,
		"requires_shipping":    li.RequiresShipping,
		"gift_card":            false,
		"fulfillment_status":   nil,
	}
}

// restFulfillmentStatus maps the GraphQL display status to REST's, where an
// unfulfilled order has null and a partial one "partial".
func restFulfillmentStatus(s string) any {
	switch s {
	case "", "UNFULFILLED":
		return nil
	case "PARTIALLY_FULFILLED":
		return "partial"
	}
	return lower(s)
}

func lowerPtr(p *string) any {
	if p == nil {
		return nil
	}
	return strings.ToLower(*p)
}

// restDiscountCodes are REST's discount_codes: each code with the amount it
// took off and its type (percentage, fixed_amount or shipping).
func restDiscountCodes(o *Order) []map[string]any {
	out := []map[string]any{}
	for _, d := range o.Discounts {
		if d.Code == "" {
			continue
		}
		typ := map[string]string{DiscountItemPercentage: "percentage", DiscountItemFixed: "fixed_amount", DiscountFreeShipping: "shipping"}[d.Kind]
		out = append(out, map[string]any{"code": d.Code, "amount": d.Amount, "type": typ})
	}
	return out
}

// restShippingLines is one shipping line holding the order's shipping, at
// its price and at its price after shipping discounts; none without
// shipping.
func restShippingLines(o *Order) []map[string]any {
	if o.ShippingTotal == "" {
		return []map[string]any{}
	}
	price := amountOf(o.ShippingTotal).FloatString(2)
	return []map[string]any{{
		"title": "Shipping", "code": "Shipping", "source": "shopify",
		"price": price, "price_set": restMoneySet(price, o.Currency),
		"discounted_price": orderShipping(o), "discounted_price_set": restMoneySet(orderShipping(o), o.Currency),
	}}
}

// restMoneySet is REST's money set (shop and presentment money alike: no
// presentment currencies here).
func restMoneySet(amount, currency string) map[string]any {
	m := map[string]any{"amount": amount, "currency_code": currency}
	return map[string]any{"shop_money": m, "presentment_money": m}
}
