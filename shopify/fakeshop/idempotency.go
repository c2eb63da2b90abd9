package fakeshop

import (
	"container/list"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// Idempotency keys (@idempotent(key:)), as 2026-01 serves them on
// inventorySetQuantities, inventoryAdjustQuantities and inventoryActivate
// (the only mutations of shopsync's subset whose descriptions document the
// directive). The key is optional in 2026-01 (required from 2026-04). With a
// key:
//   - an empty or whitespace-only key is invalid (the directive's own
//     description says so); fakeshop answers a GraphQL error, as for other
//     invalid arguments (Shopify's exact shape is unverified);
//   - the first request with a key runs and its answer is remembered;
//   - a repeat with the same input answers the remembered result without
//     applying anything again;
//   - the same key with different input (or on another mutation) is
//     IDEMPOTENCY_KEY_PARAMETER_MISMATCH, while the first is still running
//     IDEMPOTENCY_CONCURRENT_REQUEST;
//   - if the first attempt failed with userErrors, a repeat is
//     IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("Retry with a new idempotency
//     key", the enum's description). Whether Shopify instead replays the
//     original userErrors is unverified; either way the client must not
//     retry with the same key.
//
// Keys are kept per shop for idempotencyTTL on the shop clock (Shopify's
// retention window is reported as 24 hours) and at most idempotencyMaxKeys
// of them, the oldest forgotten first.
const (
	idempotencyTTL     = 24 * time.Hour
	idempotencyMaxKeys = 10_000
)

// idempotencyKeys is one shop's remembered keys, oldest first.
type idempotencyKeys struct {
	mu      sync.Mutex
	entries map[string]*list.Element // of *idemEntry
	order   list.List
}

type idemState int

const (
	idemRunning idemState = iota
	idemDone
	idemFailed
)

type idemEntry struct {
	key         string
	fingerprint string
	state       idemState
	result      any
	at          time.Time
}

// idemVerdict is what to do with a request carrying a key: run it (and then
// finish or abandon the key), answer a remembered result, or answer the
// IDEMPOTENCY_* user error in code.
type idemVerdict struct {
	run    bool
	replay any
	code   string
}

// begin claims key for a request whose input has fingerprint fp.
func (k *idempotencyKeys) begin(key, fp string, now time.Time) idemVerdict {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.entries == nil {
		k.entries = map[string]*list.Element{}
	}
	k.expire(now)
	if el, ok := k.entries[key]; ok {
		e := el.Value.(*idemEntry)
		switch {
		case e.fingerprint != fp:
			return idemVerdict{code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"}
		case e.state == idemRunning:
			return idemVerdict{code: "IDEMPOTENCY_CONCURRENT_REQUEST"}
		case e.state == idemFailed:
			return idemVerdict{code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"}
		}
		return idemVerdict{replay: e.result}
	}
	for k.order.Len() >= idempotencyMaxKeys {
		k.forget(k.order.Front())
	}
	k.entries[key] = k.order.PushBack(&idemEntry{key: key, fingerprint: fp, at: now})
	return idemVerdict{run: true}
}

// finish records the answer of the request that claimed key.
func (k *idempotencyKeys) finish(key string, result any, failed bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if el, ok := k.entries[key]; ok {
		e := el.Value.(*idemEntry)
		e.result, e.state = result, idemDone
		if failed {
			e.state = idemFailed
		}
	}
}

// abandon forgets a key whose request never ran (a GraphQL error such as a
// malformed id): nothing was attempted, so a corrected retry may use it.
func (k *idempotencyKeys) abandon(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if el, ok := k.entries[key]; ok {
		k.forget(el)
	}
}

func (k *idempotencyKeys) expire(now time.Time) {
	for el := k.order.Front(); el != nil; el = k.order.Front() {
		if now.Sub(el.Value.(*idemEntry).at) < idempotencyTTL {
			return
		}
		k.forget(el)
	}
}

func (k *idempotencyKeys) forget(el *list.Element) {
	delete(k.entries, el.Value.(*idemEntry).key)
	k.order.Remove(el)
}

// idemMessages are the messages of the IDEMPOTENCY_* codes (the enum
// descriptions of the 2026-01 schema).
var idemMessages = map[string]string{
	"IDEMPOTENCY_KEY_PARAMETER_MISMATCH":  "The same idempotency key cannot be used with different operation parameters.",
	"IDEMPOTENCY_CONCURRENT_REQUEST":      "This request is currently in progress, please try again.",
	"IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED": "A previous request with this idempotency key failed. Retry with a new idempotency key.",
}

// idempotentMutation is mutation for the mutations that accept
// @idempotent(key:); payload and errType name the payload and its userErrors
// type, for the IDEMPOTENCY_* answers.
func idempotentMutation(f mutationFunc, payload, errType string) FieldFunc {
	return func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
		if err := checkInputArrays(args, "", nil); err != nil {
			return nil, err
		}
		d := rc.Field.Directives.ForName("idempotent")
		if d == nil {
			return f(rc, args)
		}
		key, _ := d.ArgumentMap(rc.Vars)["key"].(string)
		if strings.TrimSpace(key) == "" {
			return nil, gqlError("The idempotency key cannot be an empty string or whitespace only.", "BAD_REQUEST")
		}
		fp, err := json.Marshal(map[string]any{"mutation": rc.Field.Name, "args": args})
		if err != nil {
			return nil, err
		}
		keys := &rc.Shop.idem
		v := keys.begin(key, string(fp), rc.Shop.clock())
		switch {
		case v.code != "":
			return failed(payload, errType, &UserError{Code: v.code, Message: idemMessages[v.code]}), nil
		case !v.run:
			return v.replay, nil
		}
		out, err := f(rc, args)
		if err != nil {
			keys.abandon(key)
			return nil, err
		}
		keys.finish(key, out, hasUserErrors(out))
		return out, nil
	}
}

// hasUserErrors reports whether a payload carries userErrors.
func hasUserErrors(payload any) bool {
	o, ok := payload.(*Obj)
	if !ok {
		return false
	}
	errs, _ := o.Fields["userErrors"].([]*Obj)
	return len(errs) > 0
}
