package mirror

import (
	"fmt"

	"github.com/shopsync/shopsync/schema/events"
)

// table describes one mirror table: what row type fills it, its key, its
// columns in the order the row type writes them, and which tables hold rows
// that belong to its rows.
type table struct {
	resource events.Resource
	name     string
	family   events.Family
	gidType  string   // the GID type of its rows; "" for collection_products
	keys     []string // the key after store
	cols     []column // written by the row type, content_hash last when hashed
	hashed   bool     // has content_hash
	timed    bool     // has updated_at
	// children are the tables whose rows a row of this table owns: deleting
	// a product deletes its variants and its collection memberships.
	children []childRef
	// inherit, when set, gives rows without an updated_at their parent's
	// (an order's lines), from the parent's staging table in a snapshot.
	inherit *childRef
	// order is the table's place in Resources(): writers lock and write
	// tables in this order.
	order int
}

// childRef is a child table and the column of it that holds the parent GID.
type childRef struct {
	table     *table
	parentCol string
	// keepCol is the child column a ChildSet lists: the GID, or for a
	// collection membership the other side's GID.
	keepCol string
}

var (
	tables     = map[events.Resource]*table{}
	tableOrder []*table
)

func init() {
	defs := []struct {
		row     Row
		gidType string
		keys    []string
	}{
		{&Location{}, "Location", nil},
		{&Product{}, "Product", nil},
		{&Variant{}, "ProductVariant", nil},
		{&InventoryItem{}, "InventoryItem", nil},
		{&InventoryLevel{}, "InventoryLevel", nil},
		{&Collection{}, "Collection", nil},
		{&CollectionProduct{}, "", []string{"collection_gid", "product_gid"}},
		{&Page{}, "Page", nil},
		{&Blog{}, "Blog", nil},
		{&Article{}, "Article", nil},
		{&Order{}, "Order", nil},
		{&OrderLineItem{}, "LineItem", nil},
	}
	for i, d := range defs {
		r := d.row.Resource()
		fam, err := r.Family()
		if err != nil {
			panic(err)
		}
		e := &encoder{schema: true}
		e.reset(string(r))
		d.row.encode(e)
		t := &table{resource: r, name: r.Table(), family: fam, gidType: d.gidType, keys: d.keys, order: i}
		if t.keys == nil {
			t.keys = []string{"gid"}
		}
		for _, c := range e.cols {
			t.timed = t.timed || c.name == "updated_at"
		}
		t.hashed = r != events.CollectionProduct
		e.finish(t.hashed)
		t.cols = e.cols
		tables[r] = t
		tableOrder = append(tableOrder, t)
	}
	if len(tableOrder) != len(events.Resources()) {
		panic(fmt.Sprintf("mirror: %d tables for %d resources", len(tableOrder), len(events.Resources())))
	}
	child := func(parent, c events.Resource, parentCol, keepCol string) {
		tables[parent].children = append(tables[parent].children, childRef{tables[c], parentCol, keepCol})
	}
	child(events.Product, events.Variant, "product_gid", "gid")
	child(events.Product, events.CollectionProduct, "product_gid", "collection_gid")
	child(events.Collection, events.CollectionProduct, "collection_gid", "product_gid")
	child(events.InventoryItem, events.InventoryLevel, "inventory_item_gid", "gid")
	child(events.Location, events.InventoryLevel, "location_gid", "gid")
	child(events.Blog, events.Article, "blog_gid", "gid")
	child(events.Order, events.OrderLineItem, "order_gid", "gid")
	tables[events.OrderLineItem].inherit = &childRef{tables[events.Order], "order_gid", ""}
}

// tableOf returns the table of a resource; it panics on an unknown one,
// which only a programming error can produce (rows come from this package).
func tableOf(r events.Resource) *table {
	t, ok := tables[r]
	if !ok {
		panic(fmt.Sprintf("mirror: no table for resource %q", r))
	}
	return t
}

// familyTables lists the tables of a family, in table order.
func familyTables(f events.Family) []*table {
	var out []*table
	for _, t := range tableOrder {
		if t.family == f {
			out = append(out, t)
		}
	}
	return out
}

// childSetTable finds the child relation a ChildSet names.
func (t *table) child(r events.Resource) (childRef, bool) {
	for _, c := range t.children {
		if c.table.resource == r {
			return c, true
		}
	}
	return childRef{}, false
}

// colNames lists the columns the row type writes.
func (t *table) colNames() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}
