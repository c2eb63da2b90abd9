package events

import "fmt"

// Resource names a kind of mirrored object: the singular of its mirror table
// (resource product lives in table products). The Postgres CHECK constraints
// list the same names.
type Resource string

// The mirrored resources.
const (
	Location          Resource = "location"
	Product           Resource = "product"
	Variant           Resource = "variant"
	InventoryItem     Resource = "inventory_item"
	InventoryLevel    Resource = "inventory_level"
	Collection        Resource = "collection"
	CollectionProduct Resource = "collection_product"
	Page              Resource = "page"
	Blog              Resource = "blog"
	Article           Resource = "article"
	Order             Resource = "order"
	OrderLineItem     Resource = "order_line_item"
)

// Family groups resources that are read by one bulk query and published to one
// topic. ingest_runs.family uses the same names.
type Family string

// The resource families.
const (
	Products    Family = "products"    // product, variant
	Inventory   Family = "inventory"   // location, inventory_item, inventory_level
	Collections Family = "collections" // collection, collection_product
	Content     Family = "content"     // page, blog, article
	Orders      Family = "orders"      // order, order_line_item
)

var families = map[Resource]Family{
	Product:           Products,
	Variant:           Products,
	Location:          Inventory,
	InventoryItem:     Inventory,
	InventoryLevel:    Inventory,
	Collection:        Collections,
	CollectionProduct: Collections,
	Page:              Content,
	Blog:              Content,
	Article:           Content,
	Order:             Orders,
	OrderLineItem:     Orders,
}

// Resources lists every resource, in mirror-table order.
func Resources() []Resource {
	return []Resource{Location, Product, Variant, InventoryItem, InventoryLevel,
		Collection, CollectionProduct, Page, Blog, Article, Order, OrderLineItem}
}

// Families lists every family.
func Families() []Family {
	return []Family{Products, Inventory, Collections, Content, Orders}
}

// Family returns the family r belongs to.
func (r Resource) Family() (Family, error) {
	f, ok := families[r]
	if !ok {
		return "", fmt.Errorf("unknown resource %q", r)
	}
	return f, nil
}

// Table is the mirror table holding r's rows.
func (r Resource) Table() string {
	if r == CollectionProduct {
		return "collection_products"
	}
	return string(r) + "s"
}

// TopicPrefix starts every change topic's name.
const TopicPrefix = "shopsync.changes."

// Topic is the Kafka topic of family f's change events, e.g.
// shopsync.changes.products. One topic per family keeps a product's variant
// changes beside the product's, while a consumer subscribes only to what it
// needs.
func (f Family) Topic() string { return TopicPrefix + string(f) }

// Topics lists every change topic.
func Topics() []string {
	var out []string
	for _, f := range Families() {
		out = append(out, f.Topic())
	}
	return out
}
