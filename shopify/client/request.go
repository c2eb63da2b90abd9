package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/Khan/genqlient/graphql"

	"github.com/shopsync/shopsync/shopify/transport"
)

// maxErrorBody bounds how much of a non-200 body is read for its message.
const maxErrorBody = 64 << 10

// envelope is a GraphQL answer with data left raw, to be decoded into the
// generated response type and scanned for userErrors.
type envelope struct {
	Data       json.RawMessage `json:"data"`
	Errors     []wireError     `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

type wireError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// MakeRequest implements graphql.Client: it posts req, decodes the data into
// resp.Data and returns an *APIError, *HTTPError or *UserErrors as the
// answer warrants (see the package comment). Data that came with an error is
// decoded all the same.
func (c *Client) MakeRequest(ctx context.Context, req *graphql.Request, resp *graphql.Response) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("shopify %s %s: encoding request: %w", c.shop, req.OpName, err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("shopify %s %s: %w", c.shop, req.OpName, err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set("Accept", "application/json")
	if c.token != "" {
		httpReq.Header.Set(transport.HeaderAccessToken, c.token)
	}
	httpResp, err := c.http.Do(httpReq)
	if err != nil {
		// The transport's errors never hold the token; a caller's own
		// HTTPClient is scrubbed here in case its errors echo the request.
		return fmt.Errorf("shopify %s %s: %w", c.shop, req.OpName, scrub(err, c.token))
	}
	defer httpResp.Body.Close()

	if httpResp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(httpResp.Body, maxErrorBody))
		return c.statusError(req.OpName, httpResp.StatusCode, raw)
	}
	var env envelope
	if err := json.NewDecoder(httpResp.Body).Decode(&env); err != nil {
		return fmt.Errorf("shopify %s %s: decoding response: %w", c.shop, req.OpName, err)
	}
	resp.Extensions = env.Extensions
	if len(env.Data) > 0 && !bytes.Equal(env.Data, []byte("null")) && resp.Data != nil {
		if err := json.Unmarshal(env.Data, resp.Data); err != nil {
			return fmt.Errorf("shopify %s %s: decoding data: %w", c.shop, req.OpName, err)
		}
	}
	if len(env.Errors) > 0 {
		return c.apiError(req.OpName, http.StatusOK, env.Errors)
	}
	if isMutation(req.Query) {
		if ue := c.userErrors(env.Data); ue != nil {
			return ue
		}
	}
	return nil
}

// statusError maps a non-200 answer: a GraphQL errors list (THROTTLED with
// 429) is an *APIError, anything else an *HTTPError.
func (c *Client) statusError(op string, status int, raw []byte) error {
	var env envelope
	if json.Unmarshal(raw, &env) == nil && len(env.Errors) > 0 {
		return c.apiError(op, status, env.Errors)
	}
	// Shopify's 401/402/403/404/423 bodies are {"errors":"<text>"}.
	var text struct {
		Errors string `json:"errors"`
	}
	msg := ""
	if json.Unmarshal(raw, &text) == nil && text.Errors != "" {
		msg = text.Errors
	} else {
		msg = strings.TrimSpace(string(raw))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
	}
	return &HTTPError{Shop: c.shop, Operation: op, StatusCode: status, Message: scrubString(msg, c.token)}
}

func (c *Client) apiError(op string, status int, wire []wireError) *APIError {
	e := &APIError{Shop: c.shop, Operation: op, StatusCode: status, Errors: make([]GraphQLError, len(wire))}
	for i, w := range wire {
		e.Errors[i] = GraphQLError{Message: w.Message, Code: ErrorCode(w.Extensions.Code), Path: w.Path}
	}
	return e
}

// isMutation reports whether a genqlient operation document is a mutation;
// genqlient writes "mutation Name (…) {" first.
func isMutation(query string) bool {
	return strings.HasPrefix(strings.TrimSpace(query), "mutation")
}

// userErrors finds the userErrors of every mutation field in data. Every
// mutation operation in operations/ selects them; a payload that also has a
// specific list (orderCancelUserErrors) is read from that one.
func (c *Client) userErrors(data json.RawMessage) *UserErrors {
	var fields map[string]map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return nil
	}
	var out *UserErrors
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		payload := fields[name]
		var list []UserError
		for key, raw := range payload {
			if key != "userErrors" && !strings.HasSuffix(key, "UserErrors") {
				continue
			}
			var l []UserError
			if json.Unmarshal(raw, &l) == nil && len(l) > 0 && (len(list) == 0 || key != "userErrors") {
				list = l
			}
		}
		if len(list) == 0 {
			continue
		}
		if out == nil {
			out = &UserErrors{Shop: c.shop, Mutation: name}
		} else {
			out.Mutation += "," + name
		}
		out.Errors = append(out.Errors, list...)
	}
	return out
}

// scrub removes token from err's text, keeping err reachable for errors.Is.
func scrub(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &scrubbedError{msg: scrubString(err.Error(), token), err: err}
}

func scrubString(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "[redacted]")
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
