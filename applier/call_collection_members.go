package applier

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

// maxMembersPerCall is how many product ids one membership call (or a
// collectionCreate's products) carries: Shopify's 250 per input array.
const maxMembersPerCall = 250

// membersDesired is a collection_product delta's desired: destination
// product GIDs to add to the target collection and to remove from it.
type membersDesired struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// collectionMembersCall adds products to a custom collection
// (collectionAddProducts) or removes them (collectionRemoveProducts), up to
// maxMembersPerCall at a time. Both are deprecated in 2026-01 in favour of
// collectionUpdate's inclusion, but still served (FACTS.md §4.7), and both
// are idempotent: adding a member twice or removing a non-member changes
// nothing, so a retried call is safe. One delta may need several calls; its
// verdict is the worst of theirs (see settleShared).
type collectionMembersCall struct {
	store    string
	d        *Delta
	add      bool
	products []string
}

func (c *collectionMembersCall) mutation() string {
	if c.add {
		return "collectionAddProducts"
	}
	return "collectionRemoveProducts"
}
func (c *collectionMembersCall) deltas() []*Delta { return []*Delta{c.d} }
func (c *collectionMembersCall) batchKey() string {
	return batchKeyOf(c.store, c.mutation(), []*Delta{c.d})
}
func (c *collectionMembersCall) shape() string { return c.mutation() }

func (c *collectionMembersCall) write(b *docBuilder, a string) {
	id := b.variable("id"+a, "ID!", c.d.targetGID())
	ps := b.variable("p"+a, "[ID!]!", c.products)
	sel := "job { id done }"
	if c.add {
		sel = "collection { id }"
	}
	b.field(a + ": " + c.mutation() + "(id: " + id + ", productIds: " + ps + ") { " + sel + " userErrors { field message } }")
}

func (c *collectionMembersCall) settle(payload json.RawMessage, r *result) {
	after, _ := json.Marshal(map[string]any{"collection_gid": c.d.targetGID(), "add": c.add, "products": c.products})
	var p struct {
		UserErrors []userError `json:"userErrors"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		settleShared(r, c.d, deltaResult{verdict: retry, err: "unreadable answer: " + err.Error(), after: after})
		return
	}
	if len(p.UserErrors) > 0 {
		settleShared(r, c.d, deltaResult{verdict: refused, err: joinUserErrors(p.UserErrors), after: after})
		return
	}
	// The destination mirror's membership as the call left it.
	now := time.Now().UTC()
	for _, pg := range c.products {
		if c.add {
			r.batch.Rows = append(r.batch.Rows, &mirror.CollectionProduct{Store: c.store, CollectionGID: c.d.targetGID(), ProductGID: pg})
		} else {
			r.batch.Deletions = append(r.batch.Deletions, mirror.Deletion{Store: c.store, Resource: events.CollectionProduct,
				GID: c.d.targetGID() + " " + pg, At: &now})
		}
	}
	settleShared(r, c.d, deltaResult{verdict: applied, targetGID: c.d.targetGID(), after: after})
}

// settleShared records one call's verdict for a delta that several calls
// carry: a failure stands over a success, and a refusal over a retry.
func settleShared(r *result, d *Delta, dr deltaResult) {
	if prev := r.deltas[d.ID]; prev != nil {
		rank := func(v verdict) int {
			switch v {
			case refused:
				return 2
			case retry:
				return 1
			}
			return 0
		}
		if rank(prev.verdict) >= rank(dr.verdict) {
			return
		}
	}
	r.set(d, dr)
}

// membersCalls splits a collection_product delta into its calls: removals
// first (a product moved between collections leaves before it arrives
// elsewhere; order within one collection does not matter), each at most
// maxMembersPerCall products.
func membersCalls(store string, d *Delta, md membersDesired) []call {
	var out []call
	for _, set := range []struct {
		add bool
		ids []string
	}{{false, md.Remove}, {true, md.Add}} {
		for ids := set.ids; len(ids) > 0; {
			n := min(len(ids), maxMembersPerCall)
			out = append(out, &collectionMembersCall{store: store, d: d, add: set.add, products: ids[:n]})
			ids = ids[n:]
		}
	}
	return out
}

// describeMembers is a short text of a membership change, for errors.
func describeMembers(md membersDesired) string {
	return "+" + strconv.Itoa(len(md.Add)) + " -" + strconv.Itoa(len(md.Remove))
}
