package fakeshop

import (
	"math/big"
	"slices"
)

func init() {
	register("Mutation", map[string]FieldFunc{
		"orderCreate": mutation(orderCreate),
		"orderCancel": mutation(orderCancel),
	})
}

// countryNames names the countries of the schema subset's CountryCode enum,
// for MailingAddress.country.
var countryNames = map[string]string{
	"AU": "Australia", "CA": "Canada", "FR": "France", "DE": "Germany", "IE": "Ireland", "IT": "Italy", "JP": "Japan",
	"NL": "Netherlands", "NZ": "New Zealand", "ES": "Spain", "SE": "Sweden", "GB": "United Kingdom", "US": "United States",
}

// addressInput reads a MailingAddressInput.
func addressInput(in inputArgs) *Address {
	if in == nil {
		return nil
	}
	code := in.strOr("countryCode", "")
	return &Address{FirstName: in.strOr("firstName", ""), LastName: in.strOr("lastName", ""), Company: in.strOr("company", ""),
		Address1: in.strOr("address1", ""), Address2: in.strOr("address2", ""), City: in.strOr("city", ""),
		ProvinceCode: in.strOr("provinceCode", ""), CountryCode: code, Country: countryNames[code],
		Zip: in.strOr("zip", ""), Phone: in.strOr("phone", "")}
}

// moneyBagAmount is a MoneyBagInput's shop amount, nil when absent.
func moneyBagAmount(in inputArgs, key string) (*big.Rat, error) {
	bag := in.obj(key)
	if bag == nil {
		return nil, nil
	}
	s, err := canonicalMoney(bag.obj("shopMoney")["amount"])
	if err != nil {
		return nil, err
	}
	r, _ := new(big.Rat).SetString(s)
	return r, nil
}

// taxAmount sums tax lines: each its priceSet, or its rate of base.
func taxAmount(lines []inputArgs, base *big.Rat) (*big.Rat, error) {
	sum := new(big.Rat)
	for _, t := range lines {
		amount, err := moneyBagAmount(t, "priceSet")
		if err != nil {
			return nil, err
		}
		if amount == nil {
			rate, ok := new(big.Rat).SetString(t.strOr("rate", "0"))
			if !ok {
				rate = new(big.Rat)
			}
			amount = new(big.Rat).Mul(rate, base)
		}
		sum.Add(sum, amount)
	}
	return sum, nil
}

// customerByID finds a customer some order of the shop has (fakeshop keeps
// customers only on orders).
func (s *Shop) customerByID(id int64) *Customer {
	var out *Customer
	s.read(func(st *store) {
		for _, o := range st.orders.all() {
			if o.Customer != nil && o.Customer.ID == id {
				out = o.Customer
			}
		}
	})
	return out
}

// orderCustomer reads OrderCreateCustomerInput: toAssociate links an
// existing customer (by id) or one by email; toUpsert updates an existing
// one or makes a new one. Both at once are REDUNDANT_CUSTOMER_FIELDS.
func orderCustomer(shop *Shop, in inputArgs) (*Customer, *UserError, error) {
	assoc, upsert := in.obj("toAssociate"), in.obj("toUpsert")
	if assoc != nil && upsert != nil {
		return nil, &UserError{Field: fieldPath("order", "customer"), Code: "REDUNDANT_CUSTOMER_FIELDS", Message: "Provide either toAssociate or toUpsert, not both"}, nil
	}
	src, key := assoc, "toAssociate"
	if upsert != nil {
		src, key = upsert, "toUpsert"
	}
	if src == nil {
		return nil, nil, nil
	}
	c := &Customer{}
	id, given, err := src.id("id", "Customer")
	if err != nil {
		return nil, nil, err
	}
	if given {
		found := shop.customerByID(id)
		if found == nil {
			return nil, &UserError{Field: fieldPath("order", "customer", key, "id"), Code: "INVALID", Message: "Customer does not exist"}, nil
		}
		cp := *found
		c = &cp
	}
	if email := src.str("email"); email != nil {
		c.Email = email
	}
	if upsert != nil {
		for k, p := range map[string]**string{"firstName": &c.FirstName, "lastName": &c.LastName, "phone": &c.Phone} {
			if v := upsert.str(k); v != nil {
				*p = v
			}
		}
	}
	return c, nil, nil
}

