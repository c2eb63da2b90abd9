package snapshot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/snapshot"
	"github.com/shopsync/shopsync/schema/events"
)

// The bars show each family with its records out of the export's count.
func TestBarsDrawEachFamily(t *testing.T) {
	var out bytes.Buffer
	bars := snapshot.NewBars(context.Background(), &out)
	p := bars.Track("a.myshopify.com", events.Products)
	q := bars.Track("a.myshopify.com", events.Orders)
	p.Exporting("gid://shopify/BulkOperation/1", false)
	p.Loading(1200)
	p.Loaded(1200)
	p.Done(snapshot.LoadStats{Records: 1200, Changed: 7}, nil)
	q.Exporting("gid://shopify/BulkOperation/2", true)
	q.Done(snapshot.LoadStats{}, errors.New("boom"))
	bars.Wait()
	text := out.String()
	require.Contains(t, text, "a.myshopify.com products")
	require.Contains(t, text, "1200 / 1200")
	require.Contains(t, text, "done, 7 changed")
	require.Contains(t, text, "a.myshopify.com orders")
}

// Without a terminal, progress is JSON log lines: the start, the export's
// count, every tenth of the load, the end.
func TestLogProgressLines(t *testing.T) {
	var out bytes.Buffer
	p := snapshot.NewLogProgress(slog.New(slog.NewJSONHandler(&out, nil)))
	tr := p.Track("a.myshopify.com", events.Inventory)
	tr.Exporting("gid://shopify/BulkOperation/3", false)
	tr.Loading(100)
	for n := int64(10); n <= 100; n += 10 {
		tr.Loaded(n)
	}
	tr.Done(snapshot.LoadStats{Records: 100, Changed: 100}, nil)
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		require.Equal(t, "inventory", m["family"])
		msgs = append(msgs, m["msg"].(string))
	}
	require.Equal(t, "snapshot bulk export running", msgs[0])
	require.Equal(t, "snapshot bulk export completed; loading", msgs[1])
	require.Equal(t, "snapshot completed", msgs[len(msgs)-1])
	require.Len(t, msgs, 3+9, "nine progress lines between 10 % and 90 %")
}
