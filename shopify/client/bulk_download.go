package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// OpenBulkResult streams the JSONL file of a bulk operation (BulkResult.URL
// or PartialDataURL) for shopify/bulk to read; the caller closes it. The
// URL is a signed link to Shopify's storage: the request carries no access
// token, and errors name the URL without its query string, which holds the
// signature. An empty url (an operation that found nothing) streams nothing.
func (c *Client) OpenBulkResult(ctx context.Context, rawURL string) (io.ReadCloser, error) {
	if rawURL == "" {
		return io.NopCloser(strings.NewReader("")), nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("shopify bulk result: url is not an absolute http(s) URL")
	}
	where := u.Scheme + "://" + u.Host + u.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("shopify bulk result %s: %w", where, err)
	}
	resp, err := c.download.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("shopify bulk result %s: %w", where, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("shopify bulk result %s: HTTP %d", where, resp.StatusCode)
	}
	return resp.Body, nil
}
