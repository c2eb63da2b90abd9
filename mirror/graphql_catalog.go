package mirror

import (
	"encoding/json"

	"github.com/shopsync/shopsync/schema/events"
)

func (c *gqlConv) location() (Batch, error) {
	var o struct {
		ID                   string  `json:"id"`
		Name                 string  `json:"name"`
		IsActive             *bool   `json:"isActive"`
		FulfillsOnlineOrders *bool   `json:"fulfillsOnlineOrders"`
		UpdatedAt            *string `json:"updatedAt"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	var tp timeParser
	r := &Location{Store: c.store, GID: o.ID, Name: o.Name, IsActive: o.IsActive == nil || *o.IsActive,
		FulfillsOnlineOrders: o.FulfillsOnlineOrders, UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: c.raw}
	return Batch{Rows: []Row{r}}, tp.err
}

type gqlOption struct {
	Name         string   `json:"name"`
	Position     int      `json:"position"`
	Values       []string `json:"values"`
	OptionValues []struct {
		Name string `json:"name"`
	} `json:"optionValues"`
}

func productOptions(in []gqlOption) []ProductOption {
	out := make([]ProductOption, len(in))
	for i, o := range in {
		values := o.Values
		if len(values) == 0 {
			for _, v := range o.OptionValues {
				values = append(values, v.Name)
			}
		}
		if values == nil {
			values = []string{}
		}
		pos := o.Position
		if pos == 0 {
			pos = i + 1
		}
		out[i] = ProductOption{Name: o.Name, Position: pos, Values: values}
	}
	return out
}

func (c *gqlConv) product() (Batch, error) {
	var o struct {
		ID              string      `json:"id"`
		Handle          string      `json:"handle"`
		Title           string      `json:"title"`
		DescriptionHTML string      `json:"descriptionHtml"`
		Vendor          string      `json:"vendor"`
		ProductType     string      `json:"productType"`
		Status          string      `json:"status"`
		Tags            []string    `json:"tags"`
		Options         []gqlOption `json:"options"`
		TemplateSuffix  *string     `json:"templateSuffix"`
		PublishedAt     *string     `json:"publishedAt"`
		CreatedAt       *string     `json:"createdAt"`
		UpdatedAt       *string     `json:"updatedAt"`
		Variants        *gqlConn    `json:"variants"`
	}
	if err := json.Unmarshal(c.raw, &o); err != nil {
		return Batch{}, err
	}
	raw, err := withoutKeys(c.raw, o.Variants != nil, "variants")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	p := &Product{
		Store: c.store, GID: o.ID, Handle: o.Handle, Title: o.Title, DescriptionHTML: o.DescriptionHTML,
		Vendor: o.Vendor, ProductType: o.ProductType, Status: upper(o.Status), Tags: o.Tags,
		Options: productOptions(o.Options), TemplateSuffix: emptyToNil(o.TemplateSuffix),
		PublishedAt: tp.at("publishedAt", o.PublishedAt), CreatedAt: tp.at("createdAt", o.CreatedAt),
		UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: raw,
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	b := Batch{Rows: []Row{p}}
	var keep []string
	for _, v := range o.Variants.items() {
		vb, err := c.variant(v, o.ID)
		if err != nil {
			return Batch{}, err
		}
		b.Add(vb)
		keep = append(keep, vb.Rows[0].Ref().GID)
	}
	if o.Variants.complete() {
		b.ChildSets = append(b.ChildSets, ChildSet{Store: c.store, Parent: p.Ref(), ParentResource: events.Product,
			Child: events.Variant, Keep: keep, At: p.UpdatedAt})
	}
	return b, nil
}

// variant converts a variant; productGID is its product when read nested
// (or the line's __parentId in bulk).
func (c *gqlConv) variant(raw []byte, productGID string) (Batch, error) {
	var o struct {
		ID              string           `json:"id"`
		Title           string           `json:"title"`
		SKU             *string          `json:"sku"`
		Barcode         *string          `json:"barcode"`
		Price           number           `json:"price"`
		CompareAtPrice  number           `json:"compareAtPrice"`
		Position        int              `json:"position"`
		Taxable         *bool            `json:"taxable"`
		InventoryPolicy *string          `json:"inventoryPolicy"`
		SelectedOptions []SelectedOption `json:"selectedOptions"`
		InventoryItem   json.RawMessage  `json:"inventoryItem"`
		Product         *node            `json:"product"`
		CreatedAt       *string          `json:"createdAt"`
		UpdatedAt       *string          `json:"updatedAt"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return Batch{}, err
	}
	if p := o.Product.gid(); p != nil {
		productGID = *p
	}
	if productGID == "" {
		return Batch{}, errNoParent
	}
	var tp timeParser
	v := &Variant{
		Store: c.store, GID: o.ID, ProductGID: productGID, Title: o.Title,
		SKU: emptyToNil(o.SKU), Barcode: emptyToNil(o.Barcode),
		Price: string(o.Price), CompareAtPrice: o.CompareAtPrice.ptr(), Position: o.Position,
		Options: o.SelectedOptions, InventoryPolicy: optUpper(o.InventoryPolicy),
		Taxable:   o.Taxable == nil || *o.Taxable,
		CreatedAt: tp.at("createdAt", o.CreatedAt), UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: raw,
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	b := Batch{Rows: []Row{v}}
	if len(o.InventoryItem) > 0 && string(o.InventoryItem) != "null" {
		// Decoded once, for the variant's reference and the item's row.
		var item gqlInventoryItem
		if err := json.Unmarshal(o.InventoryItem, &item); err != nil {
			return Batch{}, err
		}
		if item.ID != "" {
			v.InventoryItemGID = &item.ID
		}
		if item.Tracked != nil { // the whole item was read, not just its id
			ib, err := c.inventoryItemFrom(o.InventoryItem, &item)
			if err != nil {
				return Batch{}, err
			}
			b.Add(ib)
		}
	}
	return b, nil
}

// gqlInventoryItem is an InventoryItem as the client's fragment reads it.
type gqlInventoryItem struct {
	ID               string  `json:"id"`
	SKU              *string `json:"sku"`
	Tracked          *bool   `json:"tracked"`
	RequiresShipping *bool   `json:"requiresShipping"`
	UnitCost         *struct {
		Amount number `json:"amount"`
	} `json:"unitCost"`
	CreatedAt       *string  `json:"createdAt"`
	UpdatedAt       *string  `json:"updatedAt"`
	InventoryLevels *gqlConn `json:"inventoryLevels"`
}

func (c *gqlConv) inventoryItem(raw []byte) (Batch, error) {
	var o gqlInventoryItem
	if err := json.Unmarshal(raw, &o); err != nil {
		return Batch{}, err
	}
	return c.inventoryItemFrom(raw, &o)
}

// inventoryItemFrom builds an item's rows from raw, already decoded into o.
func (c *gqlConv) inventoryItemFrom(raw []byte, o *gqlInventoryItem) (Batch, error) {
	stripped, err := withoutKeys(raw, o.InventoryLevels != nil, "inventoryLevels")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	it := &InventoryItem{
		Store: c.store, GID: o.ID, SKU: emptyToNil(o.SKU),
		Tracked: o.Tracked == nil || *o.Tracked, RequiresShipping: o.RequiresShipping == nil || *o.RequiresShipping,
		CreatedAt: tp.at("createdAt", o.CreatedAt), UpdatedAt: tp.at("updatedAt", o.UpdatedAt), Raw: stripped,
	}
	if o.UnitCost != nil {
		it.UnitCost = o.UnitCost.Amount.ptr()
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	b := Batch{Rows: []Row{it}}
	var keep []string
	for _, l := range o.InventoryLevels.items() {
		lb, err := c.inventoryLevel(l, o.ID)
		if err != nil {
			return Batch{}, err
		}
		b.Add(lb)
		keep = append(keep, lb.Rows[0].Ref().GID)
	}
	if o.InventoryLevels.complete() {
		b.ChildSets = append(b.ChildSets, ChildSet{Store: c.store, Parent: it.Ref(), ParentResource: events.InventoryItem,
			Child: events.InventoryLevel, Keep: keep, At: it.UpdatedAt})
	}
	return b, nil
}

// inventoryLevel converts a level; parent is the node it was read under (an
// inventory item or a location), which supplies the side the level itself
// does not name.
func (c *gqlConv) inventoryLevel(raw []byte, parent string) (Batch, error) {
	var o struct {
		ID         string `json:"id"`
		Item       *node  `json:"item"`
		Location   *node  `json:"location"`
		Quantities []struct {
			Name     string `json:"name"`
			Quantity int    `json:"quantity"`
		} `json:"quantities"`
		UpdatedAt *string `json:"updatedAt"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return Batch{}, err
	}
	l := &InventoryLevel{Store: c.store, GID: o.ID, Raw: raw}
	if g := o.Item.gid(); g != nil {
		l.InventoryItemGID = *g
	} else if gidType(parent) == "InventoryItem" {
		l.InventoryItemGID = parent
	}
	if g := o.Location.gid(); g != nil {
		l.LocationGID = *g
	} else if gidType(parent) == "Location" {
		l.LocationGID = parent
	}
	if l.InventoryItemGID == "" || l.LocationGID == "" {
		return Batch{}, errNoParent
	}
	for _, q := range o.Quantities {
		switch q.Name {
		case "available":
			l.Available = &q.Quantity
		case "on_hand":
			l.OnHand = &q.Quantity
		}
	}
	var tp timeParser
	l.UpdatedAt = tp.at("updatedAt", o.UpdatedAt)
	return Batch{Rows: []Row{l}}, tp.err
}
