package faults

import (
	"context"
	"time"

	"github.com/stretchr/testify/require"
)

// mirrorDigest is a fingerprint of every store's products and variants in
// the mirror: equal digests mean nothing was written.
func (p *pipeline) mirrorDigest() map[string]string {
	p.t.Helper()
	rows, err := p.db.Query(context.Background(), `
		SELECT store, md5(string_agg(k, ',' ORDER BY k)) FROM (
			SELECT store, 'p' || gid || encode(content_hash, 'hex') || coalesce(deleted_at::text, '-') || version AS k FROM products
			UNION ALL
			SELECT store, 'v' || gid || encode(content_hash, 'hex') || coalesce(deleted_at::text, '-') || version FROM variants
		) r GROUP BY store`)
	require.NoError(p.t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var store, digest string
		require.NoError(p.t, rows.Scan(&store, &digest))
		out[store] = digest
	}
	require.NoError(p.t, rows.Err())
	return out
}

// deliveries counts the webhook inbox's rows, and those not yet settled
// (received, or failed and waiting for a retry).
func (p *pipeline) deliveries() (all, unsettled int) {
	p.t.Helper()
	require.NoError(p.t, p.db.QueryRow(context.Background(),
		`SELECT count(*), count(*) FILTER (WHERE status = 'received') FROM webhook_deliveries`).Scan(&all, &unsettled))
	return all, unsettled
}

// waitMirrored waits until ingest has mirrored n live products of the
// source and of nothing else yet checked.
func (p *pipeline) waitMirrored(store string, n int) {
	p.t.Helper()
	require.Eventually(p.t, func() bool {
		var got int
		require.NoError(p.t, p.db.QueryRow(context.Background(),
			`SELECT count(*) FROM products WHERE store = $1 AND deleted_at IS NULL`, store).Scan(&got))
		return got == n
	}, 2*time.Minute, 200*time.Millisecond, "the mirror of %s does not reach %d products:\n%s", store, n, p.ingest.tail(3000))
}
