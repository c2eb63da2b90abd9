package applier

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"

	"github.com/shopsync/shopsync/shopify/adminapi"
	"github.com/shopsync/shopsync/shopify/cost"
)

// call is one mutation field of a request: the deltas it carries, how it is
// written into the document and how its answer is read.
type call interface {
	// mutation is the Mutation field, e.g. inventorySetQuantities.
	mutation() string
	// deltas are the deltas the call carries (several only for inventory).
	deltas() []*Delta
	// batchKey identifies the call across retries: derived from its deltas,
	// it is also the @idempotent key of inventory mutations.
	batchKey() string
	// shape names what the call's cost depends on, for the cost cache.
	shape() string
	// write adds the call to b under alias.
	write(b *docBuilder, alias string)
	// settle reads the call's payload (the alias's value in data) into r.
	settle(payload json.RawMessage, r *result)
}

// docBuilder assembles one mutation document of aliased fields.
type docBuilder struct {
	defs   []string
	fields []string
	vars   map[string]any
}

func newDocBuilder() *docBuilder { return &docBuilder{vars: map[string]any{}} }

// variable declares $name of type typ with value v and returns "$name".
func (b *docBuilder) variable(name, typ string, v any) string {
	b.defs = append(b.defs, "$"+name+": "+typ)
	b.vars[name] = v
	return "$" + name
}

func (b *docBuilder) field(s string) { b.fields = append(b.fields, s) }

func (b *docBuilder) document() string {
	var s strings.Builder
	s.WriteString("mutation ShopsyncApply")
	if len(b.defs) > 0 {
		s.WriteString("(" + strings.Join(b.defs, ", ") + ")")
	}
	s.WriteString(" {\n")
	for _, f := range b.fields {
		s.WriteString("  " + f + "\n")
	}
	s.WriteString("}")
	return s.String()
}

// alias names the i-th call of a request.
func alias(i int) string { return "m" + strconv.Itoa(i) }

// batchKeyOf derives a call's key from its mutation and its deltas' ids:
// the same deltas sent again get the same key, which Shopify's @idempotent
// needs (a UUID-shaped string, as its examples use).
func batchKeyOf(store, mutation string, ds []*Delta) string {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	slices.Sort(ids)
	h := sha256.New()
	fmt.Fprintf(h, "shopsync-applier|%s|%s", store, mutation)
	for _, id := range ids {
		fmt.Fprintf(h, "|%d", id)
	}
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x80 // version 8: custom, deterministic
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// costs caches the requested cost of one call per shape: a document holding
// only that call is costed with shopify/cost against the Admin API subset,
// exactly as the transport and fakeshop cost it. Aliased fields add up, so a
// request costs the sum of its calls.
var costs sync.Map // shape → int

func callCost(c call) (int, error) {
	if v, ok := costs.Load(c.shape()); ok {
		return v.(int), nil
	}
	b := newDocBuilder()
	c.write(b, alias(0))
	doc, errs := gqlparser.LoadQuery(adminapi.Schema(), b.document())
	if errs != nil {
		return 0, fmt.Errorf("applier: %s document does not validate: %w", c.mutation(), errs)
	}
	n, err := cost.Requested(adminapi.Schema(), doc.Operations[0], nil)
	if err != nil {
		return 0, fmt.Errorf("applier: cost of %s: %w", c.mutation(), err)
	}
	costs.Store(c.shape(), n)
	return n, nil
}
