package fakeshop

import (
	"errors"
	"strings"
)

func init() {
	register("Mutation", map[string]FieldFunc{
		"bulkOperationRunQuery": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			query, _ := args["query"].(string)
			group, _ := args["groupObjects"].(bool)
			op, err := rc.Shop.RunBulkQuery(rc.Ctx, query, group)
			var rejected *BulkQueryError
			if errors.As(err, &rejected) {
				errs := make([]*Obj, len(rejected.Errors))
				for i, u := range rejected.Errors {
					errs[i] = NewObj("BulkOperationUserError", "field", bulkErrorField(u.Field), "message", u.Message, "code", u.Code)
				}
				return NewObj("BulkOperationRunQueryPayload", "bulkOperation", nil, "userErrors", errs), nil
			}
			if err != nil {
				return nil, err
			}
			return NewObj("BulkOperationRunQueryPayload", "bulkOperation", op, "userErrors", []*Obj{}), nil
		},
		"bulkOperationCancel": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			id, ok, err := idOfType(args["id"], "BulkOperation")
			if err != nil {
				return nil, err
			}
			if !ok {
				id = 0 // another type's id names no bulk operation
			}
			op, err := rc.Shop.CancelBulkOperation(id)
			var uerr *UserError
			if errors.As(err, &uerr) {
				ue := NewObj("UserError", "field", bulkErrorField(uerr.Field), "message", uerr.Message)
				return NewObj("BulkOperationCancelPayload", "bulkOperation", nilIfNone(op), "userErrors", []*Obj{ue}), nil
			}
			if err != nil {
				return nil, err
			}
			return NewObj("BulkOperationCancelPayload", "bulkOperation", op, "userErrors", []*Obj{}), nil
		},
	})

	register("QueryRoot", map[string]FieldFunc{
		"bulkOperation": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			id, ok, err := idOfType(args["id"], "BulkOperation")
			if err != nil || !ok {
				return nil, err
			}
			return rc.Shop.BulkOperation(id), nil
		},
		"bulkOperations": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			items, err := filterItems(rc.Shop.BulkOperations(), args, bulkOperationFilter)
			if err != nil {
				return nil, err
			}
			return newConn(items, bulkOperationSort(args["sortKey"])), nil
		},
		// Deprecated in 2026-01 but still served: the newest operation of
		// the type, whatever its status, or null.
		"currentBulkOperation": func(rc *ResolveContext, _ Object, args map[string]any) (any, error) {
			typ, _ := args["type"].(string)
			if typ == "" {
				typ = "QUERY"
			}
			for _, op := range rc.Shop.BulkOperations() {
				if op.Type == typ {
					return op, nil
				}
			}
			return nil, nil
		},
	})

	register("BulkOperation", map[string]FieldFunc{
		"id":              field(func(o *BulkOperation) any { return o.GID() }),
		"type":            field(func(o *BulkOperation) any { return o.Type }),
		"status":          field(func(o *BulkOperation) any { return o.Status }),
		"errorCode":       field(func(o *BulkOperation) any { return o.ErrorCode }),
		"query":           field(func(o *BulkOperation) any { return o.Query }),
		"createdAt":       field(func(o *BulkOperation) any { return o.CreatedAt }),
		"completedAt":     field(func(o *BulkOperation) any { return o.CompletedAt }),
		"objectCount":     field(func(o *BulkOperation) any { return o.ObjectCount }),
		"rootObjectCount": field(func(o *BulkOperation) any { return o.RootObjectCount }),
		"fileSize":        field(func(o *BulkOperation) any { return o.FileSize }),
		"url":             field(func(o *BulkOperation) any { return o.URL }),
		"partialDataUrl":  field(func(o *BulkOperation) any { return o.PartialDataURL }),
	})

	// The lookup runs under the shop's read lock; bulk state has locks of
	// its own and never takes the shop's (see bulkOps).
	nodeLookups["BulkOperation"] = func(_ *store, shop *Shop, g GID) Object { return nilIfNone(shop.BulkOperation(g.ID)) }
}

// bulkErrorField is a userError's field: nil (JSON null) when there is none.
func bulkErrorField(f []string) any {
	if len(f) == 0 {
		return nil
	}
	return f
}

// bulkOperationFilter is the query: syntax of bulkOperations. Shopify CLI
// filters with created_at:>=<ISO>; status and operation_type are the
// filters its status-based replacement of currentBulkOperation suggests.
var bulkOperationFilter = filterSpec{
	"status":         {kindExact, func(o any) []any { return one(o.(*BulkOperation).Status) }},
	"operation_type": {kindExact, func(o any) []any { return one(o.(*BulkOperation).Type) }},
	"type":           {kindExact, func(o any) []any { return one(o.(*BulkOperation).Type) }},
	"created_at":     {kindTime, func(o any) []any { return one(o.(*BulkOperation).CreatedAt) }},
	"completed_at": {kindTime, func(o any) []any {
		if t := o.(*BulkOperation).CompletedAt; t != nil {
			return one(*t)
		}
		return nil
	}},
	"id": {kindInt, func(o any) []any { return one(o.(*BulkOperation).ID) }},
}

// bulkOperationSort orders bulkOperations newest first, as Shopify's
// default does ([schema]); reverse: true gives oldest first. Ids grow with
// creation, so CREATED_AT sorts by descending id; COMPLETED_AT by
// descending completion, unfinished operations last.
func bulkOperationSort(key any) func(Identified) any {
	if k, _ := key.(string); strings.EqualFold(k, "COMPLETED_AT") {
		return func(it Identified) any {
			if t := it.(*BulkOperation).CompletedAt; t != nil {
				return -t.Unix()
			}
			return int64(1)
		}
	}
	return func(it Identified) any { return -it.NumericID() }
}