// financialStatus is the display status of a new order: the one given, or
// what its transactions add up to (fakeshop's reading; Shopify's rule for
// orders without transactions is unverified, PENDING here).
func financialStatus(in inputArgs, total *big.Rat) (string, error) {
	if s := in.str("financialStatus"); s != nil {
		return *s, nil
	}
	paid, authorized := new(big.Rat), false
	for _, t := range in.objs("transactions") {
		if t.strOr("status", "SUCCESS") != "SUCCESS" {
			continue
		}
		amount, err := moneyBagAmount(t, "amountSet")
		if err != nil {
			return "", err
		}
		switch t.strOr("kind", "SALE") {
		case "SALE", "CAPTURE":
			paid.Add(paid, amount)
		case "AUTHORIZATION":
			authorized = true
		}
	}
	switch {
	case paid.Sign() > 0 && paid.Cmp(total) >= 0:
		return "PAID", nil
	case paid.Sign() > 0:
		return "PARTIALLY_PAID", nil
	case authorized:
		return "AUTHORIZED", nil
	}
	return "PENDING", nil
}

var fulfillmentStatuses = map[string]string{"FULFILLED": "FULFILLED", "PARTIAL": "PARTIALLY_FULFILLED", "RESTOCKED": "RESTOCKED"}

func orderCreate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "OrderCreatePayload", "OrderCreateUserError"
	in := args.obj("order")
	oin := OrderInput{Name: in.str("name"), Email: in.str("email"), Phone: in.str("phone"), Note: in.str("note"),
		Currency: in.strOr("currency", ""), SourceName: in.str("sourceName"), SourceIdentifier: in.str("sourceIdentifier"),
		BillingAddress: addressInput(in.obj("billingAddress")), ShippingAddress: addressInput(in.obj("shippingAddress")),
		InventoryBehaviour: args.obj("options").strOr("inventoryBehaviour", "BYPASS")}
	if tags := in.strs("tags"); tags != nil {
		oin.Tags = *tags
	}
	oin.Test = in.boolean("test") != nil && *in.boolean("test")
	oin.TaxesIncluded = in.boolean("taxesIncluded") != nil && *in.boolean("taxesIncluded")
	var err error
	if oin.ProcessedAt, err = in.dateTime("processedAt"); err != nil {
		return nil, err
	}
	if oin.ProcessedAt != nil && oin.ProcessedAt.After(rc.Shop.clock()) {
		return failed(payload, errType, &UserError{Field: fieldPath("order", "processedAt"), Code: "PROCESSED_AT_INVALID", Message: "Processed at can't be in the future"}), nil
	}
	if oin.ClosedAt, err = in.dateTime("closedAt"); err != nil {
		return nil, err
	}
	if fs := in.str("fulfillmentStatus"); fs != nil {
		status := fulfillmentStatuses[*fs]
		oin.FulfillmentStatus = &status
	}
	if c := in.obj("customer"); c != nil {
		cust, ue, err := orderCustomer(rc.Shop, c)
		if err != nil || ue != nil {
			return failedOr(payload, errType, ue, err)
		}
		oin.Customer = cust
	}
	if oin.Email == nil && oin.Customer != nil {
		oin.Email = oin.Customer.Email
	}
	// Line items, with their prices known here for the tax and paid sums.
	subtotal, tax := new(big.Rat), new(big.Rat)
	for i, li := range in.objs("lineItems") {
		line := LineItemInput{Title: li.str("title"), VariantTitle: li.str("variantTitle"), SKU: li.str("sku"), Vendor: li.str("vendor"),
			Taxable: li.boolean("taxable"), RequiresShipping: li.boolean("requiresShipping")}
		if q := li.integer("quantity"); q != nil {
			line.Quantity = *q
		}
		id, given, err := li.id("variantId", "ProductVariant")
		if err != nil {
			return nil, err
		}
		if given && id == 0 {
			return failed(payload, errType, &UserError{Field: fieldPath("order", "lineItems", i, "variantId"), Code: "INVALID", Message: "Variant does not exist"}), nil
		}
		line.VariantID = id
		if line.ProductID, _, err = li.id("productId", "Product"); err != nil {
			return nil, err
		}
		price, err := moneyBagAmount(li, "priceSet")
		if err != nil {
			return nil, err
		}
		if price != nil {
			amount := price.FloatString(2)
			line.Price = &amount
		} else if v := rc.Shop.Variant(id); v != nil {
			price, _ = new(big.Rat).SetString(v.Price)
		}
		lineTotal := new(big.Rat)
		if price != nil {
			lineTotal.Mul(price, new(big.Rat).SetInt64(int64(line.Quantity)))
		}
		subtotal.Add(subtotal, lineTotal)
		lt, err := taxAmount(li.objs("taxLines"), lineTotal)
		if err != nil {
			return nil, err
		}
		tax.Add(tax, lt)
		oin.LineItems = append(oin.LineItems, line)
	}
	shipping := new(big.Rat)
	for _, sl := range in.objs("shippingLines") {
		amount, err := moneyBagAmount(sl, "priceSet")
		if err != nil {
			return nil, err
		}
		shipping.Add(shipping, amount)
		st, err := taxAmount(sl.objs("taxLines"), amount)
		if err != nil {
			return nil, err
		}
		tax.Add(tax, st)
	}
	ot, err := taxAmount(in.objs("taxLines"), subtotal)
	if err != nil {
		return nil, err
	}
	tax.Add(tax, ot)
	oin.ShippingTotal, oin.TaxTotal = shipping.FloatString(2), tax.FloatString(2)
	currency := oin.Currency
	if currency == "" {
		currency = rc.Shop.curr
	}
	code, ue, err := orderDiscountCode(in.obj("discountCode"), currency)
	if err != nil || ue != nil {
		return failedOr(payload, errType, ue, err)
	}
	if code != nil {
		oin.Discounts = []OrderDiscount{*code}
	}
	// What the order costs once its discount is taken off (CreateOrder
	// computes the same amounts again for the order it stores).
	items, shipOff := applyDiscounts(slices.Clone(oin.Discounts), subtotal, shipping)
	total := new(big.Rat).Sub(subtotal, items)
	total.Add(total, shipping).Sub(total, shipOff)
	if !oin.TaxesIncluded {
		total.Add(total, tax)
	}
	status, err := financialStatus(in, total)
	if err != nil {
		return nil, err
	}
	oin.FinancialStatus = &status
	o, err := rc.Shop.CreateOrder(oin)
	if err != nil {
		return failure(err, payload, errType, nil, "order")
	}
	return payloadObj(payload, "order", o), nil
}

// orderCancel is asynchronous in Shopify (it answers a job). fakeshop
// cancels before answering, so the job is done and the order reads as
// cancelled at once. Refunds are not modelled: the financial status stays.
func orderCancel(rc *ResolveContext, args inputArgs) (any, error) {
	const payload = "OrderCancelPayload"
	id, _, err := args.id("orderId", "Order")
	if err != nil {
		return nil, err
	}
	restock := args.boolean("restock") != nil && *args.boolean("restock")
	if _, err := rc.Shop.CancelOrder(id, args.strOr("reason", "OTHER"), restock); err != nil {
		ue, gerr := asUserError(err, nil)
		if gerr != nil {
			return nil, gerr
		}
		// The deprecated userErrors list repeats the errors without codes.
		return payloadObj(payload, "orderCancelUserErrors", userErrorList("OrderCancelUserError", ue), "userErrors", userErrorList("UserError", ue)), nil
	}
	return payloadObj(payload, "job", jobObj()), nil
}
