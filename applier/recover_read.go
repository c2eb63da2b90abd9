package applier

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/Khan/genqlient/graphql"
)

// recoverVariants reads, before a productSet retried after an interrupted
// attempt, which variants the destination product has now, so that those
// the interrupted attempt created are named by id instead of being created
// again (productSet would delete the first ones and create new ones, losing
// their ids and stock). A failed read leaves the call as it was.
func (w *Writer) recoverVariants(ctx context.Context, pc *productSetCall) {
	n := strconv.Itoa(pc.answerVariants())
	var data struct {
		Product *struct {
			Variants struct {
				Nodes []struct {
					ID              string           `json:"id"`
					SelectedOptions []selectedOption `json:"selectedOptions"`
				} `json:"nodes"`
			} `json:"variants"`
		} `json:"productByIdentifier"`
	}
	req := &graphql.Request{
		OpName: "ShopsyncRecover",
		Query: "query ShopsyncRecover($id: ProductIdentifierInput!) { productByIdentifier(identifier: $id) { id variants(first: " +
			n + ") { nodes { id selectedOptions { name value } } } } }",
		Variables: map[string]any{"id": pc.identifier()},
	}
	if err := w.client.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil || data.Product == nil {
		return
	}
	pc.known = map[string]string{}
	for _, v := range data.Product.Variants.Nodes {
		pc.known[optionsKey(v.SelectedOptions)] = v.ID
	}
	if b, err := json.Marshal(pc.known); err == nil {
		w.log.InfoContext(ctx, "retrying an interrupted productSet with the variants it finds", "delta", pc.d.ID, "variants", string(b))
	}
}
