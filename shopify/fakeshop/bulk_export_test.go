package fakeshop

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/bulk"
)

// bulkCatalog is a small shop built with the Go API: locations, products whose
// variants are stocked at some of them, and what the export must contain.
type bulkCatalog struct {
	locations []*Location
	products  []*Product
}

func buildBulkCatalog(t *testing.T, shop *Shop, products int) bulkCatalog {
	t.Helper()
	var c bulkCatalog
	for _, name := range []string{"Warehouse", "Shop floor"} {
		l, err := shop.CreateLocation(LocationInput{Name: name})
		require.NoError(t, err)
		c.locations = append(c.locations, l)
	}
	for i := range products {
		var variants []VariantInput
		// Product i has i%4 variants (0 means Shopify's default variant),
		// variant v stocked at the first v%3 locations: some variants have
		// no inventory levels, some one, some two.
		for v := range i % 4 {
			in := VariantInput{
				OptionValues: []SelectedOption{{Name: "Size", Value: fmt.Sprintf("S%d", v)}},
				SKU:          ptr(fmt.Sprintf("SKU-%d-%d", i, v)),
				Price:        ptr(fmt.Sprintf("%d.50", 10+v)),
			}
			for l := range v % 3 {
				in.Quantities = append(in.Quantities, LocationQuantity{LocationID: c.locations[l].ID, Name: QtyAvailable, Quantity: 10*i + v})
			}
			variants = append(variants, in)
		}
		p, err := shop.CreateProduct(ProductInput{Title: ptr(fmt.Sprintf("Product %d / \"quoted\"", i))}, variants)
		require.NoError(t, err)
		c.products = append(c.products, p)
	}
	return c
}

const productsVariantsLevelsQuery = `{
  products {
    edges {
      node {
        id
        title
        handle
        variants {
          edges {
            node {
              id
              sku
              price
              inventoryItem {
                id
                tracked
                inventoryLevels {
                  edges {
                    node {
                      id
                      location { id }
                      quantities(names: ["available"]) { name quantity }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`

