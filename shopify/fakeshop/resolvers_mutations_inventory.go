package fakeshop

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

func init() {
	register("Mutation", map[string]FieldFunc{
		"inventorySetQuantities":    idempotentMutation(inventorySetQuantities, "InventorySetQuantitiesPayload", "InventorySetQuantitiesUserError"),
		"inventoryAdjustQuantities": idempotentMutation(inventoryAdjustQuantities, "InventoryAdjustQuantitiesPayload", "InventoryAdjustQuantitiesUserError"),
		"inventoryActivate":         idempotentMutation(inventoryActivate, "InventoryActivatePayload", "UserError"),
	})

	register("InventoryAdjustmentGroup", map[string]FieldFunc{
		"id":                   field(func(g *adjustmentGroup) any { return gidOf("InventoryAdjustmentGroup", g.id) }),
		"createdAt":            field(func(g *adjustmentGroup) any { return g.createdAt }),
		"reason":               field(func(g *adjustmentGroup) any { return g.reason }),
		"referenceDocumentUri": field(func(g *adjustmentGroup) any { return g.referenceDocumentURI }),
		"changes": fieldCtx(func(_ *ResolveContext, g *adjustmentGroup, args map[string]any) (any, error) {
			in := inputArgs(args)
			items, err := in.ids("inventoryItemIds", "InventoryItem")
			if err != nil {
				return nil, err
			}
			locations, err := in.ids("locationIds", "Location")
			if err != nil {
				return nil, err
			}
			names := in.strs("quantityNames")
			out := []*QuantityChange{}
			for i := range g.changes {
				c := &g.changes[i]
				if (in["inventoryItemIds"] != nil && !slices.Contains(items, c.ItemID)) ||
					(in["locationIds"] != nil && !slices.Contains(locations, c.LocationID)) ||
					(names != nil && !slices.Contains(*names, c.Name)) {
					continue
				}
				out = append(out, c)
			}
			return out, nil
		}),
	})

	register("InventoryChange", map[string]FieldFunc{
		"delta":               field(func(c *QuantityChange) any { return c.Delta }),
		"name":                field(func(c *QuantityChange) any { return c.Name }),
		"quantityAfterChange": field(func(c *QuantityChange) any { return c.QuantityAfter }),
		"ledgerDocumentUri":   field(func(c *QuantityChange) any { return c.LedgerDocumentURI }),
		"item": fieldCtx(func(rc *ResolveContext, c *QuantityChange, _ map[string]any) (any, error) {
			return rc.Shop.InventoryItem(c.ItemID), nil
		}),
		"location": fieldCtx(func(rc *ResolveContext, c *QuantityChange, _ map[string]any) (any, error) {
			return rc.Shop.Location(c.LocationID), nil
		}),
	})
}

// adjustmentGroup is the InventoryAdjustmentGroup an inventory mutation
// answers with: the ledger of that one call. fakeshop does not keep groups
// after the answer (no node lookup), which shopsync never needs.
type adjustmentGroup struct {
	id                   int64
	createdAt            time.Time
	reason               string
	referenceDocumentURI *string
	changes              []QuantityChange
}

func (*adjustmentGroup) TypeName() string { return "InventoryAdjustmentGroup" }

// TypeName makes a ledger entry an InventoryChange object.
func (*QuantityChange) TypeName() string { return "InventoryChange" }

// inventoryReasons are the reasons inventorySetQuantities and
// inventoryAdjustQuantities accept, from Shopify's quantities-and-states
// documentation. The full list is UNVERIFIED: the schema only links to the
// page, and Shopify may accept reasons missing here.
var inventoryReasons = []string{
	"correction", "cycle_count_available", "damaged", "movement_created", "movement_updated",
	"movement_received", "movement_canceled", "other", "promotion", "quality_control", "received",
	"reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage",
}

// Quantity bounds of the two inventory mutations (their enum descriptions).
const (
	setQuantityLimit    = 1_000_000_000
	adjustQuantityLimit = 2_000_000_000
)

