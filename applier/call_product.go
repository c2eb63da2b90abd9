package applier

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// The fields a productSet answer selects: those of shopify/client's
// ProductFields, VariantFields and InventoryItemFields fragments, so the
// mirror rows built from the answer hash as the ingest's reads of the same
// product do (a field left out would read as empty and look like a change).
const (
	productSetProductFields = `id legacyResourceId handle title status productType vendor tags descriptionHtml templateSuffix ` +
		`seo { title description } options { id name position values } hasOnlyDefaultVariant tracksInventory totalInventory ` +
		`publishedAt createdAt updatedAt`
	productSetVariantFields = `id legacyResourceId title displayName sku barcode price compareAtPrice position taxable ` +
		`inventoryPolicy inventoryQuantity selectedOptions { name value } ` +
		`inventoryItem { id legacyResourceId sku tracked requiresShipping unitCost { amount currencyCode } createdAt updatedAt } ` +
		`createdAt updatedAt`
	// productSetLevelFields are those of an inventoryActivate answer: a
	// create that stocks its variants (create_stock.go) reads the levels
	// back, one aliased inventoryLevel(locationId:) per location stocked (3
	// points a variant and location, 2 fewer than an inventoryLevels
	// connection), so the mirror holds them in the create's own transaction
	// and the planner plans no stock for them.
	productSetLevelFields = `id createdAt updatedAt location { id } quantities(names: ["available", "on_hand"]) { name quantity updatedAt }`
	// maxAnswerVariants bounds the variants a productSet answer reads back,
	// keeping the call under Shopify's 1,000-point cap (4 points a variant);
	// a product with more is completed in the mirror by its webhooks.
	maxAnswerVariants = 200
)

// productSetCall creates or updates a whole product with productSet: the
// full variant set (productSet deletes the variants it is not given). A
// create is identified by handle, which makes it an upsert: the same create
// sent again updates the product the first one made.
type productSetCall struct {
	store   string
	d       *Delta
	desired productDesired
	create  bool
	// known maps a variant's options (optionsKey) to a destination variant
	// GID found by reading the product before a retried write, so variants
	// an interrupted attempt created keep their ids.
	known map[string]string
	// levels is how many inventory levels per variant the answer reads
	// back (the locations stocked): the packer costs a create as stocking
	// one location; the stock found before sending (create_stock.go) sets
	// the real number, 0 when the create stocks nothing.
	levels int
	// stock is, per desired variant (by index), the quantities the create
	// stocks (inventoryQuantities).
	stock [][]stockQuantity
}

func (c *productSetCall) mutation() string { return "productSet" }
func (c *productSetCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *productSetCall) batchKey() string { return batchKeyOf(c.store, c.mutation(), []*Delta{c.d}) }
func (c *productSetCall) answerVariants() int {
	return max(1, min(len(c.desired.Variants), maxAnswerVariants))
}
func (c *productSetCall) shape() string {
	return "productSet|" + strconv.Itoa(c.answerVariants()) + "|" + strconv.Itoa(c.levels)
}

// optionsKey identifies a variant within its product by its option values.
func optionsKey(opts []selectedOption) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(o.Name + "\x00" + o.Value + "\x01")
	}
	return b.String()
}

func (c *productSetCall) identifier() map[string]any {
	if c.create {
		return map[string]any{"handle": *c.desired.Handle}
	}
	return map[string]any{"id": c.d.targetGID()}
}

