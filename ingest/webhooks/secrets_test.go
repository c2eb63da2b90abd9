package webhooks_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/common/expfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/ingest/webhooks"
)

func TestStaticSecrets(t *testing.T) {
	s, err := webhooks.NewStaticSecrets(map[string][]string{" Shop-A.myshopify.com ": {"", secretA, secretAOld}})
	require.NoError(t, err)
	got, err := s.Secrets(context.Background(), "shop-a.MYSHOPIFY.com")
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte(secretA), []byte(secretAOld)}, got, "empty secrets dropped, order kept")
	_, err = s.Secrets(context.Background(), shopB)
	assert.ErrorIs(t, err, webhooks.ErrUnknownShop)

	_, err = webhooks.NewStaticSecrets(map[string][]string{shopB: {""}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), shopB, "the error names the shop without a secret")
	_, err = webhooks.NewStaticSecrets(map[string][]string{" ": {secretB}})
	require.Error(t, err)
}

func TestStaticSecretsNeverPrintTheirSecrets(t *testing.T) {
	s, err := webhooks.NewStaticSecrets(map[string][]string{shopA: {secretA}})
	require.NoError(t, err)
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "secrets", s)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), fmt.Sprintf("%v", *s), logs.String(),
	} {
		assert.NotContains(t, out, secretA)
	}
	assert.Contains(t, logs.String(), "1 shops")
}

// TestSecretsNeverReachLogsAnswersOrMetrics drives every path that logs or
// answers, the failing ones included, and looks for the secrets and
// signatures everywhere they could leak.
func TestSecretsNeverReachLogsAnswersOrMetrics(t *testing.T) {
	f := newFixture(t)
	var answers []string
	var signatures []string
	for _, d := range []delivery{
		{},                   // accepted
		{secret: secretAOld}, // accepted under the old secret
		{secret: secretB},    // bad signature for A
		{shop: shopB, secret: secretA},
		{shop: "stranger.myshopify.com", secret: secretA},
		{body: `{"id":`},
		{topic: "shop/update"},
		{edit: func(h http.Header) { h.Del("X-Shopify-Topic") }},
	} {
		req := d.request(t, f.srv.URL)
		signatures = append(signatures, req.Header.Get("X-Shopify-Hmac-Sha256"))
		got := f.send(d)
		answers = append(answers, got.body)
	}
	// A failing applier: its error is logged and stored.
	p, err := webhooks.NewProcessor(f.pool, webhooks.ApplierFunc(func(context.Context, pgx.Tx, webhooks.Delivery) (webhooks.Outcome, error) {
		return 0, errors.New("mirror unavailable")
	}), processorConfig(f))
	require.NoError(t, err)
	_, err = p.ProcessBatch(context.Background())
	require.NoError(t, err)

	families, err := f.reg.Gather()
	require.NoError(t, err)
	var exposition strings.Builder
	for _, fam := range families {
		_, err := expfmt.MetricFamilyToText(&exposition, fam)
		require.NoError(t, err)
	}
	var stored strings.Builder
	rows, err := f.pool.Query(context.Background(), "SELECT coalesce(error, '') || payload::text FROM webhook_deliveries")
	require.NoError(t, err)
	texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	stored.WriteString(strings.Join(texts, "\n"))

	require.NotEmpty(t, f.logs.String())
	require.Contains(t, exposition.String(), "shopsync_webhook_deliveries_total")
	for where, text := range map[string]string{
		"logs": f.logs.String(), "answers": strings.Join(answers, "\n"),
		"metrics": exposition.String(), "stored rows": stored.String(),
	} {
		for _, secret := range allSecrets {
			assert.NotContains(t, text, secret, "a secret in the %s", where)
		}
		for _, sig := range signatures {
			assert.NotContains(t, text, sig, "a signature in the %s", where)
		}
	}
	for _, domain := range []string{shopA, shopB, "stranger"} {
		assert.NotContains(t, exposition.String(), domain, "metrics carry no shop domain")
	}
}
