package mirror

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Order is a row of the orders table (its lines are OrderLineItem rows).
type Order struct {
	Store             string
	GID               string
	Name              string
	Email             *string
	Currency          string
	SubtotalPrice     *string // decimals in the shop's currency
	TotalTax          *string
	TotalPrice        string
	FinancialStatus   *string // GraphQL spelling, e.g. PAID
	FulfillmentStatus *string // GraphQL spelling, e.g. UNFULFILLED
	Test              bool
	CancelledAt       *time.Time
	ClosedAt          *time.Time
	ProcessedAt       *time.Time
	CreatedAt         *time.Time
	UpdatedAt         *time.Time
	Raw               json.RawMessage
}

func (r *Order) Resource() events.Resource { return events.Order }
func (r *Order) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Order) Updated() *time.Time       { return r.UpdatedAt }

func (r *Order) validate() error {
	if r.TotalPrice == "" {
		return errors.New("no total price")
	}
	return nil
}

func (r *Order) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("name", r.Name)
	e.optStr("email", r.Email)
	e.str("currency", r.Currency)
	e.optDec("subtotal_price", r.SubtotalPrice)
	e.optDec("total_tax", r.TotalTax)
	e.dec("total_price", r.TotalPrice)
	e.optStr("financial_status", r.FinancialStatus)
	e.optStr("fulfillment_status", r.FulfillmentStatus)
	e.boolean("test", r.Test)
	e.time("cancelled_at", r.CancelledAt)
	e.time("closed_at", r.ClosedAt)
	e.time("processed_at", r.ProcessedAt)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// OrderLineItem is a row of the order_line_items table.
type OrderLineItem struct {
	Store        string
	GID          string
	OrderGID     string
	ProductGID   *string
	VariantGID   *string
	SKU          *string
	Title        string
	VariantTitle *string
	Quantity     int
	UnitPrice    string
	Position     *int // nil: unknown (a bulk line does not say)
	// UpdatedAt is the order's updatedAt (lines have none of their own); nil
	// in a snapshot takes the staged order's.
	UpdatedAt *time.Time
	Raw       json.RawMessage
}

func (r *OrderLineItem) Resource() events.Resource { return events.OrderLineItem }
func (r *OrderLineItem) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *OrderLineItem) Updated() *time.Time       { return r.UpdatedAt }

func (r *OrderLineItem) validate() error {
	if err := checkGID("order_gid", r.OrderGID, "Order"); err != nil {
		return err
	}
	if r.UnitPrice == "" {
		return errors.New("no unit price")
	}
	return nil
}

func (r *OrderLineItem) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("order_gid", r.OrderGID)
	e.optStr("product_gid", r.ProductGID)
	e.optStr("variant_gid", r.VariantGID)
	e.optStr("sku", r.SKU)
	e.str("title", r.Title)
	e.optStr("variant_title", r.VariantTitle)
	e.integer("quantity", r.Quantity)
	e.dec("unit_price", r.UnitPrice)
	e.partialInt("position", r.Position)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}
