package fakeshop

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestBulkJSONStringsEscapeLikeShopify(t *testing.T) {
	cases := map[string]string{
		"gid://shopify/Product/1": `"gid:\/\/shopify\/Product\/1"`,
		`say "hi" \ bye`:          `"say \"hi\" \\ bye"`,
		"tab\tnl\ncr\rbs\bff\f":   `"tab\tnl\ncr\rbs\bff\f"`,
		"nul\x00esc\x1b":          `"nul\u0000esc\u001b"`,
		"line\u2028para\u2029":    `"line\u2028para\u2029"`,
		"café <b>&</b> 日本":        `"café <b>&<\/b> 日本"`,
		"bad\xffutf8":             `"bad\ufffdutf8"`,
	}
	for in, want := range cases {
		require.Equal(t, want, string(appendJSONString(nil, in)), "%q", in)
	}

	// Whatever the string, the output is JSON that decodes to it (invalid
	// UTF-8 aside) and has no unescaped slash.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune{'a', '/', '\\', '"', '\n', 0, 0x1f, 'é', '日', '\u2028', '😀', '<'}
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(20) {
			sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		s := sb.String()
		out := appendJSONString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(out, &back), string(out))
		require.Equal(t, s, back)
		require.NotContains(t, strings.ReplaceAll(string(out), `\/`, ""), "/")
		require.True(t, utf8.Valid(out))
	}
}

func TestBulkJSONValuesOfEveryKind(t *testing.T) {
	m := &OrderedMap{}
	m.Set("z", "a/b")
	m.Set("a", []any{int64(1), 2, 1.5, true, nil, &OrderedMap{}})
	m.Set("json", map[string]any{"url": "https://x/y"}) // a JSON scalar's value
	out, err := appendJSON(nil, m)
	require.NoError(t, err)
	require.Equal(t, `{"z":"a\/b","a":[1,2,1.5,true,null,{}],"json":{"url":"https:\/\/x\/y"}}`, string(out))
	std, err := m.MarshalJSON()
	require.NoError(t, err)
	require.JSONEq(t, string(std), string(out), "same JSON value as the executor's own encoding")
	require.True(t, bytes.HasPrefix(out, []byte(`{"z"`)), "keys keep the selection's order")
}
