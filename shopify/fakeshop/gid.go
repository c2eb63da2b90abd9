package fakeshop

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// GID is a parsed Shopify global id: gid://shopify/<Type>/<ID>[?<params>].
// Parameterized GIDs (InventoryLevel's ?inventory_item_id=...) keep their
// parameters so a resolver can check them.
type GID struct {
	Type   string
	ID     int64
	Params url.Values
}

const gidPrefix = "gid://shopify/"

// String formats the GID the way Shopify does.
func (g GID) String() string {
	s := gidPrefix + g.Type + "/" + strconv.FormatInt(g.ID, 10)
	if len(g.Params) > 0 {
		s += "?" + g.Params.Encode()
	}
	return s
}

// ParseGID parses a Shopify GID. Only what fakeshop itself could have issued is
// accepted: a known prefix, a type, and a positive numeric id.
func ParseGID(s string) (GID, error) {
	rest, ok := strings.CutPrefix(s, gidPrefix)
	if !ok {
		return GID{}, fmt.Errorf("invalid global id %q", s)
	}
	path, query, _ := strings.Cut(rest, "?")
	typ, num, ok := strings.Cut(path, "/")
	if !ok || typ == "" {
		return GID{}, fmt.Errorf("invalid global id %q", s)
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return GID{}, fmt.Errorf("invalid global id %q", s)
	}
	g := GID{Type: typ, ID: id}
	if query != "" {
		params, err := url.ParseQuery(query)
		if err != nil {
			return GID{}, fmt.Errorf("invalid global id %q: %w", s, err)
		}
		g.Params = params
	}
	return g, nil
}

// gidOf formats the plain GID of a resource.
func gidOf(typ string, id int64) string { return GID{Type: typ, ID: id}.String() }

// inventoryLevelGID formats an InventoryLevel's parameterized GID, the form
// Shopify uses: the level's own number plus the inventory item it belongs to.
func inventoryLevelGID(levelID, itemID int64) string {
	return gidPrefix + "InventoryLevel/" + strconv.FormatInt(levelID, 10) +
		"?inventory_item_id=" + strconv.FormatInt(itemID, 10)
}

// idCounter issues numeric ids for every resource of every shop in the process,
// so ids only grow and never repeat, even across shops: a client that mixes up
// two shops' ids gets "not found" rather than another shop's resource. It
// starts high enough that ids need int64 (like real Shopify ids, which exceed
// 2^32) while staying below 2^53 unless Options.FirstID says otherwise.
var idCounter atomic.Int64

// DefaultFirstID is where ids start unless Options.FirstID is set.
const DefaultFirstID = 7_000_000_000_001

func nextID() int64 {
	for {
		cur := idCounter.Load()
		if cur == 0 {
			idCounter.CompareAndSwap(0, DefaultFirstID-1)
			continue
		}
		if idCounter.CompareAndSwap(cur, cur+1) {
			return cur + 1
		}
	}
}

// raiseIDFloor makes the next issued id at least first; ids never go down.
func raiseIDFloor(first int64) {
	for {
		cur := idCounter.Load()
		if cur >= first-1 {
			return
		}
		if idCounter.CompareAndSwap(cur, first-1) {
			return
		}
	}
}
