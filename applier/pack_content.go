package applier

import (
	"encoding/json"
	"fmt"
)

// contentCalls are the calls of one content delta (collection,
// collection_product, page, blog, article), or the result that settles it
// without a call.
func (p packer) contentCalls(d *Delta) ([]call, *deltaResult) {
	if d.Resource == "collection_product" {
		var md membersDesired
		if err := json.Unmarshal(d.Desired, &md); err != nil || d.targetGID() == "" {
			return nil, &deltaResult{verdict: refused, err: fmt.Sprintf("desired is not a membership change: %v", err)}
		}
		calls := membersCalls(p.store, d, md)
		if len(calls) == 0 {
			return nil, &deltaResult{verdict: skipped, noop: true, err: "no member to add or remove (" + describeMembers(md) + ")"}
		}
		return calls, nil
	}
	kind := contentKinds[d.Resource]
	if kind == nil {
		return nil, &deltaResult{verdict: refused, err: fmt.Sprintf("the applier does not carry out %s %s", d.Resource, d.Operation)}
	}
	gone := d.CurrentVersion == nil && d.Operation != "create"
	if !gone && d.resumeKey == "" {
		if stale, why := d.stale(); stale {
			return nil, &deltaResult{verdict: skipped, err: why}
		}
	}
	switch d.Operation {
	case "delete":
		if gone {
			return nil, &deltaResult{verdict: skipped, noop: true, err: "the " + d.Resource + " is gone from the destination already"}
		}
		return []call{&contentDeleteCall{store: p.store, d: d, kind: kind}}, nil
	case "create", "update", "unpublish":
		if gone && d.Operation == "unpublish" {
			return nil, &deltaResult{verdict: skipped, noop: true, err: "the " + d.Resource + " is gone from the destination already"}
		}
		var desired map[string]json.RawMessage
		if err := json.Unmarshal(d.Desired, &desired); err != nil {
			return nil, &deltaResult{verdict: refused, err: fmt.Sprintf("desired is not an object: %v", err)}
		}
		create := d.Operation == "create"
		if create {
			// An explicit handle makes a retried create safe: Shopify
			// refuses a taken handle (TAKEN) instead of making a second
			// object under handle-1.
			var h string
			if json.Unmarshal(desired["handle"], &h) != nil || h == "" {
				return nil, &deltaResult{verdict: refused, err: "a create without a handle cannot be retried safely: refused"}
			}
		}
		return []call{&contentWriteCall{store: p.store, d: d, kind: kind, desired: desired, create: create}}, nil
	}
	return nil, &deltaResult{verdict: refused, err: fmt.Sprintf("the applier does not carry out %s %s", d.Resource, d.Operation)}
}

// isContent reports whether a delta belongs to the content family.
func isContent(resource string) bool {
	switch resource {
	case "collection", "collection_product", "page", "blog", "article":
		return true
	}
	return false
}
