package mirror

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/shopsync/shopsync/schema/events"
)

type restProductPayload struct {
	restRef
	Title          string            `json:"title"`
	Handle         string            `json:"handle"`
	BodyHTML       *string           `json:"body_html"`
	Vendor         string            `json:"vendor"`
	ProductType    string            `json:"product_type"`
	Status         string            `json:"status"`
	Tags           string            `json:"tags"`
	TemplateSuffix *string           `json:"template_suffix"`
	PublishedAt    *string           `json:"published_at"`
	CreatedAt      *string           `json:"created_at"`
	UpdatedAt      *string           `json:"updated_at"`
	Options        []gqlOption       `json:"options"`
	Variants       []json.RawMessage `json:"variants"`
	VariantGIDs    []struct {
		APIID string `json:"admin_graphql_api_id"`
	} `json:"variant_gids"`
}

func restProduct(store string, payload []byte) (Batch, error) {
	var o restProductPayload
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	gid, err := o.gid("Product")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	p := &Product{
		Store: store, GID: gid, Handle: o.Handle, Title: o.Title, Vendor: o.Vendor, ProductType: o.ProductType,
		Status: upper(o.Status), Tags: splitTags(o.Tags), Options: productOptions(o.Options),
		TemplateSuffix: emptyToNil(o.TemplateSuffix),
		PublishedAt:    tp.at("published_at", o.PublishedAt), CreatedAt: tp.at("created_at", o.CreatedAt),
		UpdatedAt: tp.at("updated_at", o.UpdatedAt),
	}
	if o.BodyHTML != nil {
		p.DescriptionHTML = *o.BodyHTML
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	if p.Raw, err = gqlRaw("id", p.GID, "handle", p.Handle, "title", p.Title, "descriptionHtml", p.DescriptionHTML,
		"vendor", p.Vendor, "productType", p.ProductType, "status", p.Status, "tags", p.Tags, "options", p.Options,
		"templateSuffix", p.TemplateSuffix, "publishedAt", p.PublishedAt, "createdAt", p.CreatedAt,
		"updatedAt", p.UpdatedAt); err != nil {
		return Batch{}, err
	}
	b := Batch{Rows: []Row{p}}
	var listed []string
	for _, raw := range o.Variants {
		v, err := restVariant(store, raw, p)
		if err != nil {
			return Batch{}, err
		}
		b.Rows = append(b.Rows, v)
		listed = append(listed, v.GID)
	}
	// variant_gids lists every variant; without it the full variants are
	// the whole list only when fewer than the payload's cap of 100.
	keep := listed
	complete := len(o.Variants) < 100
	if o.VariantGIDs != nil {
		keep, complete = nil, true
		for _, g := range o.VariantGIDs {
			keep = append(keep, g.APIID)
		}
	}
	if complete {
		b.ChildSets = append(b.ChildSets, ChildSet{Store: store, Parent: p.Ref(), ParentResource: events.Product,
			Child: events.Variant, Keep: keep, At: p.UpdatedAt})
	}
	return b, nil
}

func restVariant(store string, raw []byte, p *Product) (*Variant, error) {
	var o struct {
		restRef
		ProductID       restID  `json:"product_id"`
		Title           string  `json:"title"`
		SKU             *string `json:"sku"`
		Barcode         *string `json:"barcode"`
		Price           number  `json:"price"`
		CompareAtPrice  number  `json:"compare_at_price"`
		Position        int     `json:"position"`
		InventoryPolicy *string `json:"inventory_policy"`
		Taxable         *bool   `json:"taxable"`
		InventoryItemID restID  `json:"inventory_item_id"`
		Option1         *string `json:"option1"`
		Option2         *string `json:"option2"`
		Option3         *string `json:"option3"`
		CreatedAt       *string `json:"created_at"`
		UpdatedAt       *string `json:"updated_at"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	gid, err := o.gid("ProductVariant")
	if err != nil {
		return nil, err
	}
	// REST has option1..3 in the product's option order; GraphQL names them.
	var opts []SelectedOption
	for i, val := range []*string{o.Option1, o.Option2, o.Option3} {
		if val != nil && i < len(p.Options) {
			opts = append(opts, SelectedOption{Name: p.Options[i].Name, Value: *val})
		}
	}
	var tp timeParser
	v := &Variant{
		Store: store, GID: gid, ProductGID: p.GID, Title: o.Title, SKU: emptyToNil(o.SKU), Barcode: emptyToNil(o.Barcode),
		Price: string(o.Price), CompareAtPrice: o.CompareAtPrice.ptr(), Position: o.Position, Options: opts,
		InventoryItemGID: o.InventoryItemID.gid("InventoryItem"), InventoryPolicy: optUpper(o.InventoryPolicy),
		Taxable:   o.Taxable == nil || *o.Taxable,
		CreatedAt: tp.at("created_at", o.CreatedAt), UpdatedAt: tp.at("updated_at", o.UpdatedAt),
	}
	if tp.err != nil {
		return nil, tp.err
	}
	var item any
	if v.InventoryItemGID != nil {
		item = map[string]string{"id": *v.InventoryItemGID}
	}
	if v.Raw, err = gqlRaw("id", v.GID, "title", v.Title, "sku", v.SKU, "barcode", v.Barcode, "price", v.Price,
		"compareAtPrice", v.CompareAtPrice, "position", v.Position, "selectedOptions", v.Options,
		"inventoryItem", item, "inventoryPolicy", v.InventoryPolicy, "taxable", v.Taxable,
		"createdAt", v.CreatedAt, "updatedAt", v.UpdatedAt); err != nil {
		return nil, err
	}
	return v, nil
}

func restInventoryItem(store string, payload []byte) (Batch, error) {
	var o struct {
		restRef
		SKU              *string `json:"sku"`
		Tracked          *bool   `json:"tracked"`
		RequiresShipping *bool   `json:"requires_shipping"`
		Cost             number  `json:"cost"`
		CreatedAt        *string `json:"created_at"`
		UpdatedAt        *string `json:"updated_at"`
	}
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	gid, err := o.gid("InventoryItem")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	it := &InventoryItem{
		Store: store, GID: gid, SKU: emptyToNil(o.SKU), Tracked: o.Tracked == nil || *o.Tracked,
		RequiresShipping: o.RequiresShipping == nil || *o.RequiresShipping, UnitCost: o.Cost.ptr(),
		CreatedAt: tp.at("created_at", o.CreatedAt), UpdatedAt: tp.at("updated_at", o.UpdatedAt),
	}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	var cost any
	if it.UnitCost != nil {
		cost = map[string]string{"amount": *it.UnitCost}
	}
	if it.Raw, err = gqlRaw("id", it.GID, "sku", it.SKU, "tracked", it.Tracked, "requiresShipping", it.RequiresShipping,
		"unitCost", cost, "createdAt", it.CreatedAt, "updatedAt", it.UpdatedAt); err != nil {
		return Batch{}, err
	}
	return Batch{Rows: []Row{it}}, nil
}

type restLevelPayload struct {
	InventoryItemID restID  `json:"inventory_item_id"`
	LocationID      restID  `json:"location_id"`
	Available       *int    `json:"available"`
	UpdatedAt       *string `json:"updated_at"`
	APIID           string  `json:"admin_graphql_api_id"`
}

func restInventoryLevel(store string, payload []byte) (Batch, error) {
	var o restLevelPayload
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	item, loc := o.InventoryItemID.gid("InventoryItem"), o.LocationID.gid("Location")
	if o.APIID == "" || item == nil || loc == nil {
		// The level's GID is opaque (FACTS.md: not always the location id):
		// it cannot be built from the ids.
		return Batch{}, errors.New("an inventory level needs admin_graphql_api_id, inventory_item_id and location_id")
	}
	var tp timeParser
	l := &InventoryLevel{Store: store, GID: o.APIID, InventoryItemGID: *item, LocationGID: *loc,
		Available: o.Available, UpdatedAt: tp.at("updated_at", o.UpdatedAt)}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	var quantities []map[string]any
	if l.Available != nil {
		quantities = append(quantities, map[string]any{"name": "available", "quantity": *l.Available})
	}
	var err error
	if l.Raw, err = gqlRaw("id", l.GID, "item", map[string]string{"id": *item}, "location", map[string]string{"id": *loc},
		"quantities", quantities, "updatedAt", l.UpdatedAt); err != nil {
		return Batch{}, err
	}
	return Batch{Rows: []Row{l}}, nil
}

func restLevelDisconnect(store string, payload []byte, at *time.Time) (Batch, error) {
	var o restLevelPayload
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	item, loc := o.InventoryItemID.gid("InventoryItem"), o.LocationID.gid("Location")
	if item == nil || loc == nil {
		return Batch{}, errors.New("no inventory_item_id or location_id")
	}
	return Batch{Deletions: []Deletion{{Store: store, Resource: events.InventoryLevel, GID: o.APIID,
		InventoryItemGID: *item, LocationGID: *loc, At: at}}}, nil
}

func restLocation(store string, payload []byte) (Batch, error) {
	var o struct {
		restRef
		Name      string  `json:"name"`
		Active    *bool   `json:"active"`
		UpdatedAt *string `json:"updated_at"`
	}
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	gid, err := o.gid("Location")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	l := &Location{Store: store, GID: gid, Name: o.Name, IsActive: o.Active == nil || *o.Active,
		UpdatedAt: tp.at("updated_at", o.UpdatedAt)}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	if l.Raw, err = gqlRaw("id", l.GID, "name", l.Name, "isActive", l.IsActive, "updatedAt", l.UpdatedAt); err != nil {
		return Batch{}, err
	}
	return Batch{Rows: []Row{l}}, nil
}

func restCollection(store string, payload []byte) (Batch, error) {
	var o struct {
		restRef
		Handle         string  `json:"handle"`
		Title          string  `json:"title"`
		BodyHTML       *string `json:"body_html"`
		SortOrder      *string `json:"sort_order"`
		TemplateSuffix *string `json:"template_suffix"`
		UpdatedAt      *string `json:"updated_at"`
		Rules          []Rule  `json:"rules"`
		Disjunctive    bool    `json:"disjunctive"`
	}
	if err := json.Unmarshal(payload, &o); err != nil {
		return Batch{}, err
	}
	gid, err := o.gid("Collection")
	if err != nil {
		return Batch{}, err
	}
	var tp timeParser
	c := &Collection{Store: store, GID: gid, Handle: o.Handle, Title: o.Title, SortOrder: optUpper(o.SortOrder),
		TemplateSuffix: emptyToNil(o.TemplateSuffix), UpdatedAt: tp.at("updated_at", o.UpdatedAt)}
	if tp.err != nil {
		return Batch{}, tp.err
	}
	if o.BodyHTML != nil {
		c.DescriptionHTML = *o.BodyHTML
	}
	// A smart collection's payload has rules; a custom one's has none.
	if o.Rules != nil {
		c.Rules = normaliseRules(o.Disjunctive, o.Rules)
	}
	if c.Raw, err = gqlRaw("id", c.GID, "handle", c.Handle, "title", c.Title, "descriptionHtml", c.DescriptionHTML,
		"sortOrder", c.SortOrder, "templateSuffix", c.TemplateSuffix, "ruleSet", c.Rules, "updatedAt", c.UpdatedAt); err != nil {
		return Batch{}, err
	}
	return Batch{Rows: []Row{c}}, nil
}
