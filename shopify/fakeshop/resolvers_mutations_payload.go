package fakeshop

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shopsync/shopsync/shopify/adminapi"
)

// mutationFunc resolves one Mutation field from its arguments to its
// payload. Business-rule failures go into the payload's userErrors (HTTP 200,
// data present); a returned error is a GraphQL error at the field, which
// nulls the payload, as Shopify does for malformed ids and oversized input.
type mutationFunc func(rc *ResolveContext, in inputArgs) (any, error)

// maxInputArray is Shopify's limit on every input array ("Input arguments
// that accept an array have a maximum size of 250", FACTS.md §3.2).
const maxInputArray = 250

// mutation adapts a mutationFunc to the registry. Before the resolver runs it
// enforces the 250-item array limit on every list in the arguments, except
// the paths given as uncapped ("input.variants"), which carry their own
// documented limits; and it refuses @idempotent, which only mutations that
// document idempotency accept (see idempotentMutation).
func mutation(f mutationFunc, uncapped ...string) FieldFunc {
	return func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
		if err := checkInputArrays(args, "", uncapped); err != nil {
			return nil, err
		}
		if rc.Field.Directives.ForName("idempotent") != nil {
			// Shopify documents the directive as "only supported on mutations
			// that explicitly document idempotency support"; what it does on
			// others is unverified. Refusing is the safe side: a client that
			// works here does not rely on a key that Shopify may ignore.
			return nil, gqlError(fmt.Sprintf("The @idempotent directive is not supported on %s.", rc.Field.Name), "BAD_REQUEST")
		}
		return f(rc, args)
	}
}

// checkInputArrays walks the arguments and fails on the first list longer
// than maxInputArray, in Shopify's words. The error is a top-level GraphQL
// error (data.<mutation> is null), the shape Shopify answers with
// (extensions.code MAX_INPUT_SIZE_EXCEEDED); its path is the response path,
// where Shopify's names the input field.
func checkInputArrays(v any, path string, uncapped []string) error {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if err := checkInputArrays(x[k], p, uncapped); err != nil {
				return err
			}
		}
	case []any:
		if len(x) > maxInputArray && !slices.Contains(uncapped, path) {
			return gqlError(fmt.Sprintf("The input array size of %d is greater than the maximum allowed of %d.", len(x), maxInputArray), "MAX_INPUT_SIZE_EXCEEDED")
		}
		for _, e := range x {
			if err := checkInputArrays(e, path, uncapped); err != nil {
				return err
			}
		}
	}
	return nil
}

// withShop fills the non-null shop field some payloads have
// (productCreate, productDelete, collectionDelete), failed ones included.
func withShop(f mutationFunc) mutationFunc {
	return func(rc *ResolveContext, in inputArgs) (any, error) {
		out, err := f(rc, in)
		if o, ok := out.(*Obj); ok && err == nil {
			o.Fields["shop"] = rc.Shop
		}
		return out, err
	}
}

// payloadObj builds a mutation payload of type typ from field/value pairs.
// The type's fields left out are null, or an empty list where the schema
// says non-null list (userErrors), so any selection resolves.
func payloadObj(typ string, kv ...any) *Obj {
	o := NewObj(typ, kv...)
	def := adminapi.Schema().Types[typ]
	if def == nil {
		panic("fakeshop: no schema type " + typ)
	}
	for _, f := range def.Fields {
		if _, ok := o.Fields[f.Name]; ok {
			continue
		}
		if f.Type.Elem != nil && f.Type.NonNull {
			o.Fields[f.Name] = []any{}
		} else {
			o.Fields[f.Name] = nil
		}
	}
	return o
}

// userErrorList types errs as the payload's error type typ (UserError,
// ProductSetUserError, ...). A code that the type's code enum lacks becomes
// null rather than an invalid enum value.
func userErrorList(typ string, errs ...*UserError) []*Obj {
	def := adminapi.Schema().Types[typ]
	var enum string
	if f := def.Fields.ForName("code"); f != nil {
		enum = f.Type.Name()
	}
	out := make([]*Obj, 0, len(errs))
	for _, e := range errs {
		var field any
		if len(e.Field) > 0 {
			field = e.Field
		}
		o := NewObj(typ, "field", field, "message", e.Message)
		if enum != "" {
			var code any
			if adminapi.Schema().Types[enum].EnumValues.ForName(e.Code) != nil {
				code = e.Code
			}
			o.Fields["code"] = code
		}
		out = append(out, o)
	}
	return out
}

// asUserError splits a Shop method's error: a *UserError comes back as a
// copy with prefix (the argument it came from) put before its field and its
// code translated through codes, the payload's enum spelling of the same
// failure; anything else is returned as a GraphQL error.
func asUserError(err error, codes map[string]string, prefix ...string) (*UserError, error) {
	var ue *UserError
	if !errors.As(err, &ue) {
		return nil, err
	}
	cp := *ue
	cp.Field = append(slices.Clone(prefix), ue.Field...)
	if to, ok := codes[cp.Code]; ok {
		cp.Code = to
	}
	return &cp, nil
}

// failure is the payload for a Shop method's error: its userErrors, or the
// GraphQL error when it is not a business failure.
func failure(err error, payload, errType string, codes map[string]string, prefix ...string) (any, error) {
	ue, gerr := asUserError(err, codes, prefix...)
	if gerr != nil {
		return nil, gerr
	}
	return payloadObj(payload, "userErrors", userErrorList(errType, ue)), nil
}

// failed is a payload carrying userErrors and nothing else.
func failed(payload, errType string, errs ...*UserError) *Obj {
	return payloadObj(payload, "userErrors", userErrorList(errType, errs...))
}

// blank reports a missing or whitespace-only string.
func blank(s *string) bool { return s == nil || strings.TrimSpace(*s) == "" }

// jobObj is a Job that is already done: fakeshop applies the work of
// Shopify's asynchronous mutations (orderCancel, collectionRemoveProducts)
// before answering, so a client polling the job sees it finished.
func jobObj() *Obj {
	return NewObj("Job", "id", "gid://shopify/Job/"+jobUUID(), "done", true, "query", queryRoot{})
}

// jobUUID is a random version-4 UUID, the form of Shopify's Job ids.
func jobUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
