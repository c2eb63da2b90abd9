package applier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/Khan/genqlient/graphql"

	"github.com/shopsync/shopsync/shopify/client"
	"github.com/shopsync/shopsync/shopify/transport"
)

// ErrStoreUnavailable wraps answers that no retry can change while the
// store stays as it is (a revoked token, a frozen or locked shop): the Writer
// stops instead of failing every delta.
var ErrStoreUnavailable = errors.New("applier: destination store refuses the app")

// sent is what one HTTP request of a part came back with.
type sent struct {
	requested, actual int
	status            *throttleStatus
	latency           time.Duration
}

type throttleStatus struct {
	MaximumAvailable   float64 `json:"maximumAvailable"`
	CurrentlyAvailable float64 `json:"currentlyAvailable"`
	RestoreRate        float64 `json:"restoreRate"`
}

// sendPart sends one HTTP request carrying part as aliased mutations and
// settles each call's answer into r. It returns an error only when the
// Writer must stop: the context ended, or the store refuses the app.
func (w *Writer) sendPart(ctx context.Context, part []call, partCost int, r *result) (sent, error) {
	// Creates carry their stock, found now (create_stock.go), which sets
	// the part's cost.
	if n, err := w.stockCreates(ctx, part); err != nil {
		if ctx.Err() != nil {
			return sent{}, context.Cause(ctx)
		}
		// Without the stock the creates go as they are: the planner sets
		// the levels afterwards.
		w.log.WarnContext(ctx, "creates go without their stock", "err", err)
	} else {
		partCost = n
	}
	b := newDocBuilder()
	for i, c := range part {
		c.write(b, alias(i))
	}
	var data map[string]json.RawMessage
	resp := &graphql.Response{Data: &data}
	req := &graphql.Request{Query: b.document(), Variables: b.vars, OpName: "ShopsyncApply"}

	// The request's cost is known exactly (the calls' costs add up), so the
	// transport reserves that instead of parsing the document again.
	ctx = transport.WithCost(ctx, partCost)
	var wrote atomic.Int64
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(time.Now().UnixNano()) },
	})
	err := w.client.MakeRequest(ctx, req, resp)
	var s sent
	if at := wrote.Load(); at > 0 {
		s.latency = time.Since(time.Unix(0, at))
	}
	s.requested, s.actual, s.status = readCost(resp.Extensions)
	if s.requested == 0 {
		s.requested = partCost
	}

	var all []*Delta
	for _, c := range part {
		all = append(all, c.deltas()...)
	}
	aliasErrs := map[string][]string{}
	if err != nil {
		var ue *client.UserErrors
		var ae *client.APIError
		var he *client.HTTPError
		switch {
		case errors.As(err, &ue):
			// Read per alias below: each call has its own userErrors.
		case errors.As(err, &ae):
			var general []string
			transient := false
			for _, ge := range ae.Errors {
				msg := ge.Message
				if ge.Code != "" {
					msg = string(ge.Code) + ": " + msg
				}
				if a, ok := pathAlias(ge.Path); ok {
					aliasErrs[a] = append(aliasErrs[a], msg)
					continue
				}
				general = append(general, msg)
				transient = transient || ge.Code == client.CodeThrottled || ge.Code == client.CodeInternalServerError
			}
			if len(general) > 0 {
				v := refused
				if transient {
					v = retry
				}
				r.failAll(all, v, strings.Join(general, "; "))
				return s, nil
			}
		case errors.As(err, &he):
			msg := he.Error()
			switch {
			case he.StatusCode == http.StatusUnauthorized || he.StatusCode == http.StatusPaymentRequired ||
				he.StatusCode == http.StatusForbidden || he.StatusCode == http.StatusNotFound || he.StatusCode == http.StatusLocked:
				r.failAll(all, retry, msg)
				return s, fmt.Errorf("%w: %s", ErrStoreUnavailable, msg)
			case he.StatusCode >= 500 || he.StatusCode == http.StatusTooManyRequests:
				r.failAll(all, retry, msg)
			default:
				r.failAll(all, refused, msg)
			}
			return s, nil
		default:
			if ctx.Err() != nil {
				return s, context.Cause(ctx)
			}
			// The network, or Shopify's servers after the transport's own
			// retries: the deltas stay pending.
			r.failAll(all, retry, err.Error())
			return s, nil
		}
	}
	for i, c := range part {
		a := alias(i)
		if msgs := aliasErrs[a]; len(msgs) > 0 {
			r.failAll(c.deltas(), refused, strings.Join(msgs, "; "))
			continue
		}
		payload, ok := data[a]
		if !ok || len(payload) == 0 || isNull(payload) {
			r.failAll(c.deltas(), retry, "no answer for "+c.mutation())
			continue
		}
		c.settle(payload, r)
	}
	return s, nil
}

// pathAlias is the alias a field error's path starts with.
func pathAlias(path []any) (string, bool) {
	if len(path) == 0 {
		return "", false
	}
	s, ok := path[0].(string)
	return s, ok && strings.HasPrefix(s, "m")
}

// readCost reads extensions.cost.
func readCost(ext map[string]any) (requested, actual int, status *throttleStatus) {
	raw, ok := ext["cost"]
	if !ok {
		return 0, 0, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return 0, 0, nil
	}
	var c struct {
		Requested float64         `json:"requestedQueryCost"`
		Actual    *float64        `json:"actualQueryCost"`
		Status    *throttleStatus `json:"throttleStatus"`
	}
	if json.Unmarshal(b, &c) != nil {
		return 0, 0, nil
	}
	requested = int(c.Requested)
	if c.Actual != nil {
		actual = int(*c.Actual)
	}
	return requested, actual, c.Status
}
