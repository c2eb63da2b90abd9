package bulk_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/bulk"
)

func readAll(t *testing.T, input string, opts bulk.Options) ([]bulk.Record, error) {
	t.Helper()
	r := bulk.NewReader(strings.NewReader(input), opts)
	var out []bulk.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			// The error is sticky.
			_, again := r.Next()
			require.Equal(t, err, again)
			return out, err
		}
		rec.Raw = append([]byte(nil), rec.Raw...)
		out = append(out, rec)
	}
}

func TestReaderRecords(t *testing.T) {
	input := `{"id":"gid:\/\/shopify\/Customer\/123456"}` + "\n" +
		"\n" +
		`{"id":"gid:\/\/shopify\/Metafield\/987654","key":"some_key","__parentId":"gid:\/\/shopify\/Customer\/123456"}` + "\r\n" +
		`{"id":"gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015","__parentId":"gid://shopify/InventoryItem/1"}` + "\n"
	recs, err := readAll(t, input, bulk.Options{})
	require.NoError(t, err)
	require.Len(t, recs, 3)

	require.Equal(t, 1, recs[0].Line)
	require.Equal(t, "gid://shopify/Customer/123456", recs[0].ID)
	require.Equal(t, "Customer", recs[0].Typename)
	require.Empty(t, recs[0].ParentID)

	require.Equal(t, 3, recs[1].Line, "the blank line still counts")
	require.Equal(t, "Metafield", recs[1].Typename)
	require.Equal(t, "gid://shopify/Customer/123456", recs[1].ParentID)
	require.Equal(t, `{"id":"gid:\/\/shopify\/Metafield\/987654","key":"some_key","__parentId":"gid:\/\/shopify\/Customer\/123456"}`,
		string(recs[1].Raw), "Raw is the line without its CRLF")

	require.Equal(t, "InventoryLevel", recs[2].Typename)
}

func TestReaderEmptyFile(t *testing.T) {
	recs, err := readAll(t, "", bulk.Options{})
	require.NoError(t, err)
	require.Empty(t, recs)
}

func TestReaderErrorsNameTheLine(t *testing.T) {
	good := `{"id":"gid://shopify/Product/1"}` + "\n"
	cases := []struct {
		name    string
		input   string
		line    int
		is      error
		message string
	}{
		{"malformed JSON", good + good + `{"id":"gid://shopify/Product/3",}` + "\n", 3, nil, "malformed JSON"},
		{"object cut mid-line, newline present", good + `{"id":"gid://shopify/Product/2","title":"x` + "\n", 2, nil, "unterminated string"},
		{"not an object", good + `["gid://shopify/Product/2"]` + "\n", 2, nil, "must be a JSON object"},
		{"missing id", good + `{"title":"x","__parentId":"gid://shopify/Product/1"}` + "\n", 2, bulk.ErrNoID, ""},
		{"numeric id", good + `{"id":2}` + "\n", 2, bulk.ErrNoID, ""},
		{"id not a GID", good + `{"id":"2"}` + "\n", 2, bulk.ErrNotGID, ""},
		{"last line without newline", good + good + `{"id":"gid://shopify/Product/3"}`, 3, bulk.ErrTruncated, ""},
		{"file ends mid-object", good + `{"id":"gid://shopify/Product/2","seo":{"ti`, 2, bulk.ErrTruncated, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := readAll(t, tc.input, bulk.Options{})
			var le *bulk.LineError
			require.ErrorAs(t, err, &le)
			require.Equal(t, tc.line, le.Line)
			require.Contains(t, err.Error(), "line ")
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
			if tc.message != "" {
				require.ErrorContains(t, err, tc.message)
			}
			require.Len(t, recs, tc.line-1, "the lines before the bad one were delivered")
		})
	}
}

func TestReaderUnterminatedLastLineOption(t *testing.T) {
	opts := bulk.Options{AllowUnterminatedLastLine: true}
	recs, err := readAll(t, `{"id":"gid://shopify/Product/1"}`+"\n"+`{"id":"gid://shopify/Product/2"}`, opts)
	require.NoError(t, err)
	require.Len(t, recs, 2)

	// Even then, a line cut mid-object is an error, not a dropped record.
	_, err = readAll(t, `{"id":"gid://shopify/Product/1"}`+"\n"+`{"id":"gid://shopify/Product/2"`, opts)
	var le *bulk.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 2, le.Line)
	require.ErrorContains(t, err, "malformed JSON")
}

func TestReaderLongLines(t *testing.T) {
	big := strings.Repeat("x", 3<<20) // longer than the 1 MiB read buffer
	input := `{"id":"gid://shopify/Product/1","descriptionHtml":"` + big + `"}` + "\n" + `{"id":"gid://shopify/Product/2"}` + "\n"
	recs, err := readAll(t, input, bulk.Options{})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	require.Len(t, recs[0].Raw, len(input)-len(`{"id":"gid://shopify/Product/2"}`)-2)
	require.Equal(t, "gid://shopify/Product/2", recs[1].ID)

	_, err = readAll(t, input, bulk.Options{MaxLineSize: 1 << 20})
	require.ErrorIs(t, err, bulk.ErrLineTooLong)
	var le *bulk.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 1, le.Line)
}

func TestTypename(t *testing.T) {
	for gid, want := range map[string]string{
		"gid://shopify/Product/1": "Product",
		"gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015": "InventoryLevel",
		"gid://other-app/Thing/x": "Thing",
	} {
		got, ok := bulk.Typename(gid)
		require.True(t, ok, gid)
		require.Equal(t, want, got)
	}
	for _, bad := range []string{"", "123", "gid://shopify/Product", "gid://shopify//1", "gid://shopify/Product/", "https://x/y/z"} {
		_, ok := bulk.Typename(bad)
		require.False(t, ok, bad)
	}
}
