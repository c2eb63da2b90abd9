package applier

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/shopsync/shopsync/mirror"
)

// verdict is what became of one delta in one attempt.
type verdict int

const (
	// applied: Shopify made the write.
	applied verdict = iota
	// refused: Shopify refused it (userErrors) or it is stale; the delta
	// fails for good with the reason.
	refused
	// retry: the write did not happen for a reason that may pass (the
	// network, Shopify's servers, a batch refused for another item); the
	// delta stays pending.
	retry
	// skipped: nothing was sent (the target changed since planned, or there
	// is nothing to do); the delta is superseded, with the reason, or is
	// applied as a no-op.
	skipped
)

// deltaResult is one delta's verdict with its reason.
type deltaResult struct {
	verdict verdict
	err     string
	// noop marks a skip that counts as applied (nothing left to do).
	noop bool
	// now retries without waiting: the delta was only held up by another.
	now bool
	// targetGID is the object written, once known (a create's new GID).
	targetGID string
	// after is what was written, for the audit.
	after json.RawMessage
	// warning is said in the audit row of a write that succeeded with a
	// caveat (an order line sent as a custom line item).
	warning string
}

// result is what a request's answer means: per delta a verdict, and what
// the outcome transaction must write besides the deltas' statuses.
type result struct {
	deltas map[int64]*deltaResult

	// batch holds mirror rows built whole from the answer (productSet,
	// inventoryActivate) and deletions (productDelete).
	batch mirror.Batch
	// Patches of mirror rows the answer changed in part: the rest of the row
	// is read from the mirror in the outcome transaction.
	variantPatches []variantPatch
	levelPatches   []levelPatch
	statusPatches  []statusPatch
	// pairs are the id_map rows to record (creates and new variants).
	pairs []idPair
	// echoes are the applier_writes rows to record.
	echoes []echo
	// stocked are the levels product creates stocked (create_stock.go).
	stocked []stockedLevel
}

func newResult() *result { return &result{deltas: map[int64]*deltaResult{}} }

func (r *result) set(d *Delta, dr deltaResult) { r.deltas[d.ID] = &dr }

// failAll gives every delta of ds the same verdict.
func (r *result) failAll(ds []*Delta, v verdict, err string) {
	for _, d := range ds {
		r.set(d, deltaResult{verdict: v, err: err})
	}
}

type variantPatch struct {
	productGID     string
	gid            string
	price          *string
	compareAtPrice json.RawMessage // a string, null, or absent (unchanged)
	updatedAt      *time.Time
}

type levelPatch struct {
	item, location string
	available      *int
	onHand         *int
	at             *time.Time
}

type statusPatch struct {
	gid       string
	status    string
	updatedAt *time.Time
}

type idPair struct {
	linkID                    int64
	resource                  string
	sourceGID, destinationGID string
}

// echo is one applier_writes row. For products and variants the content
// hash is read from the mirror once the answer is applied to it.
type echo struct {
	deltaID  int64
	resource string
	gid      string
	location string
	quantity *int
	key      string
}

// userError is one entry of a payload's userErrors.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

func (u userError) String() string {
	var b strings.Builder
	if u.Code != "" {
		b.WriteString(u.Code + ": ")
	}
	b.WriteString(u.Message)
	if len(u.Field) > 0 {
		b.WriteString(" (" + strings.Join(u.Field, ".") + ")")
	}
	return b.String()
}

// index is the list position a userError's field names after the list
// named list (e.g. ["input","quantities","3","quantity"] → 3), or -1.
func (u userError) index(list string) int {
	for i := 0; i+1 < len(u.Field); i++ {
		if u.Field[i] == list {
			if n, err := strconv.Atoi(u.Field[i+1]); err == nil {
				return n
			}
		}
	}
	return -1
}

func joinUserErrors(ues []userError) string {
	parts := make([]string, len(ues))
	for i, u := range ues {
		parts[i] = u.String()
	}
	return strings.Join(parts, "; ")
}

func parseTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}
