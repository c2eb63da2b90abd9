package fakeshop

import "time"

// The resource records below are immutable once stored: every change goes
// through a Shop method, which stores a modified copy under the shop's lock.
// That is what lets resolvers, the bulk streamer and change hooks read a
// record without holding the lock, and what makes a Change's Resource a true
// snapshot of the moment it was emitted. Never modify a record you were given.

// SEO is a resource's search-engine title and description.
type SEO struct {
	Title       *string
	Description *string
}

// Product is a product; its variants are separate records, listed in order.
type Product struct {
	ID              int64
	Title           string
	Handle          string
	DescriptionHTML string
	Vendor          string
	ProductType     string
	Tags            []string
	Status          string // ProductStatus: ACTIVE, ARCHIVED, DRAFT, UNLISTED
	SEO             SEO
	TemplateSuffix  *string
	Options         []ProductOption
	VariantIDs      []int64 // in position order
	PublishedAt     *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// ProductOption is one of a product's (at most three) options.
type ProductOption struct {
	ID       int64
	Name     string
	Position int
	Values   []OptionValue
}

// OptionValue is one value of a product option.
type OptionValue struct {
	ID   int64
	Name string
}

// SelectedOption is a variant's value for one option.
type SelectedOption struct {
	Name  string
	Value string
}

// Variant is a product variant. Its SKU lives here and is what the inventory
// item reports too: Shopify keeps the two in step (one item per variant).
type Variant struct {
	ID              int64
	ProductID       int64
	InventoryItemID int64
	Title           string
	SKU             *string
	Barcode         *string
	Price           string // Money, e.g. "19.99"
	CompareAtPrice  *string
	Position        int
	SelectedOptions []SelectedOption
	InventoryPolicy string // DENY or CONTINUE
	Taxable         bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// InventoryItem is the stock-keeping side of a variant (1:1).
type InventoryItem struct {
	ID               int64
	VariantID        int64
	Tracked          bool
	RequiresShipping bool
	Cost             *string // Decimal
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Quantity names Shopify knows (FACTS.md §5). Only available and on_hand can be
// set; on_hand is derived: available plus every other on-hand state.
const (
	QtyAvailable      = "available"
	QtyOnHand         = "on_hand"
	QtyCommitted      = "committed"
	QtyIncoming       = "incoming"
	QtyReserved       = "reserved"
	QtyDamaged        = "damaged"
	QtyQualityControl = "quality_control"
	QtySafetyStock    = "safety_stock"
)

// QuantityNames lists every quantity name, in Shopify's documentation order.
var QuantityNames = []string{QtyAvailable, QtyOnHand, QtyCommitted, QtyIncoming, QtyReserved, QtyDamaged, QtyQualityControl, QtySafetyStock}

// onHandParts are the states that add up to on_hand.
var onHandParts = []string{QtyAvailable, QtyCommitted, QtyReserved, QtyDamaged, QtyQualityControl, QtySafetyStock}

// InventoryLevel is an inventory item stocked at a location.
type InventoryLevel struct {
	ID         int64
	ItemID     int64
	LocationID int64
	// Quantities holds every stored state except on_hand, which Quantity derives.
	Quantities map[string]int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Quantity returns the named quantity; on_hand is the sum of its parts.
func (l *InventoryLevel) Quantity(name string) int {
	if name == QtyOnHand {
		n := 0
		for _, part := range onHandParts {
			n += l.Quantities[part]
		}
		return n
	}
	return l.Quantities[name]
}

// GID is the level's parameterized global id.
func (l *InventoryLevel) GID() string { return inventoryLevelGID(l.ID, l.ItemID) }

// Address is a postal address (locations, orders, customers).
type Address struct {
	FirstName, LastName, Company string
	Address1, Address2           string
	City, Province, ProvinceCode string
	Country, CountryCode         string
	Zip, Phone                   string
}

// Location is a place that stocks inventory.
type Location struct {
	ID                   int64
	Name                 string
	Address              Address
	IsActive             bool
	FulfillsOnlineOrders bool
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// CollectionRule is one condition of a smart collection.
type CollectionRule struct {
	Column    string // CollectionRuleColumn
	Relation  string // CollectionRuleRelation
	Condition string
}

// CollectionRuleSet makes a collection rule-based (smart).
type CollectionRuleSet struct {
	AppliedDisjunctively bool
	Rules                []CollectionRule
}

// Collection is a manual collection (ProductIDs) or, with a RuleSet, a smart
// one whose members are computed from the rules on every read.
type Collection struct {
	ID              int64
	Title           string
	Handle          string
	DescriptionHTML string
	SortOrder       string // CollectionSortOrder
	TemplateSuffix  *string
	SEO             SEO
	RuleSet         *CollectionRuleSet
	ProductIDs      []int64 // manual membership, in the order added
	UpdatedAt       time.Time
	CreatedAt       time.Time
}

// Page is an online-store page.
type Page struct {
	ID             int64
	Title          string
	Handle         string
	Body           string
	PublishedAt    *time.Time // nil: hidden
	TemplateSuffix *string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Blog is a blog; its articles point back to it.
type Blog struct {
	ID             int64
	Title          string
	Handle         string
	CommentPolicy  string // CommentPolicy
	TemplateSuffix *string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Article is a blog post.
type Article struct {
	ID             int64
	BlogID         int64
	Title          string
	Handle         string
	Body           string
	Summary        *string
	Author         string
	Tags           []string
	PublishedAt    *time.Time // nil: hidden
	TemplateSuffix *string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Customer is the customer an order belongs to (only what orders show).
type Customer struct {
	ID        int64
	Email     *string
	FirstName *string
	LastName  *string
	Phone     *string
}

// LineItem is one line of an order.
type LineItem struct {
	ID               int64
	Title            string
	VariantTitle     *string
	SKU              *string
	Vendor           *string
	Quantity         int
	CurrentQuantity  int
	ProductID        int64 // 0: custom line item
	VariantID        int64 // 0: custom line item
	UnitPrice        string
	Taxable          bool
	RequiresShipping bool
}

// Order is an order with its line items inline.
type Order struct {
	ID                int64
	Number            int // name is "#<Number>" unless Name is set
	Name              string
	Email             *string
	Phone             *string
	Note              *string
	Tags              []string
	Currency          string
	Customer          *Customer
	BillingAddress    *Address
	ShippingAddress   *Address
	BillingAddressID  int64
	ShippingAddressID int64
	LineItems         []LineItem
	FinancialStatus   string // OrderDisplayFinancialStatus
	FulfillmentStatus string // OrderDisplayFulfillmentStatus
	SourceName        *string
	SourceIdentifier  *string
	Test              bool
	CancelReason      *string
	CancelledAt       *time.Time
	ClosedAt          *time.Time
	ProcessedAt       time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time

	// ShippingTotal and TaxTotal sum orderCreate's shipping and tax lines
	// (empty is zero); TaxesIncluded says the prices already hold the tax.
	ShippingTotal string
	TaxTotal      string
	TaxesIncluded bool
	// Discounts are what the checkout took off, with their amounts (see
	// OrderDiscount); orderCreate gives at most one code.
	Discounts []OrderDiscount
}

// WebhookSubscription is a shop-specific webhook subscription. APIVersion is
// the version of the request that created it, which is the version its
// payloads are serialized at (FACTS.md §2.3).
type WebhookSubscription struct {
	ID                  int64
	Topic               string // WebhookSubscriptionTopic, e.g. PRODUCTS_UPDATE
	URI                 string
	Format              string
	IncludeFields       []string
	MetafieldNamespaces []string
	Filter              *string
	APIVersion          string
	// Name is sent as X-Shopify-Name. Shopify names only app-specific
	// (shopify.app.toml) subscriptions, so only the Go API sets it.
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}
