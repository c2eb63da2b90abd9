package faults

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Broken bulk result files (issue #11, item 4): a snapshot whose JSONL is
// truncated mid-line, has an unparsable line, or a line with wrong types
// must fail with a clear error and leave the mirror as it was (nothing
// half-applied); the next good snapshot then brings every change in.
func TestBadBulkFiles(t *testing.T) {
	p := newPipeline(t, pipelineOptions{destinations: 1})
	bp := newBulkProxy(t, p.srv.URL())
	conf, err := os.ReadFile(p.conf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p.conf, bytes.ReplaceAll(conf, []byte(p.srv.URL()), []byte(bp.srv.URL)), 0o600))

	cat := newCatalog(t, p.src, 4)
	cat.seed(60)
	snapshot := func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, shopsyncBin, "ingest", "--config", p.conf, "--store", p.src.Name(), "--once", "--full",
			"--no-relay", "--family", "products")
		cmd.Env = append(os.Environ(), p.env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := snapshot()
	require.NoError(t, err, out)
	p.waitMirrored(p.src.Domain(), 60)

	cat.churn(30)
	modes := []string{"truncate", "garbage", "wrong-types"}
	r := report(t, fmt.Sprintf("a mirrored source changed (%d changes), then `shopsync ingest --once --full` run on bulk files spoilt three ways (%s), then on a good one",
		30, strings.Join(modes, ", ")))
	before := p.mirrorDigest()
	for _, m := range modes {
		bp.setMode(m)
		out, err := snapshot()
		after := p.mirrorDigest()
		found(t, "%-12s -> exit %v; %s", m, err, lastError(out))
		require.Error(t, err, "a %s bulk file was accepted:\n%s", m, out)
		require.Equal(t, before, after, "a %s bulk file changed the mirror (half-applied)", m)
		for _, s := range append(p.tokens, p.secrets...) {
			require.NotContains(t, out, s)
		}
	}
	require.Equal(t, len(modes), bp.spoiled, "not every run downloaded a spoilt file")

	bp.setMode("")
	out, err = snapshot()
	require.NoError(t, err, out)
	p.waitMirrored(p.src.Domain(), len(cat.ids))
	var wrong int
	titles := map[string]string{}
	for _, sp := range p.src.Products() {
		titles[sp.Handle] = sp.Title
	}
	rows, err := p.db.Query(context.Background(), `SELECT handle, title FROM products WHERE store = $1 AND deleted_at IS NULL`, p.src.Domain())
	require.NoError(t, err)
	for rows.Next() {
		var h, title string
		require.NoError(t, rows.Scan(&h, &title))
		if titles[h] != title {
			wrong++
		}
	}
	require.NoError(t, rows.Err())
	require.Zero(t, wrong, "the good snapshot left rows differing from the source")
	r.sent, r.applied = len(modes)+1, 1
	found(t, "each spoilt file refused with the mirror unchanged; the good snapshot then mirrored all %d live products as they are", len(cat.ids))
}

// lastError is the last log line that reports an error, or the output's
// last line.
func lastError(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], `"level":"ERROR"`) || strings.HasPrefix(lines[i], "shopsync:") {
			return short2(lines[i], 400)
		}
	}
	return short2(lines[len(lines)-1], 400)
}

func short2(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
