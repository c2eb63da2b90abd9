package mirror

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

// Location is a row of the locations table.
type Location struct {
	Store                string
	GID                  string
	Name                 string
	IsActive             bool
	FulfillsOnlineOrders *bool // nil: unknown (webhooks do not carry it)
	UpdatedAt            *time.Time
	Raw                  json.RawMessage
}

func (r *Location) Resource() events.Resource { return events.Location }
func (r *Location) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Location) Updated() *time.Time       { return r.UpdatedAt }
func (r *Location) validate() error           { return nil }

func (r *Location) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("name", r.Name)
	e.boolean("is_active", r.IsActive)
	e.partialBool("fulfills_online_orders", r.FulfillsOnlineOrders, "true")
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// Product is a row of the products table (its variants are Variant rows).
type Product struct {
	Store           string
	GID             string
	Handle          string
	Title           string
	DescriptionHTML string
	Vendor          string
	ProductType     string
	Status          string // GraphQL spelling: ACTIVE, ARCHIVED, DRAFT, UNLISTED
	Tags            []string
	Options         []ProductOption
	TemplateSuffix  *string
	PublishedAt     *time.Time
	CreatedAt       *time.Time
	UpdatedAt       *time.Time
	Raw             json.RawMessage
}

// ProductOption is one entry of products.options.
type ProductOption struct {
	Name     string   `json:"name"`
	Position int      `json:"position"`
	Values   []string `json:"values"`
}

func (r *Product) Resource() events.Resource { return events.Product }
func (r *Product) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Product) Updated() *time.Time       { return r.UpdatedAt }

func (r *Product) validate() error {
	if r.Status == "" {
		return errors.New("no status")
	}
	return nil
}

func (r *Product) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("handle", r.Handle)
	e.str("title", r.Title)
	e.str("description_html", r.DescriptionHTML)
	e.str("vendor", r.Vendor)
	e.str("product_type", r.ProductType)
	e.str("status", r.Status)
	e.tags("tags", r.Tags)
	e.json("options", r.Options, len(r.Options) == 0, true)
	e.optStr("template_suffix", r.TemplateSuffix)
	e.time("published_at", r.PublishedAt)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// Variant is a row of the variants table.
type Variant struct {
	Store            string
	GID              string
	ProductGID       string
	Title            string
	SKU              *string
	Barcode          *string
	Price            string // decimal, as Shopify wrote it
	CompareAtPrice   *string
	Position         int
	Options          []SelectedOption
	InventoryItemGID *string
	InventoryPolicy  *string // DENY or CONTINUE
	Taxable          bool
	CreatedAt        *time.Time
	UpdatedAt        *time.Time
	Raw              json.RawMessage
}

// SelectedOption is one entry of variants.options.
type SelectedOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (r *Variant) Resource() events.Resource { return events.Variant }
func (r *Variant) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *Variant) Updated() *time.Time       { return r.UpdatedAt }

func (r *Variant) validate() error {
	if err := checkGID("product_gid", r.ProductGID, "Product"); err != nil {
		return err
	}
	if r.Price == "" {
		return errors.New("no price")
	}
	return nil
}

func (r *Variant) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("product_gid", r.ProductGID)
	e.str("title", r.Title)
	e.optStr("sku", r.SKU)
	e.optStr("barcode", r.Barcode)
	e.dec("price", r.Price)
	e.optDec("compare_at_price", r.CompareAtPrice)
	e.integer("position", r.Position)
	e.json("options", r.Options, len(r.Options) == 0, true)
	e.optStr("inventory_item_gid", r.InventoryItemGID)
	e.optStr("inventory_policy", r.InventoryPolicy)
	e.boolean("taxable", r.Taxable)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// InventoryItem is a row of the inventory_items table.
type InventoryItem struct {
	Store            string
	GID              string
	SKU              *string
	Tracked          bool
	RequiresShipping bool
	UnitCost         *string // decimal
	CreatedAt        *time.Time
	UpdatedAt        *time.Time
	Raw              json.RawMessage
}

func (r *InventoryItem) Resource() events.Resource { return events.InventoryItem }
func (r *InventoryItem) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *InventoryItem) Updated() *time.Time       { return r.UpdatedAt }
func (r *InventoryItem) validate() error           { return nil }

func (r *InventoryItem) encode(e *encoder) {
	e.str("gid", r.GID)
	e.optStr("sku", r.SKU)
	e.boolean("tracked", r.Tracked)
	e.boolean("requires_shipping", r.RequiresShipping)
	e.optDec("unit_cost", r.UnitCost)
	e.stamp("created_at", r.CreatedAt)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}

// InventoryLevel is a row of the inventory_levels table.
type InventoryLevel struct {
	Store            string
	GID              string
	InventoryItemGID string
	LocationGID      string
	Available        *int
	OnHand           *int // nil: unknown (webhooks carry only available)
	UpdatedAt        *time.Time
	Raw              json.RawMessage
}

func (r *InventoryLevel) Resource() events.Resource { return events.InventoryLevel }
func (r *InventoryLevel) Ref() Ref                  { return Ref{r.Store, r.GID} }
func (r *InventoryLevel) Updated() *time.Time       { return r.UpdatedAt }

func (r *InventoryLevel) validate() error {
	return errors.Join(
		checkGID("inventory_item_gid", r.InventoryItemGID, "InventoryItem"),
		checkGID("location_gid", r.LocationGID, "Location"))
}

func (r *InventoryLevel) encode(e *encoder) {
	e.str("gid", r.GID)
	e.str("inventory_item_gid", r.InventoryItemGID)
	e.str("location_gid", r.LocationGID)
	e.optInt("available", r.Available)
	e.partialInt("on_hand", r.OnHand)
	e.raw(r.Raw)
	e.stamp("updated_at", r.UpdatedAt)
}
