package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrorCode is a GraphQL error code (errors[].extensions.code). An *APIError
// matches every code it carries with errors.Is, so callers branch with
// errors.Is(err, client.CodeThrottled) or errors.Is(err, client.ErrorCode("…")).
type ErrorCode string

func (c ErrorCode) Error() string { return string(c) }

// The codes Shopify's Admin API answers that shopsync reacts to.
const (
	// CodeThrottled: the cost bucket lacked the points. The transport
	// retries it; it reaches the caller only when retries ran out.
	CodeThrottled ErrorCode = "THROTTLED"
	// CodeMaxCostExceeded: the query's requested cost is above 1,000
	// points; asking again cannot help, the query must shrink.
	CodeMaxCostExceeded ErrorCode = "MAX_COST_EXCEEDED"
	// CodeAccessDenied: the token lacks a scope the field needs.
	CodeAccessDenied ErrorCode = "ACCESS_DENIED"
	// CodeInternalServerError: Shopify failed; the request may be retried.
	CodeInternalServerError ErrorCode = "INTERNAL_SERVER_ERROR"
	// CodeBadUserInput: a variable or argument did not validate.
	CodeBadUserInput ErrorCode = "BAD_USER_INPUT"
)

// GraphQLError is one entry of a response's top-level errors.
type GraphQLError struct {
	Message string
	// Code is extensions.code; empty when the server gave none (a parse or
	// validation error, for some servers).
	Code ErrorCode
	// Path is the response path of a field error, e.g. [products edges 0].
	Path []any
}

// APIError is an answer whose top-level errors list is not empty. Any data
// that came with it has still been decoded into the response.
type APIError struct {
	Shop      string
	Operation string
	// StatusCode is the HTTP status: 200 for most GraphQL errors, 429 for
	// THROTTLED from a server that sends it so.
	StatusCode int
	Errors     []GraphQLError
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "shopify %s %s: ", e.Shop, e.Operation)
	for i, ge := range e.Errors {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		if ge.Code != "" {
			b.WriteString(string(ge.Code) + ": ")
		}
		b.WriteString(ge.Message)
	}
	return b.String()
}

// Code is the first error code of the answer, or "".
func (e *APIError) Code() ErrorCode {
	for _, ge := range e.Errors {
		if ge.Code != "" {
			return ge.Code
		}
	}
	return ""
}

// Is matches an ErrorCode carried by any of the errors.
func (e *APIError) Is(target error) bool {
	code, ok := target.(ErrorCode)
	if !ok {
		return false
	}
	for _, ge := range e.Errors {
		if ge.Code == code {
			return true
		}
	}
	return false
}

// Sentinels an *HTTPError matches by status.
var (
	// ErrUnauthorized: HTTP 401, a missing, wrong or revoked token.
	ErrUnauthorized = errors.New("unauthorized: invalid or revoked access token")
	// ErrPaymentRequired: HTTP 402, the shop is frozen or unpaid.
	ErrPaymentRequired = errors.New("payment required: shop is frozen")
	// ErrForbidden: HTTP 403, the app lacks access to the shop.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: HTTP 404, no such shop (or API path).
	ErrNotFound = errors.New("not found")
	// ErrLocked: HTTP 423, the shop is locked.
	ErrLocked = errors.New("shop locked")
)

var statusSentinels = map[int]error{
	http.StatusUnauthorized:    ErrUnauthorized,
	http.StatusPaymentRequired: ErrPaymentRequired,
	http.StatusForbidden:       ErrForbidden,
	http.StatusNotFound:        ErrNotFound,
	http.StatusLocked:          ErrLocked,
}

// HTTPError is a non-200 answer that carried no GraphQL errors list, such
// as 401 with Shopify's {"errors":"[API] Invalid API key…"} or a 5xx page
// the transport gave up retrying.
type HTTPError struct {
	Shop       string
	Operation  string
	StatusCode int
	// Message is Shopify's error text when the body had one, else a short
	// prefix of the body.
	Message string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("shopify %s %s: HTTP %d", e.Shop, e.Operation, e.StatusCode)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Is matches the sentinel for the status (ErrUnauthorized for 401, …).
func (e *HTTPError) Is(target error) bool {
	s, ok := statusSentinels[e.StatusCode]
	return ok && s == target
}

// UserError is one entry of a mutation payload's userErrors.
type UserError struct {
	// Field is the path to the input field at fault, e.g.
	// ["input", "variants", "0", "price"]; nil when the error is general.
	Field   []string `json:"field"`
	Message string   `json:"message"`
	// Code is the payload's typed code (e.g. CHANGE_FROM_QUANTITY_STALE);
	// empty for payloads whose UserError has none.
	Code string `json:"code"`
}

func (u UserError) String() string {
	s := u.Message
	if len(u.Field) > 0 {
		s = strings.Join(u.Field, ".") + ": " + s
	}
	if u.Code != "" {
		s += " [" + u.Code + "]"
	}
	return s
}

// UserErrors is a mutation answered with userErrors: Shopify ran it and
// refused (part of) the input. The typed response is returned alongside it.
type UserErrors struct {
	Shop string
	// Mutation is the payload's field name, e.g. "productSet".
	Mutation string
	Errors   []UserError
}

func (e *UserErrors) Error() string {
	parts := make([]string, 0, len(e.Errors))
	for _, u := range e.Errors {
		parts = append(parts, u.String())
	}
	return fmt.Sprintf("shopify %s %s: user errors: %s", e.Shop, e.Mutation, strings.Join(parts, "; "))
}

// HasCode reports whether any of the errors has code.
func (e *UserErrors) HasCode(code string) bool {
	for _, u := range e.Errors {
		if u.Code == code {
			return true
		}
	}
	return false
}

// BulkError is a bulk operation that ended without a complete result:
// FAILED (ErrorCode says why), CANCELED or EXPIRED. For FAILED with
// INTERNAL_SERVER_ERROR or TIMEOUT, Result.PartialDataURL may hold the part
// that was produced.
type BulkError struct {
	Shop   string
	Result *BulkResult
}

func (e *BulkError) Error() string {
	msg := fmt.Sprintf("shopify %s bulk operation %s: %s", e.Shop, e.Result.ID, e.Result.Status)
	if e.Result.ErrorCode != "" {
		msg += " (" + e.Result.ErrorCode + ")"
	}
	return msg
}

// Is matches the operation's errorCode as an ErrorCode, so that
// errors.Is(err, client.CodeAccessDenied) holds for a bulk operation that
// failed with ACCESS_DENIED.
func (e *BulkError) Is(target error) bool {
	code, ok := target.(ErrorCode)
	return ok && e.Result.ErrorCode != "" && string(code) == e.Result.ErrorCode
}