func TestBulkExportProductsVariantsAndInventoryLevels(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "bulky"})
	c := buildBulkCatalog(t, shop, 9)

	var finishes []*BulkOperation
	var mu sync.Mutex
	shop.OnChange(func(ch Change) {
		if ch.Topic == TopicBulkOperationsFinish {
			mu.Lock()
			defer mu.Unlock()
			finishes = append(finishes, ch.Resource.(*BulkOperation))
		}
	})

	payload := startBulk(t, srv, shop, productsVariantsLevelsQuery)
	require.Empty(t, payload["userErrors"])
	created := payload["bulkOperation"].(map[string]any)
	require.Equal(t, BulkCreated, created["status"])
	require.Equal(t, "0", created["objectCount"])
	require.Nil(t, created["url"])
	require.Nil(t, created["completedAt"])

	op, body := runBulkToFileFrom(t, srv, shop, created["id"].(string))

	// What the shop holds: every product, variant and level, and who is
	// whose parent.
	wantParent := map[string]string{}
	roots := 0
	for _, p := range c.products {
		wantParent[gidOf("Product", p.ID)] = ""
		roots++
		for _, v := range shop.Variants(p) {
			wantParent[gidOf("ProductVariant", v.ID)] = gidOf("Product", p.ID)
			shop.read(func(st *store) {
				for _, l := range st.levelsOfItem(v.InventoryItemID) {
					wantParent[l.GID()] = gidOf("ProductVariant", v.ID)
				}
			})
		}
	}
	recs := bulkReadLines(t, body)
	gotParent := map[string]string{}
	for _, r := range recs {
		_, dup := gotParent[r.ID]
		require.False(t, dup, "%s written twice", r.ID)
		gotParent[r.ID] = r.ParentID
	}
	require.Equal(t, wantParent, gotParent)
	require.Equal(t, strconv.Itoa(len(wantParent)), op["objectCount"])
	require.Equal(t, strconv.Itoa(roots), op["rootObjectCount"])
	require.Equal(t, strconv.Itoa(len(body)), op["fileSize"])
	require.NotNil(t, op["completedAt"])
	require.Nil(t, op["errorCode"])
	require.Nil(t, op["partialDataUrl"])
	require.Equal(t, "QUERY", op["type"])
	require.Equal(t, productsVariantsLevelsQuery, op["query"])

	// Shopify's JSON escapes slashes; so must the file, GIDs first.
	require.Contains(t, string(body), `"id":"gid:\/\/shopify\/Product\/`)
	require.Contains(t, string(body), `"__parentId":"gid:\/\/shopify\/ProductVariant\/`)
	require.NotContains(t, string(body), "gid://")

	// Parents come before their children, each line is exactly the node's
	// own fields, connections are lines rather than keys, inline objects
	// stay inline, and __parentId is last.
	seen := map[string]bool{}
	for _, r := range recs {
		if r.ParentID != "" {
			require.True(t, seen[r.ParentID], "%s before its parent %s", r.ID, r.ParentID)
		}
		seen[r.ID] = true
		line := bulkDecodeLine(t, r)
		switch r.Typename {
		case "Product":
			p := shop.Product(bulkMustGID(t, r.ID).ID)
			require.Equal(t, map[string]any{"id": r.ID, "title": p.Title, "handle": p.Handle}, line)
		case "ProductVariant":
			v := shop.Variant(bulkMustGID(t, r.ID).ID)
			require.Equal(t, map[string]any{
				"id": r.ID, "sku": bulkOrNil(v.SKU), "price": v.Price, "__parentId": r.ParentID,
				"inventoryItem": map[string]any{"id": gidOf("InventoryItem", v.InventoryItemID), "tracked": true},
			}, line)
			require.True(t, bytes.HasSuffix(r.Raw, []byte(`"__parentId":"`+strings.ReplaceAll(r.ParentID, "/", `\/`)+`"}`)), string(r.Raw))
		case "InventoryLevel":
			var lvl *InventoryLevel
			shop.read(func(st *store) { lvl = st.levels.get(bulkMustGID(t, r.ID).ID) })
			require.Equal(t, map[string]any{
				"id": r.ID, "__parentId": r.ParentID,
				"location":   map[string]any{"id": gidOf("Location", lvl.LocationID)},
				"quantities": []any{map[string]any{"name": "available", "quantity": float64(lvl.Quantity(QtyAvailable))}},
			}, line)
		default:
			t.Fatalf("unexpected line %s", r.Raw)
		}
	}

	// The any-order join of shopify/bulk agrees: levels' root is the product.
	joined := map[string]bulk.Record{}
	_, err := bulk.Join(context.Background(), bytes.NewReader(body), t.TempDir(), func(r bulk.Record) error {
		joined[r.ID] = bulk.Record{ParentID: r.ParentID, Root: r.Root, Depth: r.Depth}
		return nil
	})
	require.NoError(t, err)
	require.Len(t, joined, len(wantParent))
	for id, parent := range wantParent {
		want := id
		depth := 0
		for p := parent; p != ""; p = wantParent[p] {
			want = p
			depth++
		}
		require.Equal(t, want, joined[id].Root, id)
		require.Equal(t, depth, joined[id].Depth, id)
	}

	// bulk_operations/finish went to the shop's change hooks.
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(finishes) == 1
	}, 5*time.Second, time.Millisecond)
	mu.Lock()
	require.Equal(t, BulkCompleted, finishes[0].Status)
	require.Equal(t, op["id"], finishes[0].GID())
	mu.Unlock()
}

// runBulkToFileFrom waits for an already started operation and downloads it.
func runBulkToFileFrom(t *testing.T, srv *Server, shop *Shop, id string) (map[string]any, []byte) {
	t.Helper()
	op := waitBulk(t, srv, shop, id, bulkFinished)
	require.Equal(t, BulkCompleted, op["status"], "%v", op)
	status, body := bulkDownload(t, op["url"].(string))
	require.Equal(t, http.StatusOK, status, string(body))
	return op, body
}

func bulkMustGID(t *testing.T, s string) GID {
	t.Helper()
	g, err := ParseGID(s)
	require.NoError(t, err)
	return g
}

