package applier

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// orderDesired is a create_order delta's desired, as the planner writes it
// (planner/sql/orders_stage.sql): the destination order, its lines mapped
// to source variants (or not), and its amounts as charged there.
type orderDesired struct {
	Destination          string        `json:"destination"`
	DestinationOrderGID  string        `json:"destination_order_gid"`
	DestinationOrderName string        `json:"destination_order_name"`
	Tag                  string        `json:"tag"`
	Tags                 []string      `json:"tags"`
	InventoryBehaviour   string        `json:"inventory_behaviour"`
	Currency             string        `json:"currency"`
	Email                *string       `json:"email"`
	Phone                *string       `json:"phone"`
	Customer             *orderPerson  `json:"customer"`
	BillingAddress       *orderAddress `json:"billing_address"`
	ShippingAddress      *orderAddress `json:"shipping_address"`
	FinancialStatus      *string       `json:"financial_status"`
	Test                 bool          `json:"test"`
	ProcessedAt          *time.Time    `json:"processed_at"`
	Lines                []orderLine   `json:"lines"`
	Tax                  *string       `json:"tax"`
	TaxRate              *string       `json:"tax_rate"`
	TaxesIncluded        bool          `json:"taxes_included"`
	// Shipping is the shipping's price before discounts, ShippingCharged
	// what the destination charged for it.
	Shipping         *string  `json:"shipping"`
	ShippingCharged  *string  `json:"shipping_charged"`
	ItemDiscount     *string  `json:"item_discount"`
	ShippingDiscount *string  `json:"shipping_discount"`
	DiscountCodes    []string `json:"discount_codes"`
	Total            *string  `json:"total"`
}

