package mirror

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// FromGraphQL converts one object in Shopify's Admin GraphQL shape into
// mirror rows: a line of a bulk operation's JSONL result (a nested node
// names its parent in "__parentId"), or a node of a GraphQL read, whose
// nested connections (a product's variants, an order's lineItems, a
// collection's products, an item's inventoryLevels) become rows too. A
// nested connection read to its end (pageInfo.hasNextPage false) is a
// complete child list and yields a ChildSet, so children it lacks are
// tombstoned by Apply.
//
// A Product line whose parent is a Collection is a membership
// (CollectionProduct). A variant whose inventoryItem carries more than its
// id also yields an InventoryItem row.
//
// The fields read are those of shopify/client's fragments; a field missing
// from the object reads as its zero value, so a query selecting fewer
// fields mirrors (and hashes) less.
func FromGraphQL(store string, object []byte) (Batch, error) {
	var head struct {
		ID       string `json:"id"`
		ParentID string `json:"__parentId"`
	}
	if err := json.Unmarshal(object, &head); err != nil {
		return Batch{}, fmt.Errorf("%w: graphql object: %v", ErrInvalidRow, err)
	}
	return FromGraphQLNode(store, head.ID, head.ParentID, object)
}

// FromGraphQLNode is FromGraphQL for a caller that has read the object's id
// and __parentId already (shopify/bulk's Reader has, for every line): the
// object is decoded once fewer, which is a fifth of a snapshot's decoding.
// id and parentID must be the object's own.
func FromGraphQLNode(store, id, parentID string, object []byte) (Batch, error) {
	head := struct{ ID, ParentID string }{id, parentID}
	c := gqlConv{store: store, raw: object, parent: head.ParentID}
	var (
		b   Batch
		err error
	)
	switch typ := gidType(head.ID); typ {
	case "Location":
		b, err = c.location()
	case "Product":
		if gidType(head.ParentID) == "Collection" {
			b.Rows = append(b.Rows, &CollectionProduct{Store: store, CollectionGID: head.ParentID, ProductGID: head.ID})
		} else {
			b, err = c.product()
		}
	case "ProductVariant":
		b, err = c.variant(object, head.ParentID)
	case "InventoryItem":
		b, err = c.inventoryItem(object)
	case "InventoryLevel":
		b, err = c.inventoryLevel(object, head.ParentID)
	case "Collection":
		b, err = c.collection()
	case "Page":
		b, err = c.page()
	case "Blog":
		b, err = c.blog()
	case "Article":
		b, err = c.article()
	case "Order":
		b, err = c.order()
	case "LineItem":
		b, err = c.lineItem(object, head.ParentID, nil)
	case "":
		return Batch{}, fmt.Errorf("%w: graphql object without a Shopify GID id (%q)", ErrInvalidRow, head.ID)
	default:
		return Batch{}, fmt.Errorf("%w: graphql object %s: shopsync mirrors no %s", ErrInvalidRow, head.ID, typ)
	}
	if err != nil {
		return Batch{}, fmt.Errorf("%w: graphql %s: %v", ErrInvalidRow, head.ID, err)
	}
	return b, nil
}

// gqlConv converts one object.
type gqlConv struct {
	store  string
	raw    []byte
	parent string
}

// gqlConn is a nested connection of a GraphQL read.
type gqlConn struct {
	Nodes []json.RawMessage `json:"nodes"`
	Edges []struct {
		Node json.RawMessage `json:"node"`
	} `json:"edges"`
	PageInfo *struct {
		HasNextPage bool `json:"hasNextPage"`
	} `json:"pageInfo"`
}

func (c *gqlConn) items() []json.RawMessage {
	if c == nil {
		return nil
	}
	out := c.Nodes
	for _, e := range c.Edges {
		out = append(out, e.Node)
	}
	return out
}

// complete: the read reached the connection's end.
func (c *gqlConn) complete() bool {
	return c != nil && c.PageInfo != nil && !c.PageInfo.HasNextPage
}

// withoutKeys returns raw without the named top-level keys (nested
// connections, stored as rows of their own). Raw without them is returned
// as is, which is the bulk case: bulk lines never nest connections.
func withoutKeys(raw []byte, present bool, keys ...string) ([]byte, error) {
	if !present {
		return raw, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for _, k := range keys {
		delete(m, k)
	}
	return json.Marshal(m)
}

// timeParser parses several times, keeping the first error.
type timeParser struct{ err error }

func (p *timeParser) at(field string, s *string) *time.Time {
	t, err := parseTime(field, s)
	if err != nil && p.err == nil {
		p.err = err
	}
	return t
}

var errNoParent = errors.New("no parent: neither the field nor __parentId names it")
