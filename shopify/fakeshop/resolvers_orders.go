package fakeshop

import (
	"strings"
)

func init() {
	register("QueryRoot", map[string]FieldFunc{
		"order": byID("Order", func(st *store, id int64) *Order { return st.orders.get(id) }),
		"orders": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			items, err := filterItems(rc.Shop.Orders(), args, orderFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, orderSort(args["sortKey"])), nil
		},
		"ordersCount": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			items, err := filterItems(rc.Shop.Orders(), args, orderFilter)
			if err != nil {
				return nil, err
			}
			return countObj(len(items), args), nil
		},
	})

	register("Order", map[string]FieldFunc{
		"id":                       field(func(o *Order) any { return gidOf("Order", o.ID) }),
		"legacyResourceId":         field(func(o *Order) any { return legacyID(o.ID) }),
		"name":                     field(func(o *Order) any { return o.Name }),
		"email":                    field(func(o *Order) any { return o.Email }),
		"phone":                    field(func(o *Order) any { return o.Phone }),
		"note":                     field(func(o *Order) any { return o.Note }),
		"tags":                     field(func(o *Order) any { return o.Tags }),
		"currencyCode":             field(func(o *Order) any { return o.Currency }),
		"customer":                 field(func(o *Order) any { return o.Customer }),
		"displayFinancialStatus":   field(func(o *Order) any { return o.FinancialStatus }),
		"displayFulfillmentStatus": field(func(o *Order) any { return o.FulfillmentStatus }),
		"sourceName":               field(func(o *Order) any { return o.SourceName }),
		"sourceIdentifier":         field(func(o *Order) any { return o.SourceIdentifier }),
		"test":                     field(func(o *Order) any { return o.Test }),
		"confirmed":                field(func(o *Order) any { return true }),
		"closed":                   field(func(o *Order) any { return o.ClosedAt != nil }),
		"closedAt":                 field(func(o *Order) any { return o.ClosedAt }),
		"cancelledAt":              field(func(o *Order) any { return o.CancelledAt }),
		"cancelReason":             field(func(o *Order) any { return o.CancelReason }),
		"processedAt":              field(func(o *Order) any { return o.ProcessedAt }),
		"createdAt":                field(func(o *Order) any { return o.CreatedAt }),
		"updatedAt":                field(func(o *Order) any { return o.UpdatedAt }),
		"billingAddress":           field(func(o *Order) any { return addressNode(o.BillingAddressID, o.BillingAddress) }),
		"shippingAddress":          field(func(o *Order) any { return addressNode(o.ShippingAddressID, o.ShippingAddress) }),
		"totalPriceSet":            field(func(o *Order) any { return moneyBag(orderGrandTotal(o), o.Currency) }),
		"currentTotalPriceSet":     field(func(o *Order) any { return moneyBag(orderGrandTotal(o), o.Currency) }),
		"subtotalPriceSet":         field(func(o *Order) any { return moneyBag(orderTotal(o), o.Currency) }),
		"totalTaxSet":              field(func(o *Order) any { return moneyBag(orderTax(o), o.Currency) }),
		"taxesIncluded":            field(func(o *Order) any { return o.TaxesIncluded }),
		"totalDiscountsSet":        field(func(o *Order) any { return moneyBag(orderDiscounts(o), o.Currency) }),
		"currentTotalDiscountsSet": field(func(o *Order) any { return moneyBag(orderDiscounts(o), o.Currency) }),
		"totalShippingPriceSet":    field(func(o *Order) any { return moneyBag(amountOf(o.ShippingTotal).FloatString(2), o.Currency) }),
		"currentShippingPriceSet":  field(func(o *Order) any { return moneyBag(orderShipping(o), o.Currency) }),
		"discountCodes":            field(func(o *Order) any { return orderDiscountCodes(o) }),
		"discountCode": field(func(o *Order) any {
			if codes := orderDiscountCodes(o); len(codes) > 0 {
				return codes[0]
			}
			return nil
		}),
		"lineItems": field(func(o *Order) any {
			items := make([]*LineItem, len(o.LineItems))
			for i := range o.LineItems {
				items[i] = &o.LineItems[i]
			}
			return newConn(items, nil)
		}),
	})

	register("LineItem", map[string]FieldFunc{
		"id":               field(func(l *LineItem) any { return gidOf("LineItem", l.ID) }),
		"title":            field(func(l *LineItem) any { return l.Title }),
		"variantTitle":     field(func(l *LineItem) any { return l.VariantTitle }),
		"sku":              field(func(l *LineItem) any { return l.SKU }),
		"vendor":           field(func(l *LineItem) any { return l.Vendor }),
		"quantity":         field(func(l *LineItem) any { return l.Quantity }),
		"currentQuantity":  field(func(l *LineItem) any { return l.CurrentQuantity }),
		"taxable":          field(func(l *LineItem) any { return l.Taxable }),
		"requiresShipping": field(func(l *LineItem) any { return l.RequiresShipping }),
		"name": field(func(l *LineItem) any {
			if l.VariantTitle != nil && *l.VariantTitle != "" {
				return l.Title + " - " + *l.VariantTitle
			}
			return l.Title
		}),
		"originalUnitPriceSet": fieldCtx(func(rc *ResolveContext, l *LineItem, _ map[string]any) (any, error) {
			return moneyBag(l.UnitPrice, rc.Shop.curr), nil
		}),
		"originalTotalSet": fieldCtx(func(rc *ResolveContext, l *LineItem, _ map[string]any) (any, error) {
			return moneyBag(lineTotal(l.UnitPrice, l.Quantity).FloatString(2), rc.Shop.curr), nil
		}),
		"product": fieldCtx(func(rc *ResolveContext, l *LineItem, _ map[string]any) (any, error) {
			return rc.Shop.Product(l.ProductID), nil
		}),
		"variant": fieldCtx(func(rc *ResolveContext, l *LineItem, _ map[string]any) (any, error) {
			return rc.Shop.Variant(l.VariantID), nil
		}),
	})

	register("Customer", map[string]FieldFunc{
		"id":               field(func(c *Customer) any { return gidOf("Customer", c.ID) }),
		"legacyResourceId": field(func(c *Customer) any { return legacyID(c.ID) }),
		"email":            field(func(c *Customer) any { return c.Email }),
		"firstName":        field(func(c *Customer) any { return c.FirstName }),
		"lastName":         field(func(c *Customer) any { return c.LastName }),
		"phone":            field(func(c *Customer) any { return c.Phone }),
		"displayName": field(func(c *Customer) any {
			name := strings.TrimSpace(deref(c.FirstName) + " " + deref(c.LastName))
			if name == "" {
				name = deref(c.Email)
			}
			return name
		}),
	})

	register("MailingAddress", map[string]FieldFunc{
		"id":            field(func(m *mailingAddress) any { return gidOf("MailingAddress", m.id) }),
		"address1":      field(func(m *mailingAddress) any { return strPtr(m.a.Address1) }),
		"address2":      field(func(m *mailingAddress) any { return strPtr(m.a.Address2) }),
		"city":          field(func(m *mailingAddress) any { return strPtr(m.a.City) }),
		"company":       field(func(m *mailingAddress) any { return strPtr(m.a.Company) }),
		"country":       field(func(m *mailingAddress) any { return strPtr(m.a.Country) }),
		"countryCodeV2": field(func(m *mailingAddress) any { return strPtr(m.a.CountryCode) }),
		"firstName":     field(func(m *mailingAddress) any { return strPtr(m.a.FirstName) }),
		"lastName":      field(func(m *mailingAddress) any { return strPtr(m.a.LastName) }),
		"phone":         field(func(m *mailingAddress) any { return strPtr(m.a.Phone) }),
		"province":      field(func(m *mailingAddress) any { return strPtr(m.a.Province) }),
		"provinceCode":  field(func(m *mailingAddress) any { return strPtr(m.a.ProvinceCode) }),
		"zip":           field(func(m *mailingAddress) any { return strPtr(m.a.Zip) }),
		"name": field(func(m *mailingAddress) any {
			return strPtr(strings.TrimSpace(m.a.FirstName + " " + m.a.LastName))
		}),
	})

	nodeLookups["Order"] = func(st *store, _ *Shop, g GID) Object { return nilIfNone(st.orders.get(g.ID)) }
}

