package mirror

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

func (c *gqlConv) order() (Batch, error) {
	var o struct {
		ID                       string    `json:"id"`
		Name                     string    `json:"name"`
		Email                    *string   `json:"email"`
		CurrencyCode             string    `json:"currencyCode"`
		SubtotalPriceSet         *moneyBag `json:"subtotalPriceSet"`
		TotalTaxSet              *moneyBag `json:"totalTaxSet"`
		TotalPriceSet            *moneyBag `json:"totalPriceSet"`
		CurrentTotalPriceSet     *moneyBag `json:"currentTotalPriceSet"`
		DisplayFinancialStatus   *string   `json:"displayFinancialStatus"`
		DisplayFulfillmentStatus *string   `json:"displayFulfillmentStatus"`
		Test                     bool      `json:"test"`
		CancelledAt              *string   `json:"cancelledAt"`
		ClosedAt                 *string   `json:"closedAt"`
		ProcessedAt              *string   `json:"processedAt"`
		CreatedAt                *string   `json:"createdAt"`
		UpdatedAt                *string   `json:"updatedAt"`
		LineItems                *gqlConn  `json:"lineItems"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	raw, err := withoutKeys(c.raw, o.LineItems != nil, "lineItems")
	if err != nil {
		return Batch{}, err
	}
	total := o.CurrentTotalPriceSet.amount()
	if total == nil {
		total = o.TotalPriceSet.amount()
	}
	if total == nil {
		return Batch{}, errors.New("no currentTotalPriceSet or totalPriceSet")
	}
	var tp timeParser
	ord := &Order{
		Store: c.store, GID: o.ID, Name: o.Name, Email: emptyToNil(o.Email), Currency: o.CurrencyCode,
		SubtotalPrice: o.SubtotalPriceSet.amount(), TotalTax: o.TotalTaxSet.amount(), TotalPrice: *total,
		FinancialStatus: optUpper(o.DisplayFinancialStatus), FulfillmentStatus: optUpper(o.DisplayFulfillmentStatus),
		Test: o.Test, CancelledAt: tp.at("cancelledAt", o.CancelledAt), ClosedAt: tp.at("closedAt", o.ClosedAt),
		ProcessedAt: tp.at("processedAt", o.ProcessedAt), CreatedAt: tp.at("createdAt", o.CreatedAt),
		UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: raw,
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	b := Batch{Rows: []Row{ord}}
	var keep []string
	for i, li := range o.LineItems.items() {
		lb, err := c.lineItem(li, o.ID, ord.UpdatedAt)
		if err != nil {
			return Batch{}, err
		}
		// A nested read starts at the order's first line.
		pos := i + 1
		lb.Rows[0].(*OrderLineItem).Position = &pos
		b.Add(lb)
		keep = append(keep, lb.Rows[0].Ref().GID)
	}
	if o.LineItems.complete() {
		b.ChildSets = append(b.ChildSets, ChildSet{Store: c.store, Parent: ord.Ref(), ParentResource: events.Order,
			Child: events.OrderLineItem, Keep: keep, At: ord.UpdatedAt})
	}
	return b, nil
}

// lineItem converts a line; orderUpdatedAt is its order's updatedAt when
// read nested (a bulk line has none: the snapshot takes the staged order's).
func (c *gqlConv) lineItem(raw []byte, orderGID string, orderUpdatedAt *time.Time) (Batch, error) {
	var o struct {
		ID                   string    `json:"id"`
		Title                string    `json:"title"`
		VariantTitle         *string   `json:"variantTitle"`
		SKU                  *string   `json:"sku"`
		Quantity             int       `json:"quantity"`
		CurrentQuantity      *int      `json:"currentQuantity"`
		Product              *node     `json:"product"`
		Variant              *node     `json:"variant"`
		OriginalUnitPriceSet *moneyBag `json:"originalUnitPriceSet"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return Batch{}, err
	}
	if orderGID == "" {
		return Batch{}, errNoParent
	}
	price := o.OriginalUnitPriceSet.amount()
	if price == nil {
		return Batch{}, errors.New("no originalUnitPriceSet")
	}
	qty := o.Quantity
	if o.CurrentQuantity != nil {
		qty = *o.CurrentQuantity
	}
	li := &OrderLineItem{
		Store: c.store, GID: o.ID, OrderGID: orderGID, ProductGID: o.Product.gid(), VariantGID: o.Variant.gid(),
		SKU: emptyToNil(o.SKU), Title: o.Title, VariantTitle: emptyToNil(o.VariantTitle), Quantity: qty,
		UnitPrice: *price, UpdatedAt: orderUpdatedAt, Raw: raw,
	}
	return Batch{Rows: []Row{li}}, nil
}