// checkReasonAndDocument validates what both inventory mutations share.
func checkReasonAndDocument(in inputArgs) *UserError {
	if !slices.Contains(inventoryReasons, in.strOr("reason", "")) {
		return &UserError{Field: fieldPath("input", "reason"), Code: "INVALID_REASON", Message: "The specified reason is invalid."}
	}
	if doc := in.str("referenceDocumentUri"); doc != nil && !validDocumentURI(*doc) {
		return &UserError{Field: fieldPath("input", "referenceDocumentUri"), Code: "INVALID_REFERENCE_DOCUMENT", Message: "The specified reference document is invalid."}
	}
	return nil
}

// validDocumentURI is Shopify's rule for reference and ledger documents: a
// URI with a scheme and content, and for a GID all of app, type and id.
func validDocumentURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || strings.TrimPrefix(s, u.Scheme+":") == "" {
		return false
	}
	if u.Scheme == "gid" {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		return u.Host != "" && len(parts) == 2 && parts[0] != "" && parts[1] != ""
	}
	return true
}

func inventorySetQuantities(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "InventorySetQuantitiesPayload", "InventorySetQuantitiesUserError"
	in := args.obj("input")
	if ue := checkReasonAndDocument(in); ue != nil {
		return failed(payload, errType, ue), nil
	}
	name := in.strOr("name", "")
	ignoreCompare := in.boolean("ignoreCompareQuantity")
	var sets []QuantitySet
	for i, q := range in.objs("quantities") {
		item, _, err := q.id("inventoryItemId", "InventoryItem")
		if err != nil {
			return nil, err
		}
		loc, _, err := q.id("locationId", "Location")
		if err != nil {
			return nil, err
		}
		qty := *q.integer("quantity")
		switch {
		case qty > setQuantityLimit:
			return failed(payload, errType, &UserError{Field: fieldPath("input", "quantities", i, "quantity"), Code: "INVALID_QUANTITY_TOO_HIGH", Message: "The total quantity can't be higher than 1,000,000,000."}), nil
		case qty < -setQuantityLimit:
			return failed(payload, errType, &UserError{Field: fieldPath("input", "quantities", i, "quantity"), Code: "INVALID_QUANTITY_TOO_LOW", Message: "The total quantity can't be lower than -1,000,000,000."}), nil
		}
		set := QuantitySet{ItemID: item, LocationID: loc, Quantity: qty}
		// 2026-01: any value of changeFromQuantity, null included, decides
		// the check; only when it is absent do the deprecated compareQuantity
		// and ignoreCompareQuantity apply, and then one of them is required
		// (Shopify's changelog "compare and swap redesign").
		switch {
		case q.has("changeFromQuantity"):
			set.ChangeFrom = q.integer("changeFromQuantity")
		case ignoreCompare != nil && *ignoreCompare:
		case q.integer("compareQuantity") != nil:
			set.CompareQuantity = q.integer("compareQuantity")
		default:
			return failed(payload, errType, &UserError{Field: fieldPath("input", "quantities", i, "changeFromQuantity"), Code: "COMPARE_QUANTITY_REQUIRED",
				Message: "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity."}), nil
		}
		sets = append(sets, set)
	}
	changes, err := rc.Shop.SetInventoryQuantities(name, sets)
	if err != nil {
		return failure(err, payload, errType, nil, "input")
	}
	return payloadObj(payload, "inventoryAdjustmentGroup", newAdjustmentGroup(rc.Shop, in, changes)), nil
}

func newAdjustmentGroup(shop *Shop, in inputArgs, changes []QuantityChange) *adjustmentGroup {
	return &adjustmentGroup{id: nextID(), createdAt: shop.now(), reason: in.strOr("reason", ""),
		referenceDocumentURI: in.str("referenceDocumentUri"), changes: changes}
}

