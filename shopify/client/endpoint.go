package client

import (
	"net/http"
	"net/url"
)

// endpointRoute sends the shop's canonical GraphQL URL to the configured
// Endpoint (fakeshop's path-addressed form, a proxy). It sits under the
// transport, which therefore still sees https://<shop>/…: the transport
// keys its cost budget by the request's host, and several fakeshop shops
// share one listen address, so without the route they would share a budget.
type endpointRoute struct {
	from string
	to   *url.URL
	base http.RoundTripper
}

func (r endpointRoute) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.String() != r.from {
		return r.base.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	u := *r.to
	out.URL = &u
	out.Host = ""
	return r.base.RoundTrip(out)
}
