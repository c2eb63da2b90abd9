package applier

import "encoding/json"

// variantPricesCall writes new prices to variants of one product with
// productVariantsBulkUpdate (all of the product's repriced variants in one
// call, or one variant per call for the unpacked baseline).
type variantPricesCall struct {
	store      string
	d          *Delta
	productGID string
	variants   []priceVariant
}

type priceVariant struct {
	GID            string
	Price          *string
	CompareAtPrice json.RawMessage // a string, null, or absent (left alone)
}

func (c *variantPricesCall) mutation() string { return "productVariantsBulkUpdate" }
func (c *variantPricesCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *variantPricesCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}
func (c *variantPricesCall) shape() string { return "productVariantsBulkUpdate" }

func (c *variantPricesCall) write(b *docBuilder, a string) {
	vs := make([]map[string]any, len(c.variants))
	for i, v := range c.variants {
		m := map[string]any{"id": v.GID}
		if v.Price != nil {
			m["price"] = *v.Price
		}
		if present(v.CompareAtPrice) {
			m["compareAtPrice"] = v.CompareAtPrice // null clears it
		}
		vs[i] = m
	}
	p := b.variable("p"+a, "ID!", c.productGID)
	v := b.variable("v"+a, "[ProductVariantsBulkInput!]!", vs)
	b.field(a + ": productVariantsBulkUpdate(productId: " + p + ", variants: " + v + ") " +
		"{ productVariants { id price compareAtPrice updatedAt } userErrors { field message code } }")
}

func (c *variantPricesCall) after() json.RawMessage {
	vs := make([]map[string]any, len(c.variants))
	for i, v := range c.variants {
		m := map[string]any{"gid": v.GID}
		if v.Price != nil {
			m["price"] = *v.Price
		}
		if present(v.CompareAtPrice) {
			m["compare_at_price"] = v.CompareAtPrice
		}
		vs[i] = m
	}
	b, _ := json.Marshal(map[string]any{"product_gid": c.productGID, "variants": vs})
	return b
}

func (c *variantPricesCall) settle(payload json.RawMessage, r *result) {
	var p struct {
		Variants []struct {
			ID             string          `json:"id"`
			Price          *string         `json:"price"`
			CompareAtPrice json.RawMessage `json:"compareAtPrice"`
			UpdatedAt      string          `json:"updatedAt"`
		} `json:"productVariants"`
		UserErrors []userError `json:"userErrors"`
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
	if len(p.Variants) == 0 {
		r.set(c.d, deltaResult{verdict: retry, err: "answer without productVariants", after: after})
		return
	}
	for _, v := range p.Variants {
		ca := v.CompareAtPrice
		if len(ca) == 0 {
			ca = json.RawMessage("null")
		}
		r.variantPatches = append(r.variantPatches, variantPatch{productGID: c.productGID, gid: v.ID,
			price: v.Price, compareAtPrice: ca, updatedAt: parseTime(v.UpdatedAt)})
		r.echoes = append(r.echoes, echo{deltaID: c.d.ID, resource: "variant", gid: v.ID, key: c.batchKey()})
	}
	r.set(c.d, deltaResult{verdict: applied, targetGID: c.productGID, after: after})
}