func TestBulkExportCollectionsWithProductMembership(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "collected"})
	c := buildBulkCatalog(t, shop, 6)
	ids := func(ps ...*Product) []int64 {
		out := make([]int64, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	_, err := shop.CreateCollection(CollectionInput{Title: ptr("Manual"), ProductIDs: ids(c.products[4], c.products[1], c.products[2])})
	require.NoError(t, err)
	_, err = shop.CreateCollection(CollectionInput{Title: ptr("Empty")})
	require.NoError(t, err)
	_, err = shop.CreateCollection(CollectionInput{Title: ptr("Smart"), RuleSet: &CollectionRuleSet{
		Rules: []CollectionRule{{Column: "TITLE", Relation: "CONTAINS", Condition: "Product"}},
	}})
	require.NoError(t, err)

	op, body := runBulkToFile(t, srv, shop, `{
	  collections {
	    edges { node { id title products(first: 1) { edges { node { id handle } } } } }
	  }
	}`)

	// A product in two collections is a line under each: (id, parent) pairs,
	// not ids, are what must match.
	type pair struct{ id, parent string }
	var want []pair
	for _, col := range shop.collectionsForTest() {
		want = append(want, pair{gidOf("Collection", col.ID), ""})
		var members []*Product
		shop.read(func(st *store) { members = st.collectionProducts(col) })
		for _, p := range members {
			want = append(want, pair{gidOf("Product", p.ID), gidOf("Collection", col.ID)})
		}
	}
	var got []pair
	for _, r := range bulkReadLines(t, body) {
		got = append(got, pair{r.ID, r.ParentID})
		if r.Typename == "Product" {
			p := shop.Product(bulkMustGID(t, r.ID).ID)
			require.Equal(t, map[string]any{"id": r.ID, "handle": p.Handle, "__parentId": r.ParentID}, bulkDecodeLine(t, r))
		}
	}
	// The whole membership is exported: first: 1 does not page a bulk query.
	require.Equal(t, want, got)
	require.Equal(t, strconv.Itoa(len(want)), op["objectCount"])
	require.Equal(t, "3", op["rootObjectCount"])
	require.Equal(t, len(want), 3+3+6, "manual 3 members, smart all 6")
}

func (s *Shop) collectionsForTest() []*Collection {
	var out []*Collection
	s.read(func(st *store) { out = st.collections.all() })
	return out
}

func TestBulkExportShuffledLinesStillJoin(t *testing.T) {
	ordered := startServer(t, Options{})
	shuffled := startServer(t, Options{BulkShuffleWindow: 16})
	const q = `{ products { edges { node { id variants { edges { node { id sku } } } } } } }`
	var bodies [2][]byte
	var grouped []byte
	for i, srv := range []*Server{ordered, shuffled} {
		shop := srv.AddShop(ShopConfig{Name: "order"})
		buildBulkCatalog(t, shop, 60)
		_, bodies[i] = runBulkToFile(t, srv, shop, q)
		if srv == shuffled {
			// groupObjects: true promises children after their parent, so
			// it is never shuffled.
			data := query(t, srv, shop, runBulkMutation, map[string]any{"q": q, "g": true})
			id := dig(data, "bulkOperationRunQuery", "bulkOperation", "id").(string)
			_, grouped = runBulkToFileFrom(t, srv, shop, id)
		}
	}
	// Same records (ids differ between the two servers' shops, so compare
	// shapes: the multiset of lines with ids stripped, and each line's
	// parent relation through the join).
	shape := func(body []byte) (lines []string, childBeforeParent bool) {
		seen := map[string]bool{}
		for _, r := range bulkReadLines(t, body) {
			if r.ParentID != "" && !seen[r.ParentID] {
				childBeforeParent = true
			}
			seen[r.ID] = true
			m := bulkDecodeLine(t, r)
			delete(m, "id")
			delete(m, "__parentId")
			lines = append(lines, fmt.Sprint(r.Typename, m))
		}
		slices.Sort(lines)
		return lines, childBeforeParent
	}
	orderedLines, orderedEarly := shape(bodies[0])
	shuffledLines, shuffledEarly := shape(bodies[1])
	require.Equal(t, orderedLines, shuffledLines)
	require.False(t, orderedEarly, "the default order writes parents first")
	require.True(t, shuffledEarly, "a shuffled export put no child before its parent")
	groupedLines, groupedEarly := shape(grouped)
	require.Equal(t, orderedLines, groupedLines)
	require.False(t, groupedEarly, "grouped output was shuffled")

	stats, err := bulk.Join(context.Background(), bytes.NewReader(bodies[1]), t.TempDir(), func(bulk.Record) error { return nil })
	require.NoError(t, err)
	require.Equal(t, len(shuffledLines), stats.Records)
	require.Positive(t, stats.Spilled, "the join had to wait for some parents")
}

func TestBulkExportTopLevelObjectAndReverse(t *testing.T) {
	srv := startServer(t, Options{})
	shop := srv.AddShop(ShopConfig{Name: "toplevel"})
	c := buildBulkCatalog(t, shop, 4)
	p := c.products[3] // three variants
	_, body := runBulkToFile(t, srv, shop, fmt.Sprintf(`{
	  product(id: "%s") { id title variants(reverse: true) { edges { cursor node { id position } } pageInfo { hasNextPage } } }
	}`, gidOf("Product", p.ID)))
	recs := bulkReadLines(t, body)
	require.Len(t, recs, 4)
	require.Equal(t, gidOf("Product", p.ID), recs[0].ID)
	var positions []float64
	for _, r := range recs[1:] {
		require.Equal(t, gidOf("Product", p.ID), r.ParentID)
		positions = append(positions, bulkDecodeLine(t, r)["position"].(float64))
	}
	require.Equal(t, []float64{3, 2, 1}, positions, "reverse: true applies; cursor and pageInfo are not written")
}

func bulkOrNil(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}
