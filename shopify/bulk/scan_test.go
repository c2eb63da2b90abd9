package bulk

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

var scanSeeds = []string{
	`{"id":"gid:\/\/shopify\/Product\/1"}`,
	`{"id":"gid://shopify/Metafield/9","key":"k","__parentId":"gid:\/\/shopify\/Customer\/123456"}`,
	`{"id":"gid://shopify/Product/1","seo":{"title":"a \"b\" \\ c","d":[1,-2.5e+3,true,false,null,{}]},"n":0}`,
	`  {"__parentId":"p","id":"gid://shopify/X/1"}  `,
	`{"\u0069d":"gid://shopify/\u00e9/1","x":"\ud83d\ude00"}`,
	`{"id":1}`,
	`{"id":null,"__parentId":null}`,
	`{}`,
	`[]`,
	`{"id":"a",}`,
	`{"id":"a" "b":1}`,
	`{"id":"a","b":01}`,
	`{"id":"a","b":1.}`,
	`{"id":"a","b":tru}`,
	`{"id":"a\x"}`,
	`{"id":"a\u12"}`,
	"{\"id\":\"a\tb\"}",
	`{"id":"gid://shopify/Product/1"`,
	`{"id":"gid://shopify/Product/1"}{}`,
	`{"id":"a","id":"b"}`,
	`{"a":[[[[[]]]]],"id":"x"}`,
}

// FuzzScanLine checks the hand-written scanner against encoding/json: the
// same lines are valid, and it finds the same id and __parentId.
func FuzzScanLine(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		id, parent, hasID, hasParent, err := scanLine(line)
		var m map[string]any
		jerr := json.Unmarshal(line, &m)
		if jerr != nil || m == nil {
			require.Error(t, err, "encoding/json rejects %q (or it is not an object)", line)
			return
		}
		require.NoError(t, err, "encoding/json accepts %q", line)
		wantID, wantHasID := m["id"].(string)
		wantParent, wantHasParent := m["__parentId"].(string)
		require.Equal(t, wantHasID, hasID)
		require.Equal(t, wantHasParent, hasParent)
		if wantHasID {
			require.Equal(t, wantID, id)
		}
		if wantHasParent {
			require.Equal(t, wantParent, parent)
		}
	})
}

func TestScanLineReportsOffset(t *testing.T) {
	_, _, _, _, err := scanLine([]byte(`{"id":"x","n":[1,2}`))
	var se *syntaxError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 18, se.offset)
}
