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
}

func (c *productSetCall) mutation() string { return "productSet" }
func (c *productSetCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *productSetCall) batchKey() string { return batchKeyOf(c.store, c.mutation(), []*Delta{c.d}) }
func (c *productSetCall) answerVariants() int {
	return max(1, min(len(c.desired.Variants), maxAnswerVariants))
}
func (c *productSetCall) shape() string { return "productSet|" + strconv.Itoa(c.answerVariants()) }

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
	b.field(a + ": productSet(input: " + in + ", identifier: " + id + ", synchronous: true) { product { " +
		productSetProductFields + " variants(first: " + strconv.Itoa(c.answerVariants()) + ") { nodes { " +
		productSetVariantFields + " } pageInfo { hasNextPage } } } userErrors { field message code } }")
}

func (c *productSetCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Product    json.RawMessage `json:"product"`
		UserErrors []userError     `json:"userErrors"`
	}
	after, _ := json.Marshal(c.desired)
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
			} `json:"nodes"`
		} `json:"variants"`
	}
	if err := json.Unmarshal(p.Product, &prod); err != nil || prod.ID == "" {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without product id", after: after})
		return
	}
	if b, err := mirror.FromGraphQL(c.store, p.Product); err == nil {
		r.batch.Add(b)
	}
	key := c.batchKey()
	if sg := c.d.sourceGID(); sg != "" {
		r.pairs = append(r.pairs, idPair{linkID: c.d.LinkID, resource: "product", sourceGID: sg, destinationGID: prod.ID})
	}
	r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "product", gid: prod.ID, key: key})
	byOptions := map[string]string{}
	for _, n := range prod.Variants.Nodes {
		byOptions[optionsKey(n.SelectedOptions)] = n.ID
		r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "variant", gid: n.ID, key: key})
	}
	for _, v := range c.desired.Variants {
		if dv := byOptions[optionsKey(v.Options)]; dv != "" && v.SourceGID != "" {
			r.pairs = append(r.pairs, idPair{linkID: c.d.LinkID, resource: "variant", sourceGID: v.SourceGID, destinationGID: dv})
		}
	}
	r.set(c.d, deltaResult{verdict: applied, targetGID: prod.ID, after: after})
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
