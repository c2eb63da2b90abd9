package mirror

import (
	"encoding/json"
	"errors"
	"math/big"

	"github.com/shopsync/shopsync/schema/events"
)

func restOrder(store string, payload []byte) (Batch, error) {
	var o struct {
		restRef
		Name                 string            `json:"name"`
		Email                *string           `json:"email"`
		Currency             string            `json:"currency"`
		CurrentSubtotalPrice number            `json:"current_subtotal_price"`
		SubtotalPrice        number            `json:"subtotal_price"`
		CurrentTotalTax      number            `json:"current_total_tax"`
		TotalTax             number            `json:"total_tax"`
		CurrentTotalPrice    number            `json:"current_total_price"`
		TotalPrice           number            `json:"total_price"`
		FinancialStatus      *string           `json:"financial_status"`
		FulfillmentStatus    *string           `json:"fulfillment_status"`
		Test                 bool              `json:"test"`
		CancelledAt          *string           `json:"cancelled_at"`
		ClosedAt             *string           `json:"closed_at"`
		ProcessedAt          *string           `json:"processed_at"`
		CreatedAt            *string           `json:"created_at"`
		UpdatedAt            *string           `json:"updated_at"`
		LineItems            []json.RawMessage `json:"line_items"`
		restOrderMoney
	}
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	gid, err := o.gid("Order")
	if err != nil {
		return Batch{}, err
	}
	// The mirror keeps the current amounts (after edits and refunds).
	first := func(a, b number) *string {
		if p := a.ptr(); p != nil {
			return p
		}
		return b.ptr()
	}
	total := first(o.CurrentTotalPrice, o.TotalPrice)
	if total == nil {
		return Batch{}, errors.New("no current_total_price or total_price")
	}
	var tp timeParser
	ord := &Order{
		Store: store, GID: gid, Name: o.Name, Email: emptyToNil(o.Email), Currency: o.Currency,
		SubtotalPrice: first(o.CurrentSubtotalPrice, o.SubtotalPrice), TotalTax: first(o.CurrentTotalTax, o.TotalTax),
		TotalPrice: *total, FinancialStatus: optUpper(o.FinancialStatus), FulfillmentStatus: restFulfillment(o.FulfillmentStatus),
		Test: o.Test, CancelledAt: tp.at("cancelled_at", o.CancelledAt), ClosedAt: tp.at("closed_at", o.ClosedAt),
		ProcessedAt: tp.at("processed_at", o.ProcessedAt), CreatedAt: tp.at("created_at", o.CreatedAt),
		UpdatedAt: tp.at("updated_at", o.UpdatedAt),
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	if ord.Raw, err = gqlRaw("id", ord.GID, "name", ord.Name, "email", ord.Email, "currencyCode", ord.Currency,
		"subtotalPriceSet", shopMoney(ord.SubtotalPrice), "totalTaxSet", shopMoney(ord.TotalTax),
		"currentTotalPriceSet", shopMoney(&ord.TotalPrice), "displayFinancialStatus", ord.FinancialStatus,
		"displayFulfillmentStatus", ord.FulfillmentStatus, "test", ord.Test, "cancelledAt", ord.CancelledAt,
		"closedAt", ord.ClosedAt, "processedAt", ord.ProcessedAt, "createdAt", ord.CreatedAt,
		"updatedAt", ord.UpdatedAt,
		// What the planner needs to recreate the order's amounts as charged
		// (planner/sql/orders_stage.sql), under their GraphQL names.
		"taxesIncluded", o.TaxesIncluded, "discountCodes", o.discountCodes(),
		"totalDiscountsSet", shopMoney(first(o.CurrentTotalDiscounts, o.TotalDiscounts)),
		"totalShippingPriceSet", shopMoney(o.TotalShippingPriceSet.amount()),
		"currentShippingPriceSet", shopMoney(o.shippingCharged())); err != nil {
		return Batch{}, err
	}
	b := Batch{Rows: []Row{ord}}
	keep := []string{}
	for i, raw := range o.LineItems {
		li, err := restLineItem(store, raw, ord, i+1)
		if err != nil {
			return Batch{}, err
		}
		b.Rows = append(b.Rows, li)
		keep = append(keep, li.GID)
	}
	b.ChildSets = []ChildSet{{Store: store, Parent: ord.Ref(), ParentResource: events.Order,
		Child: events.OrderLineItem, Keep: keep, At: ord.UpdatedAt}}
	return b, nil
}

// restFulfillment maps REST's fulfillment_status (null when unfulfilled,
// "partial") to GraphQL's display status.
func restFulfillment(s *string) *string {
	v := "UNFULFILLED"
	switch {
	case s == nil || *s == "":
	case *s == "partial":
		v = "PARTIALLY_FULFILLED"
	default:
		v = upper(*s)
	}
	return &v
}

func shopMoney(amount *string) any {
	if amount == nil {
		return nil
	}
	return map[string]any{"shopMoney": map[string]string{"amount": *amount}}
}

func restLineItem(store string, raw []byte, ord *Order, position int) (*OrderLineItem, error) {
	var o struct {
		restRef
		VariantID       restID  `json:"variant_id"`
		ProductID       restID  `json:"product_id"`
		Title           string  `json:"title"`
		VariantTitle    *string `json:"variant_title"`
		SKU             *string `json:"sku"`
		Quantity        int     `json:"quantity"`
		CurrentQuantity *int    `json:"current_quantity"`
		Price           number  `json:"price"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	gid, err := o.gid("LineItem")
	if err != nil {
		return nil, err
	}
	qty := o.Quantity
	if o.CurrentQuantity != nil {
		qty = *o.CurrentQuantity
	}
	li := &OrderLineItem{
		Store: store, GID: gid, OrderGID: ord.GID, ProductGID: o.ProductID.gid("Product"),
		VariantGID: o.VariantID.gid("ProductVariant"), SKU: emptyToNil(o.SKU), Title: o.Title,
		VariantTitle: emptyToNil(o.VariantTitle), Quantity: qty, UnitPrice: string(o.Price),
		Position: &position, UpdatedAt: ord.UpdatedAt,
	}
	ref := func(g *string) any {
		if g == nil {
			return nil
		}
		return map[string]string{"id": *g}
	}
	if li.Raw, err = gqlRaw("id", li.GID, "title", li.Title, "variantTitle", li.VariantTitle, "sku", li.SKU,
		"quantity", o.Quantity, "currentQuantity", qty, "product", ref(li.ProductGID), "variant", ref(li.VariantGID),
		"originalUnitPriceSet", shopMoney(&li.UnitPrice)); err != nil {
		return nil, err
	}
	return li, nil
}

// restOrderMoney is what an order payload says of its discounts, shipping
// and tax inclusion.
type restOrderMoney struct {
	TaxesIncluded         bool          `json:"taxes_included"`
	TotalDiscounts        number        `json:"total_discounts"`
	CurrentTotalDiscounts number        `json:"current_total_discounts"`
	TotalShippingPriceSet *restMoneySet `json:"total_shipping_price_set"`
	DiscountCodes         []struct {
		Code string `json:"code"`
	} `json:"discount_codes"`
	ShippingLines []struct {
		Price           number `json:"price"`
		DiscountedPrice number `json:"discounted_price"`
	} `json:"shipping_lines"`
}

type restMoneySet struct {
	ShopMoney struct {
		Amount number `json:"amount"`
	} `json:"shop_money"`
}

func (m *restMoneySet) amount() *string {
	if m == nil {
		return nil
	}
	return m.ShopMoney.Amount.ptr()
}

func (m *restOrderMoney) discountCodes() []string {
	out := []string{}
	for _, d := range m.DiscountCodes {
		out = append(out, d.Code)
	}
	return out
}

// shippingCharged sums the shipping lines' prices after discounts; nil when
// the payload has no shipping lines or an amount is unreadable.
func (m *restOrderMoney) shippingCharged() *string {
	if m.ShippingLines == nil {
		return nil
	}
	sum := new(big.Rat)
	for _, l := range m.ShippingLines {
		p := l.DiscountedPrice.ptr()
		if p == nil {
			p = l.Price.ptr()
		}
		if p == nil {
			return nil
		}
		r, ok := new(big.Rat).SetString(*p)
		if !ok {
			return nil
		}
		sum.Add(sum, r)
	}
	s := sum.FloatString(2)
	return &s
}