func (c *productSetCall) input() map[string]any {
	p := c.desired
	in := map[string]any{}
	setStr := func(k string, v *string) {
		if v != nil {
			in[k] = *v
		}
	}
	setStr("handle", p.Handle)
	setStr("title", p.Title)
	setStr("descriptionHtml", p.DescriptionHTML)
	setStr("vendor", p.Vendor)
	setStr("productType", p.ProductType)
	setStr("status", p.Status)
	if p.Tags != nil {
		in["tags"] = *p.Tags
	}
	if present(p.SEO) && !isNull(p.SEO) {
		var seo struct {
			Title       *string `json:"title"`
			Description *string `json:"description"`
		}
		if json.Unmarshal(p.SEO, &seo) == nil {
			in["seo"] = map[string]any{"title": seo.Title, "description": seo.Description}
		}
	}
	in["productOptions"] = c.options()
	vs := make([]map[string]any, len(p.Variants))
	for i, v := range p.Variants {
		ov := make([]map[string]any, len(v.Options))
		for j, o := range v.Options {
			ov[j] = map[string]any{"optionName": o.Name, "name": o.Value}
		}
		m := map[string]any{"optionValues": ov}
		switch {
		case v.GID != nil && *v.GID != "":
			m["id"] = *v.GID
		case c.known[optionsKey(v.Options)] != "":
			m["id"] = c.known[optionsKey(v.Options)]
		}
		if v.Price != nil {
			m["price"] = *v.Price
		}
		// null clears a value on update; on create there is nothing to clear.
		for k, raw := range map[string]json.RawMessage{"compareAtPrice": v.CompareAtPrice, "sku": v.SKU, "barcode": v.Barcode} {
			if present(raw) && (!isNull(raw) || !c.create) {
				m[k] = raw
			}
		}
		if v.Position != nil {
			m["position"] = *v.Position
		}
		if v.InventoryPolicy != nil {
			m["inventoryPolicy"] = *v.InventoryPolicy
		}
		if v.Taxable != nil {
			m["taxable"] = *v.Taxable
		}
		if i < len(c.stock) && len(c.stock[i]) > 0 {
			qs := make([]map[string]any, len(c.stock[i]))
			for j, q := range c.stock[i] {
				qs[j] = map[string]any{"locationId": q.location, "name": "available", "quantity": q.quantity}
			}
			m["inventoryQuantities"] = qs
		}
		vs[i] = m
	}
	in["variants"] = vs
	return in
}

// options are productSet's productOptions: the desired ones, else (a link
// that does not sync options) the destination's own, else those the
// variants name.
func (c *productSetCall) options() []map[string]any {
	var opts []optionDesired
	switch {
	case c.desired.Options != nil:
		opts = *c.desired.Options
	case len(c.d.TargetOptions) > 0 && json.Unmarshal(c.d.TargetOptions, &opts) == nil && len(opts) > 0:
	default:
		opts = nil
		for _, v := range c.desired.Variants {
			for _, o := range v.Options {
				i := slices.IndexFunc(opts, func(x optionDesired) bool { return x.Name == o.Name })
				if i < 0 {
					opts = append(opts, optionDesired{Name: o.Name, Position: len(opts) + 1})
					i = len(opts) - 1
				}
				if !slices.Contains(opts[i].Values, o.Value) {
					opts[i].Values = append(opts[i].Values, o.Value)
				}
			}
		}
	}
	out := make([]map[string]any, len(opts))
	for i, o := range opts {
		vals := make([]map[string]any, len(o.Values))
		for j, v := range o.Values {
			vals[j] = map[string]any{"name": v}
		}
		m := map[string]any{"name": o.Name, "values": vals}
		if o.Position > 0 {
			m["position"] = o.Position
		}
		out[i] = m
	}
	return out
}

func (c *productSetCall) write(b *docBuilder, a string) {
	in := b.variable("in"+a, "ProductSetInput!", c.input())
	id := b.variable("id"+a, "ProductSetIdentifiers", c.identifier())
	fields := productSetVariantFields
	if c.levels > 0 {
		// Inside the variant's inventoryItem selection (its closing brace is
		// the one before the variant's own createdAt).
		var sel strings.Builder
		for j, loc := range c.stockLocations() {
			v := b.variable("loc"+a+"_"+strconv.Itoa(j), "ID!", loc)
			sel.WriteString(levelAlias(j) + ": inventoryLevel(locationId: " + v + ") { " + productSetLevelFields + " } ")
		}
		cut := strings.LastIndex(fields, "} createdAt updatedAt")
		fields = fields[:cut] + sel.String() + fields[cut:]
	}
	b.field(a + ": productSet(input: " + in + ", identifier: " + id + ", synchronous: true) { product { " +
		productSetProductFields + " variants(first: " + strconv.Itoa(c.answerVariants()) + ") { nodes { " +
		fields + " } pageInfo { hasNextPage } } } userErrors { field message code } }")
}