type orderPerson struct {
	Email     *string `json:"email"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
}

type orderAddress struct {
	Address1     *string `json:"address1"`
	Address2     *string `json:"address2"`
	City         *string `json:"city"`
	Company      *string `json:"company"`
	CountryCode  *string `json:"country_code"`
	FirstName    *string `json:"first_name"`
	LastName     *string `json:"last_name"`
	Phone        *string `json:"phone"`
	ProvinceCode *string `json:"province_code"`
	Zip          *string `json:"zip"`
}

type orderLine struct {
	DestinationLineGID string  `json:"destination_line_gid"`
	VariantGID         *string `json:"variant_gid"`
	Title              string  `json:"title"`
	VariantTitle       *string `json:"variant_title"`
	SKU                *string `json:"sku"`
	Quantity           int     `json:"quantity"`
	Price              string  `json:"price"`
}

// cancelDesired is a cancel_order delta's desired.
type cancelDesired struct {
	DestinationOrderName string `json:"destination_order_name"`
	Destination          string `json:"destination"`
	Reason               string `json:"reason"`
	Restock              bool   `json:"restock"`
}

// orderCreateFinancialStatuses are OrderCreateFinancialStatus's values; a
// destination's display status outside them is left to Shopify's default.
var orderCreateFinancialStatuses = map[string]bool{
	"PENDING": true, "AUTHORIZED": true, "PARTIALLY_PAID": true, "PAID": true,
	"PARTIALLY_REFUNDED": true, "REFUNDED": true, "VOIDED": true, "EXPIRED": true,
}

func (o *orderDesired) validate() error {
	switch {
	case o.Tag == "":
		return fmt.Errorf("no identity tag: the create could not be retried safely")
	case o.DestinationOrderGID == "":
		return fmt.Errorf("no destination order")
	case len(o.Lines) == 0:
		return fmt.Errorf("no line items")
	case o.Currency == "":
		return fmt.Errorf("no currency")
	}
	return nil
}

// unmatched lists the lines without a source variant, for the warning.
func (o *orderDesired) unmatched() []string {
	var out []string
	for _, l := range o.Lines {
		if l.VariantGID == nil {
			s := fmt.Sprintf("%q x%d", l.Title, l.Quantity)
			if l.SKU != nil && *l.SKU != "" {
				s += " (SKU " + *l.SKU + ")"
			}
			out = append(out, s)
		}
	}
	return out
}

// warning is what the audit row of the create says beside ok: lines sent as
// custom line items and discounts orderCreate could not be given.
func (o *orderDesired) warning() string {
	var w []string
	if u := o.unmatched(); len(u) > 0 {
		w = append(w, fmt.Sprintf("warning: %d line(s) matched no source variant and were created as custom line items: %s",
			len(u), strings.Join(u, ", ")))
	}
	w = append(w, o.discounts().warnings...)
	return strings.Join(w, "; ")
}

func (o *orderDesired) money(amount string) map[string]any {
	return map[string]any{"shopMoney": map[string]any{"amount": amount, "currencyCode": o.Currency}}
}

// input is the OrderCreateOrderInput.
func (o *orderDesired) input() map[string]any {
	lines := make([]map[string]any, len(o.Lines))
	for i, l := range o.Lines {
		m := map[string]any{"quantity": l.Quantity, "priceSet": o.money(l.Price)}
		if l.VariantGID != nil {
			m["variantId"] = *l.VariantGID
		} else {
			// A custom line item: what the destination sold, by name.
			m["title"] = l.Title
			m["requiresShipping"] = true
			if l.VariantTitle != nil {
				m["variantTitle"] = *l.VariantTitle
			}
			if l.SKU != nil {
				m["sku"] = *l.SKU
			}
		}
		lines[i] = m
	}
	dc := o.discounts()
	note := fmt.Sprintf("Placed in %s as %s (%s).", o.Destination, o.DestinationOrderName, o.DestinationOrderGID)
	if dc.note != "" {
		note += " " + dc.note
	}
	in := map[string]any{
		"currency":         o.Currency,
		"tags":             o.Tags,
		"note":             note,
		"sourceName":       "shopsync",
		"sourceIdentifier": o.DestinationOrderGID,
		"test":             o.Test,
		"lineItems":        lines,
	}
	if o.Email != nil {
		in["email"] = *o.Email
	}
	if o.Phone != nil {
		in["phone"] = *o.Phone
	}
	if c := o.Customer; c != nil {
		up := map[string]any{}
		for k, v := range map[string]*string{"email": c.Email, "firstName": c.FirstName, "lastName": c.LastName} {
			if v != nil {
				up[k] = *v
			}
		}
		if len(up) > 0 {
			in["customer"] = map[string]any{"toUpsert": up}
		}
	}
	if a := o.BillingAddress.input(); a != nil {
		in["billingAddress"] = a
	}
	if a := o.ShippingAddress.input(); a != nil {
		in["shippingAddress"] = a
	}
	if o.FinancialStatus != nil && orderCreateFinancialStatuses[*o.FinancialStatus] {
		in["financialStatus"] = *o.FinancialStatus
	}
	if o.ProcessedAt != nil {
		in["processedAt"] = o.ProcessedAt.UTC().Format(time.RFC3339)
	}
	if dc.shipping != "" {
		in["shippingLines"] = []map[string]any{{"title": "Shipping", "priceSet": o.money(dc.shipping)}}
	}
	if dc.code != nil {
		in["discountCode"] = dc.code
	}
	if o.TaxesIncluded {
		in["taxesIncluded"] = true
	}
	if o.Tax != nil {
		rate := "0"
		if o.TaxRate != nil {
			rate = *o.TaxRate
		}
		in["taxLines"] = []map[string]any{{"title": "Tax", "rate": rate, "priceSet": o.money(*o.Tax)}}
	}
	return in
}

func (a *orderAddress) input() map[string]any {
	if a == nil {
		return nil
	}
	m := map[string]any{}
	for k, v := range map[string]*string{
		"address1": a.Address1, "address2": a.Address2, "city": a.City, "company": a.Company,
		"countryCode": a.CountryCode, "firstName": a.FirstName, "lastName": a.LastName, "phone": a.Phone,
		"provinceCode": a.ProvinceCode, "zip": a.Zip,
	} {
		if v != nil {
			m[k] = *v
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// orderFields are the Order fields read back after a create and by the
// look-up by tag: those of shopify/client's OrderFields, so the mirror row
// written from the answer is the row reconciliation would read.
const orderFields = `id legacyResourceId name email phone note tags test confirmed closed closedAt cancelledAt cancelReason
currencyCode displayFinancialStatus displayFulfillmentStatus sourceName sourceIdentifier
customer { id displayName firstName lastName }
billingAddress { ` + addressFields + ` } shippingAddress { ` + addressFields + ` }
subtotalPriceSet { ` + moneyFields + ` } totalTaxSet { ` + moneyFields + ` }
totalPriceSet { ` + moneyFields + ` } currentTotalPriceSet { ` + moneyFields + ` }
taxesIncluded discountCodes totalDiscountsSet { ` + moneyFields + ` }
totalShippingPriceSet { ` + moneyFields + ` } currentShippingPriceSet { ` + moneyFields + ` }
processedAt createdAt updatedAt`

const (
	addressFields  = `name firstName lastName company address1 address2 city province provinceCode country countryCodeV2 zip phone`
	moneyFields    = `shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }`
	lineItemFields = `id name title variantTitle sku vendor quantity currentQuantity requiresShipping taxable product { id } variant { id }
originalUnitPriceSet { ` + moneyFields + ` } originalTotalSet { ` + moneyFields + ` }`
)

// maxLinesRead caps the line items read back with an order: each costs
// about ten points, and a request may cost 1,000 at most. Lines beyond it
// reach the mirror through the ingest (the read is then not a complete child
// list, so the mirror keeps what it has).
const maxLinesRead = 50

// orderSelection selects an order with up to lines line items.
func orderSelection(lines int) string {
	return "{ " + orderFields + fmt.Sprintf(" lineItems(first: %d) { nodes { ", min(max(lines, 1), maxLinesRead)) + lineItemFields +
		" } pageInfo { hasNextPage } } }"
}

// answeredOrder is the part of an Order answer the applier reads itself.
type answeredOrder struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Tags        []string `json:"tags"`
	CancelledAt *string  `json:"cancelledAt"`
}

func readOrder(raw json.RawMessage) (answeredOrder, error) {
	var o answeredOrder
	err := json.Unmarshal(raw, &o)
	return o, err
}
