package webhooks_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
)

// A burst of concurrent deliveries is stored in groups (one statement and
// one commit for many): every new webhook id exactly once, each repeat
// answered as a duplicate (also when both copies share a group), and a
// payload the database refuses answered 400 alone, without failing the
// deliveries grouped with it.
func TestConcurrentDeliveriesAreStoredInGroupsEachOnce(t *testing.T) {
	f := newFixture(t)
	const unique, repeats, refused = 150, 3, 5
	var ds []delivery
	ids := make([]string, unique)
	for i := range ids {
		ids[i] = newWebhookID()
		ds = append(ds, delivery{id: ids[i]})
	}
	for i := range 50 { // 50 ids sent 3 more times each, at the same moment
		for range repeats {
			ds = append(ds, delivery{id: ids[i]})
		}
	}
	for range refused {
		ds = append(ds, delivery{body: `{"title":"a\u0000b"}`})
	}

	type result struct {
		id     string
		status int
		body   string
		err    error
	}
	results := make([]result, len(ds))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range ds {
		req := d.request(t, f.srv.URL+webhooks.Path)
		wg.Go(func() {
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				results[i] = result{err: err}
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			results[i] = result{id: d.id, status: resp.StatusCode, body: strings.TrimSpace(string(body)), err: err}
		})
	}
	close(start)
	wg.Wait()
	http.DefaultClient.CloseIdleConnections()

	okPerID := map[string]int{}
	duplicates, badRequests := 0, 0
	for _, r := range results {
		require.NoError(t, r.err)
		switch {
		case r.status == http.StatusBadRequest:
			badRequests++
		case r.status == http.StatusOK && r.body == "ok":
			okPerID[r.id]++
		case r.status == http.StatusOK && r.body == "duplicate":
			duplicates++
		default:
			t.Errorf("unexpected answer %d %q", r.status, r.body)
		}
	}
	assert.Equal(t, refused, badRequests, "each refused payload answered 400")
	assert.Equal(t, 50*repeats, duplicates, "every repeat answered as a duplicate")
	require.Len(t, okPerID, unique)
	for id, n := range okPerID {
		assert.Equal(t, 1, n, "webhook %s answered ok once", id)
		assert.Equal(t, webhooks.StatusReceived, f.row(id).Status)
	}
	assert.Equal(t, unique, f.rows(), "one row per webhook id, none for the refused payloads")
	assert.Equal(t, float64(unique), f.delivered("products/update", webhooks.OutcomeAccepted))
	assert.Equal(t, float64(50*repeats), f.delivered("products/update", webhooks.OutcomeDuplicate))
}
