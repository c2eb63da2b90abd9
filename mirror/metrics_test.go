package mirror_test

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/mirror"
	"github.com/shopsync/shopsync/schema/events"
)

func TestMetricsCountRowOutcomes(t *testing.T) {
	_, pool := newMirror(t)
	reg := prometheus.NewRegistry()
	metrics, err := mirror.NewMetrics(reg)
	require.NoError(t, err)
	cfg := mirror.DefaultConfig()
	cfg.Metrics = metrics
	m, err := mirror.New(pool, cfg)
	require.NoError(t, err)

	snapshot(t, m, true, catalogue(2, t0)...)
	_, err = m.Apply(t.Context(), pool, events.Webhook, mirror.Batch{Rows: []mirror.Row{product(1, t0), product(2, t0.Add(-time.Second))}})
	require.NoError(t, err)

	require.Equal(t, 6.0, testutil.ToFloat64(metrics.SnapshotRows("variant"))+testutil.ToFloat64(metrics.SnapshotRows("product")))
	require.Equal(t, 2.0, testutil.ToFloat64(metrics.Rows("product", "created")))
	require.Equal(t, 4.0, testutil.ToFloat64(metrics.Rows("variant", "created")))
	require.Equal(t, 1.0, testutil.ToFloat64(metrics.Rows("product", "unchanged")))
	require.Equal(t, 1.0, testutil.ToFloat64(metrics.Rows("product", "stale")))
	n, err := testutil.GatherAndCount(reg, "shopsync_mirror_snapshot_commit_seconds")
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
