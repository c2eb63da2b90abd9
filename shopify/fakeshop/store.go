package fakeshop

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// store is a shop's resources. Its methods assume the caller holds the shop's
// lock (read for lookups, write through tx for changes).
type store struct {
	products    *table[Product]
	variants    *table[Variant]
	items       *table[InventoryItem]
	levels      *table[InventoryLevel]
	locations   *table[Location]
	collections *table[Collection]
	pages       *table[Page]
	blogs       *table[Blog]
	articles    *table[Article]
	orders      *table[Order]
	webhooks    *table[WebhookSubscription]

	// levelByKey finds a level by (item, location); byItem and byLocation
	// list level ids in creation order, so per-item and per-location reads
	// do not scan every level of the shop.
	levelByKey      map[levelKey]int64
	levelsByItem    map[int64][]int64
	levelsByLocaton map[int64][]int64
	// handles maps "<kind>/<handle>" to the owner's id: handles are unique
	// per resource type (per blog for articles).
	handles map[string]int64
}

type levelKey struct{ item, location int64 }

func newStore() *store {
	return &store{
		products:        newTable[Product](),
		variants:        newTable[Variant](),
		items:           newTable[InventoryItem](),
		levels:          newTable[InventoryLevel](),
		locations:       newTable[Location](),
		collections:     newTable[Collection](),
		pages:           newTable[Page](),
		blogs:           newTable[Blog](),
		articles:        newTable[Article](),
		orders:          newTable[Order](),
		webhooks:        newTable[WebhookSubscription](),
		levelByKey:      map[levelKey]int64{},
		levelsByItem:    map[int64][]int64{},
		levelsByLocaton: map[int64][]int64{},
		handles:         map[string]int64{},
	}
}

func (st *store) level(item, location int64) *InventoryLevel {
	id, ok := st.levelByKey[levelKey{item, location}]
	if !ok {
		return nil
	}
	return st.levels.get(id)
}

// putLevel stores a level, indexing it if it is new.
func (st *store) putLevel(l *InventoryLevel) {
	if st.levels.get(l.ID) == nil {
		st.levelByKey[levelKey{l.ItemID, l.LocationID}] = l.ID
		st.levelsByItem[l.ItemID] = append(st.levelsByItem[l.ItemID], l.ID)
		st.levelsByLocaton[l.LocationID] = append(st.levelsByLocaton[l.LocationID], l.ID)
	}
	st.levels.put(l.ID, l)
}

func (st *store) removeLevel(l *InventoryLevel) {
	st.levels.remove(l.ID)
	delete(st.levelByKey, levelKey{l.ItemID, l.LocationID})
	st.levelsByItem[l.ItemID] = slices.DeleteFunc(st.levelsByItem[l.ItemID], func(id int64) bool { return id == l.ID })
	st.levelsByLocaton[l.LocationID] = slices.DeleteFunc(st.levelsByLocaton[l.LocationID], func(id int64) bool { return id == l.ID })
}

// levelsOfItem lists an item's levels in level-id order.
func (st *store) levelsOfItem(item int64) []*InventoryLevel {
	return st.levelsFrom(st.levelsByItem[item])
}

func (st *store) levelsAtLocation(location int64) []*InventoryLevel {
	return st.levelsFrom(st.levelsByLocaton[location])
}

func (st *store) levelsFrom(ids []int64) []*InventoryLevel {
	out := make([]*InventoryLevel, 0, len(ids))
	for _, id := range ids {
		if l := st.levels.get(id); l != nil {
			out = append(out, l)
		}
	}
	return out
}

func (st *store) variantsOf(p *Product) []*Variant {
	out := make([]*Variant, 0, len(p.VariantIDs))
	for _, id := range p.VariantIDs {
		if v := st.variants.get(id); v != nil {
			out = append(out, v)
		}
	}
	return out
}

// available is a variant's sellable quantity over all locations.
func (st *store) available(v *Variant) int {
	n := 0
	for _, l := range st.levelsOfItem(v.InventoryItemID) {
		n += l.Quantity(QtyAvailable)
	}
	return n
}

var nonHandleChars = regexp.MustCompile(`[^a-z0-9]+`)

// handleize derives a handle from a title the way Shopify does: lower case,
// runs of anything but letters and digits become one hyphen.
func handleize(title string) string {
	h := strings.Trim(nonHandleChars.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if h == "" {
		h = "untitled"
	}
	return h
}

// claimHandle reserves a handle of kind for id. An explicit handle that is
// taken is an error (HANDLE_NOT_UNIQUE/TAKEN in Shopify); a derived one gets a
// numeric suffix until it is free, as Shopify does.
func (st *store) claimHandle(kind, explicit, title string, id int64) (string, error) {
	if explicit != "" {
		if owner, ok := st.handles[kind+"/"+explicit]; ok && owner != id {
			return "", &UserError{Field: []string{"handle"}, Code: "TAKEN", Message: fmt.Sprintf("Handle '%s' already in use. Please provide a new handle.", explicit)}
		}
		st.handles[kind+"/"+explicit] = id
		return explicit, nil
	}
	base := handleize(title)
	h := base
	for n := 1; ; n++ {
		if owner, ok := st.handles[kind+"/"+h]; !ok || owner == id {
			break
		}
		h = base + "-" + strconv.Itoa(n)
	}
	st.handles[kind+"/"+h] = id
	return h, nil
}

func (st *store) releaseHandle(kind, handle string) { delete(st.handles, kind+"/"+handle) }

// UserError is a business-rule failure of a Shop method: Shopify reports these
// as a mutation's userErrors (FACTS.md §4), so mutation resolvers turn it into
// one, prefixing Field with the argument it came from. Code is the mutation's
// error-code enum value where Shopify has one.
type UserError struct {
	Field   []string
	Code    string
	Message string
}

func (e *UserError) Error() string {
	if len(e.Field) == 0 {
		return e.Message
	}
	return strings.Join(e.Field, ".") + ": " + e.Message
}

func notFound(field []string, what string, id int64) *UserError {
	return &UserError{Field: field, Code: "NOT_FOUND", Message: fmt.Sprintf("%s %d does not exist", what, id)}
}