func inventoryAdjustQuantities(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "InventoryAdjustQuantitiesPayload", "InventoryAdjustQuantitiesUserError"
	in := args.obj("input")
	if ue := checkReasonAndDocument(in); ue != nil {
		return failed(payload, errType, ue), nil
	}
	name := in.strOr("name", "")
	var adjusts []QuantityAdjust
	var ledgerDoc *string
	for i, c := range in.objs("changes") {
		item, _, err := c.id("inventoryItemId", "InventoryItem")
		if err != nil {
			return nil, err
		}
		loc, _, err := c.id("locationId", "Location")
		if err != nil {
			return nil, err
		}
		delta := *c.integer("delta")
		doc := c.str("ledgerDocumentUri")
		if ue := checkLedgerDocument(name, doc, ledgerDoc, i); ue != nil {
			return failed(payload, errType, ue), nil
		}
		if i == 0 {
			ledgerDoc = doc
		}
		if delta > adjustQuantityLimit || delta < -adjustQuantityLimit {
			code, msg := "INVALID_QUANTITY_TOO_HIGH", "The quantity can't be higher than 2,000,000,000."
			if delta < 0 {
				code, msg = "INVALID_QUANTITY_TOO_LOW", "The quantity can't be lower than -2,000,000,000."
			}
			return failed(payload, errType, &UserError{Field: fieldPath("input", "changes", i, "delta"), Code: code, Message: msg}), nil
		}
		adjusts = append(adjusts, QuantityAdjust{ItemID: item, LocationID: loc, Delta: delta, ChangeFrom: c.integer("changeFromQuantity"), LedgerDocumentURI: doc})
	}
	changes, err := rc.Shop.AdjustInventoryQuantities(name, adjusts)
	if err != nil {
		return failure(err, payload, errType, nil, "input")
	}
	return payloadObj(payload, "inventoryAdjustmentGroup", newAdjustmentGroup(rc.Shop, in, changes)), nil
}

// checkLedgerDocument applies the ledger-document rules of
// inventoryAdjustQuantities (its error codes' descriptions): none when
// adjusting available, one otherwise, the same for every change, and never a
// Shopify-internal gid://shopify/ document.
func checkLedgerDocument(name string, doc, first *string, i int) *UserError {
	field := fieldPath("input", "changes", i, "ledgerDocumentUri")
	switch {
	case name == QtyAvailable && doc != nil:
		return &UserError{Field: field, Code: "INVALID_AVAILABLE_DOCUMENT", Message: "A ledger document URI is not allowed when adjusting available."}
	case name == QtyAvailable:
		return nil
	case doc == nil:
		return &UserError{Field: field, Code: "INVALID_QUANTITY_DOCUMENT", Message: "A ledger document URI is required except when adjusting available."}
	case strings.HasPrefix(*doc, "gid://shopify/"):
		return &UserError{Field: field, Code: "INTERNAL_LEDGER_DOCUMENT", Message: "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API."}
	case !validDocumentURI(*doc):
		return &UserError{Field: field, Code: "INVALID_LEDGER_DOCUMENT", Message: "The specified ledger document is invalid."}
	case i > 0 && (first == nil || *first != *doc):
		return &UserError{Field: field, Code: "MAX_ONE_LEDGER_DOCUMENT", Message: "All changes must have the same ledger document URI or, in the case of adjusting available, no ledger document URI."}
	}
	return nil
}

func inventoryActivate(rc *ResolveContext, args inputArgs) (any, error) {
	const payload, errType = "InventoryActivatePayload", "UserError"
	item, _, err := args.id("inventoryItemId", "InventoryItem")
	if err != nil {
		return nil, err
	}
	loc, _, err := args.id("locationId", "Location")
	if err != nil {
		return nil, err
	}
	level, err := rc.Shop.ActivateInventory(item, loc, args.integer("available"), args.integer("onHand"))
	if err != nil {
		return failure(err, payload, errType, nil)
	}
	return payloadObj(payload, "inventoryLevel", level), nil
}
