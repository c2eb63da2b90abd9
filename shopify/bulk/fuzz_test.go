package bulk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/bulk"
)

// FuzzJoin feeds whole files, valid or not, to Join and to a Reader. Neither
// may panic; whatever they deliver is a JSON object with a global id; an
// error is a *LineError naming a line of the file (or the callback's); and
// a valid file cut anywhere but at its end is never read as complete
// without an error, so a truncated download cannot pass for a snapshot.
func FuzzJoin(f *testing.F) {
	valid := "{\"id\":\"gid://shopify/Product/1\",\"title\":\"A\"}\n" +
		"{\"id\":\"gid://shopify/ProductVariant/2\",\"__parentId\":\"gid://shopify/Product/1\"}\n" +
		"{\"id\":\"gid://shopify/InventoryLevel/3?inventory_item_id=4\",\"__parentId\":\"gid://shopify/ProductVariant/2\"}\n"
	for _, seed := range []string{
		valid, "", "\n", "{}\n", "{\"id\":1}\n", "{\"id\":\"gid://shopify/Product/1\"}", "[1]\n",
		"{\"id\":\"gid://shopify/ProductVariant/2\",\"__parentId\":\"gid://shopify/Product/9\"}\n",
		"{\"id\":\"gid://shopify/Product/1\",\"title\":\"\\u0000 \\ud83d\"}\n\n\n",
		"{\"id\":\"gid://shopify/Product/1\"}\r\n{\"id\":\"gid://shopify/Product/1\"}\r\n",
	} {
		f.Add([]byte(seed), uint16(0))
	}
	f.Add([]byte(valid), uint16(40))
	f.Add([]byte(valid), uint16(len(valid)-1))

	f.Fuzz(func(t *testing.T, file []byte, cut uint16) {
		if int(cut) > 0 && int(cut) < len(file) {
			file = file[:cut]
		}
		var records int
		_, err := bulk.Join(context.Background(), bytes.NewReader(file), t.TempDir(), func(r bulk.Record) error {
			records++
			require.True(t, json.Valid(r.Raw), "line %d delivered but not JSON: %q", r.Line, r.Raw)
			_, ok := bulk.Typename(r.ID)
			require.True(t, ok, "line %d delivered with id %q", r.Line, r.ID)
			require.NotEmpty(t, r.Root)
			return nil
		})
		if err != nil {
			var le *bulk.LineError
			require.True(t, errors.As(err, &le), "%T is not a *LineError: %v", err, err)
			require.Positive(t, le.Line)
		}
		if len(file) > 0 && file[len(file)-1] != '\n' && len(bytes.TrimSpace(file)) > 0 {
			require.Error(t, err, "a file whose last line is unterminated was read as complete: %q", file)
		}

		r := bulk.NewReader(bytes.NewReader(file), bulk.Options{MaxLineSize: 1 << 16})
		for i := 0; ; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var le *bulk.LineError
				require.True(t, errors.As(err, &le), "%T is not a *LineError: %v", err, err)
				break
			}
			require.True(t, json.Valid(rec.Raw))
			require.Less(t, i, len(file)+1, "more records than bytes")
		}
	})
}