func (c *productSetCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Product    json.RawMessage `json:"product"`
		UserErrors []userError     `json:"userErrors"`
	}
	after := c.after()
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	if len(p.UserErrors) > 0 {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors), after: after})
		return
	}
	if len(p.Product) == 0 || isNull(p.Product) {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without product", after: after})
		return
	}
	var prod struct {
		ID       string `json:"id"`
		Variants struct {
			Nodes []struct {
				ID              string           `json:"id"`
				SelectedOptions []selectedOption `json:"selectedOptions"`
				InventoryItem   *struct {
					ID string `json:"id"`
				} `json:"inventoryItem"`
			} `json:"nodes"`
		} `json:"variants"`
	}
	if err := json.Unmarshal(p.Product, &prod); err != nil || prod.ID == "" {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without product id", after: after})
		return
	}
	if b, err := mirror.FromGraphQL(c.store, c.withLevels(p.Product)); err == nil {
		r.batch.Add(b)
	}
	key := c.batchKey()
	if sg := c.d.sourceGID(); sg != "" {
		r.pairs = append(r.pairs, idPair{linkID: c.d.LinkID, resource: "product", sourceGID: sg, destinationGID: prod.ID})
	}
	r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "product", gid: prod.ID, key: key})
	byOptions := map[string]string{}
	items := map[string]string{} // options → the variant's inventory item
	for _, n := range prod.Variants.Nodes {
		byOptions[optionsKey(n.SelectedOptions)] = n.ID
		if n.InventoryItem != nil {
			items[optionsKey(n.SelectedOptions)] = n.InventoryItem.ID
		}
		r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "variant", gid: n.ID, key: key})
	}
	for i, v := range c.desired.Variants {
		if dv := byOptions[optionsKey(v.Options)]; dv != "" && v.SourceGID != "" {
			r.pairs = append(r.pairs, idPair{linkID: c.d.LinkID, resource: "variant", sourceGID: v.SourceGID, destinationGID: dv})
		}
		item := items[optionsKey(v.Options)]
		if i >= len(c.stock) || item == "" {
			continue
		}
		for _, q := range c.stock[i] {
			r.stocked = append(r.stocked, stockedLevel{linkID: c.d.LinkID, sourceItem: q.sourceItem, item: item, location: q.location, quantity: q.quantity})
			r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "inventory_level", gid: item, location: q.location, quantity: &q.quantity, key: key})
		}
	}
	r.set(c.d, deltaResult{verdict: applied, targetGID: prod.ID, after: after})
}

// levelAlias names the j-th level a create's answer reads per variant.
func levelAlias(j int) string { return "shopsyncLevel" + strconv.Itoa(j) }

// placeholderLocation stands for a location not known yet when a create is
// costed before its stock is (the cost does not depend on the id).
const placeholderLocation = "gid://shopify/Location/0"

// stockLocations are the destination locations the create stocks, sorted,
// padded to levels while the stock is not known yet.
func (c *productSetCall) stockLocations() []string {
	var locs []string
	for _, qs := range c.stock {
		for _, q := range qs {
			if !slices.Contains(locs, q.location) {
				locs = append(locs, q.location)
			}
		}
	}
	slices.Sort(locs)
	for len(locs) < c.levels {
		locs = append(locs, placeholderLocation)
	}
	return locs
}

// withLevels returns the answer's product with each variant's aliased
// levels as the inventoryLevels the mirror reads (without pageInfo: not
// known to be all of the item's levels, so none is tombstoned).
func (c *productSetCall) withLevels(product json.RawMessage) json.RawMessage {
	if c.levels == 0 {
		return product
	}
	var p map[string]json.RawMessage
	var vs map[string]json.RawMessage
	var nodes []map[string]json.RawMessage
	if json.Unmarshal(product, &p) != nil || json.Unmarshal(p["variants"], &vs) != nil || json.Unmarshal(vs["nodes"], &nodes) != nil {
		return product
	}
	for _, n := range nodes {
		var item map[string]json.RawMessage
		if json.Unmarshal(n["inventoryItem"], &item) != nil || item == nil {
			continue
		}
		levels := []json.RawMessage{}
		for j := range c.levels {
			if l, ok := item[levelAlias(j)]; ok {
				if !isNull(l) {
					levels = append(levels, l)
				}
				delete(item, levelAlias(j))
			}
		}
		item["inventoryLevels"], _ = json.Marshal(map[string]any{"nodes": levels})
		n["inventoryItem"], _ = json.Marshal(item)
	}
	var err error
	if vs["nodes"], err = json.Marshal(nodes); err != nil {
		return product
	}
	if p["variants"], err = json.Marshal(vs); err != nil {
		return product
	}
	out, err := json.Marshal(p)
	if err != nil {
		return product
	}
	return out
}

