package config

import "strings"

// The enumerations of the configuration file. Each list is also a CHECK
// constraint in the Postgres migrations (stores, links), and the values are
// written there as they are here.

// Role is a store's role in the sync; a store has exactly one.
type Role string

const (
	RoleSource      Role = "source"
	RoleDestination Role = "destination"
)

// Roles lists the roles.
var Roles = []Role{RoleSource, RoleDestination}

// Plan is the store's Shopify plan, which sets its GraphQL cost budget.
type Plan string

const (
	PlanStandard   Plan = "standard"
	PlanAdvanced   Plan = "advanced"
	PlanPlus       Plan = "plus"
	PlanEnterprise Plan = "enterprise"
)

// Plans lists the plans.
var Plans = []Plan{PlanStandard, PlanAdvanced, PlanPlus, PlanEnterprise}

// MatchKey is how a link matches a source product to a destination product.
type MatchKey string

const (
	MatchHandle  MatchKey = "handle"
	MatchSKU     MatchKey = "sku"
	MatchBarcode MatchKey = "barcode"
)

// MatchKeys lists the match keys.
var MatchKeys = []MatchKey{MatchHandle, MatchSKU, MatchBarcode}

// Field is a product field whose write policy a link sets.
type Field string

const (
	FieldTitle       Field = "title"
	FieldDescription Field = "description"
	FieldVendor      Field = "vendor"
	FieldProductType Field = "product_type"
	FieldTags        Field = "tags"
	FieldImages      Field = "images"
	FieldOptions     Field = "options"
	FieldStatus      Field = "status"
	FieldSEO         Field = "seo" // SEO title and description
	FieldMetafields  Field = "metafields"
)

// Fields lists the product fields a link has a policy for.
var Fields = []Field{
	FieldTitle, FieldDescription, FieldVendor, FieldProductType, FieldTags,
	FieldImages, FieldOptions, FieldStatus, FieldSEO, FieldMetafields,
}

// FieldPolicy is how a link writes one product field to the destination.
type FieldPolicy string

const (
	// PolicySync writes the field on create and keeps it equal to the source.
	PolicySync FieldPolicy = "sync"
	// PolicyCreateOnly writes the field when the product is created, then
	// leaves it to the destination's editors.
	PolicyCreateOnly FieldPolicy = "create_only"
	// PolicyIgnore never writes the field.
	PolicyIgnore FieldPolicy = "ignore"
)

// FieldPolicies lists the field policies.
var FieldPolicies = []FieldPolicy{PolicySync, PolicyCreateOnly, PolicyIgnore}

// DeletePolicy is what a deletion in the source does in the destination.
type DeletePolicy string

const (
	DeleteNone      DeletePolicy = "none"      // nothing
	DeleteUnpublish DeletePolicy = "unpublish" // unpublish from every sales channel
	DeleteArchive   DeletePolicy = "archive"   // status ARCHIVED
	DeleteDelete    DeletePolicy = "delete"    // delete it too
)

// DeletePolicies lists the delete policies.
var DeletePolicies = []DeletePolicy{DeleteNone, DeleteUnpublish, DeleteArchive, DeleteDelete}

// InventoryMode is how stock levels flow over a link.
type InventoryMode string

const (
	// InventoryNone leaves stock alone.
	InventoryNone InventoryMode = "none"
	// InventoryOneWay sets the destination's levels to the source's.
	InventoryOneWay InventoryMode = "one_way"
	// InventoryTwoWay also moves the source's levels when stock sells in
	// the destination.
	InventoryTwoWay InventoryMode = "two_way"
)

// InventoryModes lists the inventory modes.
var InventoryModes = []InventoryMode{InventoryNone, InventoryOneWay, InventoryTwoWay}

// CompareAtMode is what the price rule does to compare-at prices.
type CompareAtMode string

const (
	CompareAtKeep  CompareAtMode = "keep"  // copy the source's compare-at price unchanged
	CompareAtScale CompareAtMode = "scale" // apply the same rule as to the price
	CompareAtClear CompareAtMode = "clear" // no compare-at price in the destination
)

// CompareAtModes lists the compare-at modes.
var CompareAtModes = []CompareAtMode{CompareAtKeep, CompareAtScale, CompareAtClear}

// underscored accepts the spelling with hyphens ("one-way", "create-only")
// for values whose canonical spelling has underscores, since people write
// both; the canonical one is what Postgres stores.
func underscored(s string) string {
	return strings.ReplaceAll(s, "-", "_")
}

// oneOf reports whether v is in allowed and, if not, the list for a message.
func oneOf[T ~string](v T, allowed []T) (bool, string) {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if a == v {
			return true, ""
		}
		names[i] = string(a)
	}
	return false, strings.Join(names, ", ")
}
