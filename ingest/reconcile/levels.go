package reconcile

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/Khan/genqlient/graphql"

	"github.com/shopsync/shopsync/shopify/client"
)

// locationLevelsQuery reads one location's inventory levels changed since
// a time. shopify/client has no such read (its inventory reads go through
// items, whose updatedAt does not move with their stock), so it is sent
// here through the same client, budget and all. The level's fields are
// those of the client's InventoryLevelFields plus item { id }, which takes
// the place of a bulk line's __parentId.
const locationLevelsQuery = `query LocationInventoryLevels($id: ID!, $first: Int!, $after: String, $query: String) {
  location(id: $id) {
    id
    inventoryLevels(first: $first, after: $after, query: $query) {
      nodes {
        id
        item { id }
        location { id }
        quantities(names: ["available", "on_hand"]) { name quantity updatedAt }
        createdAt
        updatedAt
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`

// locationLevelsPageSize keeps the read's requested cost under Shopify's
// 1,000-point cap (each level costs its own object plus item, location and
// quantities).
const locationLevelsPageSize = 100

type locationLevelsResponse struct {
	Location *struct {
		ID              string `json:"id"`
		InventoryLevels struct {
			Nodes    []json.RawMessage `json:"nodes"`
			PageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
		} `json:"inventoryLevels"`
	} `json:"location"`
}

type levelRef struct {
	Item struct {
		ID string `json:"id"`
	} `json:"item"`
}

func readLocationLevels(ctx context.Context, c *client.Client, location, query string, emit emitFunc) error {
	var after *string
	for {
		var data locationLevelsResponse
		req := &graphql.Request{OpName: "LocationInventoryLevels", Query: locationLevelsQuery, Variables: map[string]any{
			"id": location, "first": locationLevelsPageSize, "after": after, "query": nilIfEmpty(query),
		}}
		if err := c.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
			return err
		}
		if data.Location == nil {
			return nil // deleted meanwhile
		}
		var p Page
		for _, raw := range data.Location.InventoryLevels.Nodes {
			var ref levelRef
			if err := json.Unmarshal(raw, &ref); err != nil {
				return fmt.Errorf("reconcile: inventory level: %w", err)
			}
			var node map[string]json.RawMessage
			if err := json.Unmarshal(raw, &node); err != nil {
				return fmt.Errorf("reconcile: inventory level: %w", err)
			}
			if err := p.add(node, ref.Item.ID, "item"); err != nil {
				return err
			}
		}
		if err := emit(ctx, p); err != nil {
			return err
		}
		pi := data.Location.InventoryLevels.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return nil
		}
		after = pi.EndCursor
	}
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
