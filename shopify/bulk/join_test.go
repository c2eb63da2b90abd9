package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/bulk"
)

// want is what Join must report for one record.
type want struct {
	parent, root string
	depth        int
}

// tree returns the lines of a product → variant → inventory level snapshot,
// parents first, with what Join must say about each id.
func tree(products, variants, levels int) ([]string, map[string]want) {
	var lines []string
	expect := map[string]want{}
	for p := range products {
		pid := fmt.Sprintf("gid://shopify/Product/%d", p+1)
		lines = append(lines, fmt.Sprintf(`{"id":%q,"title":"Product %d"}`, pid, p))
		expect[pid] = want{"", pid, 0}
		for v := range variants {
			vid := fmt.Sprintf("gid://shopify/ProductVariant/%d", (p+1)*100+v)
			lines = append(lines, fmt.Sprintf(`{"id":%q,"sku":"SKU-%d-%d","__parentId":%q}`, vid, p, v, pid))
			expect[vid] = want{pid, pid, 1}
			for l := range levels {
				lid := fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=%d", l+1, (p+1)*100+v)
				lines = append(lines, fmt.Sprintf(`{"id":%q,"quantities":[{"name":"available","quantity":%d}],"__parentId":%q}`, lid, l, vid))
				expect[lid] = want{vid, pid, 2}
			}
		}
	}
	return lines, expect
}

func joinLines(t *testing.T, lines []string, spillDir string) (map[string]bulk.Record, bulk.JoinStats, error) {
	t.Helper()
	got := map[string]bulk.Record{}
	input := strings.Join(lines, "\n") + "\n"
	st, err := bulk.Join(context.Background(), strings.NewReader(input), spillDir, func(r bulk.Record) error {
		_, dup := got[r.ID]
		require.False(t, dup, "%s delivered twice", r.ID)
		r.Raw = append([]byte(nil), r.Raw...)
		got[r.ID] = r
		return nil
	})
	return got, st, err
}

func checkJoined(t *testing.T, got map[string]bulk.Record, expect map[string]want, lines []string) {
	t.Helper()
	require.Len(t, got, len(expect))
	for id, w := range expect {
		r, ok := got[id]
		require.True(t, ok, "%s not delivered", id)
		require.Equal(t, w.parent, r.ParentID, id)
		require.Equal(t, w.root, r.Root, id)
		require.Equal(t, w.depth, r.Depth, id)
		require.Equal(t, lines[r.Line-1], string(r.Raw), "line number and raw line agree for %s", id)
	}
}

func TestJoinInAnyOrder(t *testing.T) {
	lines, expect := tree(4, 3, 2)
	orders := map[string][]string{"parents first": lines}
	reversed := make([]string, len(lines))
	for i, l := range lines {
		reversed[len(lines)-1-i] = l
	}
	orders["children first"] = reversed
	for seed := range 20 {
		shuffled := append([]string(nil), lines...)
		rand.New(rand.NewPCG(uint64(seed), 7)).Shuffle(len(shuffled), func(i, j int) {
			shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
		})
		orders[fmt.Sprintf("shuffle %d", seed)] = shuffled
	}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			got, st, err := joinLines(t, order, dir)
			require.NoError(t, err)
			checkJoined(t, got, expect, order)
			require.Equal(t, len(expect), st.Records)
			require.Equal(t, 4, st.Roots, "roots never wait")
			require.Equal(t, len(expect), st.Index)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Empty(t, entries, "the spill file is removed")
			if name == "parents first" {
				require.Zero(t, st.Spilled)
			}
			if name == "children first" {
				require.Equal(t, len(lines)-4, st.Spilled, "every non-root waited")
			}
		})
	}
}

func TestJoinEscapedGIDs(t *testing.T) {
	lines := []string{
		`{"id":"gid:\/\/shopify\/Metafield\/987654","key":"some_key","__parentId":"gid:\/\/shopify\/Customer\/123456"}`,
		`{"id":"gid:\/\/shopify\/Customer\/123456"}`,
	}
	got, st, err := joinLines(t, lines, t.TempDir())
	require.NoError(t, err)
	require.Equal(t, 1, st.Spilled)
	m := got["gid://shopify/Metafield/987654"]
	require.Equal(t, "gid://shopify/Customer/123456", m.Root)
	require.Equal(t, 1, m.Line)
}

func TestJoinOrphan(t *testing.T) {
	lines, _ := tree(2, 1, 1)
	lines = append(lines, `{"id":"gid://shopify/ProductVariant/999","__parentId":"gid://shopify/Product/404"}`)
	got, _, err := joinLines(t, lines, t.TempDir())
	require.ErrorIs(t, err, bulk.ErrOrphan)
	var le *bulk.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, len(lines), le.Line)
	require.ErrorContains(t, err, "gid://shopify/Product/404")
	require.Len(t, got, len(lines)-1, "the other records were delivered")
}

func TestJoinCycle(t *testing.T) {
	lines := []string{
		`{"id":"gid://shopify/A/1","__parentId":"gid://shopify/A/2"}`,
		`{"id":"gid://shopify/A/2","__parentId":"gid://shopify/A/1"}`,
	}
	_, _, err := joinLines(t, lines, t.TempDir())
	require.ErrorContains(t, err, "cycle")
}

func TestJoinStopsOnBadInput(t *testing.T) {
	lines, _ := tree(2, 2, 2)
	input := strings.Join(lines, "\n") // no final newline: truncated
	n := 0
	_, err := bulk.Join(context.Background(), strings.NewReader(input), t.TempDir(), func(bulk.Record) error { n++; return nil })
	require.ErrorIs(t, err, bulk.ErrTruncated)
	require.Equal(t, len(lines)-1, n)

	bad := append(append([]string(nil), lines[:3]...), `{"id":"gid://shopify/Product/9",`)
	_, _, err = joinLines(t, bad, t.TempDir())
	var le *bulk.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 4, le.Line)
}

func TestJoinCallbackErrorStops(t *testing.T) {
	lines, _ := tree(3, 2, 2)
	boom := errors.New("copy failed")
	n := 0
	_, err := bulk.Join(context.Background(), strings.NewReader(strings.Join(lines, "\n")+"\n"), t.TempDir(), func(bulk.Record) error {
		n++
		if n == 5 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	require.Equal(t, 5, n)
}

func TestJoinHonoursCancellation(t *testing.T) {
	lines, _ := tree(1000, 3, 2) // more than 4096 lines
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := bulk.Join(ctx, strings.NewReader(strings.Join(lines, "\n")+"\n"), t.TempDir(), func(bulk.Record) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
}