// after is what the call writes, for the audit: the desired product and
// the stock a create carries.
func (c *productSetCall) after() json.RawMessage {
	b, _ := json.Marshal(c.desired)
	if len(c.stock) == 0 {
		return b
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	var stock []map[string]any
	for i, qs := range c.stock {
		for _, q := range qs {
			stock = append(stock, map[string]any{"variant_source_gid": c.desired.Variants[i].SourceGID,
				"location_gid": q.location, "available": q.quantity})
		}
	}
	m["stock"] = stock
	if out, err := json.Marshal(m); err == nil {
		return out
	}
	return b
}

// productStatusCall carries out archive (status ARCHIVED) and unpublish
// (status DRAFT: hidden from every sales channel) with productUpdate, which
// leaves the variants alone.
type productStatusCall struct {
	store  string
	d      *Delta
	status string
}

func (c *productStatusCall) mutation() string { return "productUpdate" }
func (c *productStatusCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *productStatusCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}
func (c *productStatusCall) shape() string { return "productUpdate" }

func (c *productStatusCall) write(b *docBuilder, a string) {
	p := b.variable("p"+a, "ProductUpdateInput!", map[string]any{"id": c.d.targetGID(), "status": c.status})
	b.field(a + ": productUpdate(product: " + p + ") { product { id status updatedAt } userErrors { field message } }")
}

func (c *productStatusCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Product *struct {
			ID        string `json:"id"`
			Status    string `json:"status"`
			UpdatedAt string `json:"updatedAt"`
		} `json:"product"`
		UserErrors []userError `json:"userErrors"`
	}
	after, _ := json.Marshal(map[string]any{"status": c.status})
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	if len(p.UserErrors) > 0 {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors), after: after})
		return
	}
	if p.Product == nil {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without product", after: after})
		return
	}
	r.statusPatches = append(r.statusPatches, statusPatch{gid: p.Product.ID, status: p.Product.Status, updatedAt: parseTime(p.Product.UpdatedAt)})
	r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "product", gid: p.Product.ID, key: c.batchKey()})
	r.set(c.d, deltaResult{verdict: applied, targetGID: p.Product.ID, after: after})
}

// productDeleteCall deletes a product (delete policy delete).
type productDeleteCall struct {
	store string
	d     *Delta
}

func (c *productDeleteCall) mutation() string { return "productDelete" }
func (c *productDeleteCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *productDeleteCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}
func (c *productDeleteCall) shape() string { return "productDelete" }

func (c *productDeleteCall) write(b *docBuilder, a string) {
	p := b.variable("p"+a, "ProductDeleteInput!", map[string]any{"id": c.d.targetGID()})
	b.field(a + ": productDelete(input: " + p + ", synchronous: true) { deletedProductId userErrors { field message } }")
}

func (c *productDeleteCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Deleted    *string     `json:"deletedProductId"`
		UserErrors []userError `json:"userErrors"`
	}
	after := json.RawMessage("{}")
	if err := json.Unmarshal(payload, &p); err != nil {
		r.set(c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	gone := false
	for _, u := range p.UserErrors {
		// A delete retried after its first attempt went through.
		gone = gone || strings.Contains(strings.ToLower(u.Message), "does not exist")
	}
	if len(p.UserErrors) > 0 && !gone {
		r.set(c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors), after: after})
		return
	}
	now := time.Now().UTC()
	r.batch.Deletions = append(r.batch.Deletions, mirror.Deletion{Store: c.store, Resource: events.Product, GID: c.d.targetGID(), At: &now})
	r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "product", gid: c.d.targetGID(), key: c.batchKey()})
	r.set(c.d, deltaResult{verdict: applied, targetGID: c.d.targetGID(), after: after})
}