func addressNode(id int64, a *Address) Object {
	if a == nil {
		return nil
	}
	return &mailingAddress{id: id, a: a}
}

// moneyBag is a MoneyBag in one currency (fakeshop has no presentment
// currencies, so both sides are the same).
func moneyBag(amount, currency string) *Obj {
	m := moneyV2(amount, currency)
	return NewObj("MoneyBag", "shopMoney", m, "presentmentMoney", m)
}

var orderFilter = filterSpec{
	"name":              {kindExact, func(o any) []any { return one(o.(*Order).Name) }},
	"id":                {kindInt, func(o any) []any { return one(o.(*Order).ID) }},
	"email":             {kindExact, func(o any) []any { return optional(o.(*Order).Email) }},
	"tag":               {kindExact, func(o any) []any { return stringsToAny(o.(*Order).Tags) }},
	"created_at":        {kindTime, func(o any) []any { return one(o.(*Order).CreatedAt) }},
	"updated_at":        {kindTime, func(o any) []any { return one(o.(*Order).UpdatedAt) }},
	"processed_at":      {kindTime, func(o any) []any { return one(o.(*Order).ProcessedAt) }},
	"source_identifier": {kindExact, func(o any) []any { return optional(o.(*Order).SourceIdentifier) }},
	"status": {kindExact, func(o any) []any {
		if o.(*Order).CancelledAt != nil {
			return one("cancelled")
		}
		if o.(*Order).ClosedAt != nil {
			return one("closed")
		}
		return one("open")
	}},
}

func orderSort(key any) func(Identified) any {
	switch key {
	case "ID":
		return nil
	case "CREATED_AT":
		return func(it Identified) any { return formatTime(it.(*Order).CreatedAt) }
	case "UPDATED_AT":
		return func(it Identified) any { return formatTime(it.(*Order).UpdatedAt) }
	case "ORDER_NUMBER":
		return func(it Identified) any { return int64(it.(*Order).Number) }
	}
	// PROCESSED_AT is the default.
	return func(it Identified) any { return formatTime(it.(*Order).ProcessedAt) }
}
