package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/require"
)

const (
	mainToken   = "shpat_main_0000000000000001"
	mainWebhook = "whsec_main_0000000000000002"
	euToken     = "shpat_eu_0000000000000003"
	euWebhook   = "whsec_eu_0000000000000004"
	usToken     = "shpat_us_0000000000000005"
	usWebhook   = "whsec_us_0000000000000006"
)

var allSecrets = []string{mainToken, mainWebhook, euToken, euWebhook, usToken, usWebhook}

func fakeEnv(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func fakeFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		v, ok := files[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(v), nil
	}
}

func TestResolveSecretsFromEnvAndFiles(t *testing.T) {
	cfg := parseBase(t)
	cfg.Stores[2].PreviousWebhookSecretEnv = "US_OLD_WEBHOOK_SECRET"
	secrets, err := cfg.ResolveSecrets(
		fakeEnv(map[string]string{"MAIN_TOKEN": mainToken, "MAIN_WEBHOOK_SECRET": mainWebhook, "US_TOKEN": usToken,
			"US_WEBHOOK_SECRET": usWebhook, "US_OLD_WEBHOOK_SECRET": "old"}),
		fakeFiles(map[string]string{"/run/secrets/eu-token": euToken + "\n", "/run/secrets/eu-webhook": "  " + euWebhook + "\r\n"}))
	require.NoError(t, err)
	require.Equal(t, mainToken, secrets["main.myshopify.com"].Token.Reveal())
	require.Equal(t, mainWebhook, secrets["main.myshopify.com"].WebhookSecret.Reveal())
	require.True(t, secrets["main.myshopify.com"].PreviousWebhookSecret.IsZero())
	require.Equal(t, euToken, secrets["eu.myshopify.com"].Token.Reveal(), "a file's trailing newline is not part of the secret")
	require.Equal(t, euWebhook, secrets["eu.myshopify.com"].WebhookSecret.Reveal())
	require.Equal(t, "old", secrets["us.myshopify.com"].PreviousWebhookSecret.Reveal())
}

func TestResolveSecretsErrorsNameStoreAndSourceNotValue(t *testing.T) {
	cfg := parseBase(t)
	_, err := cfg.ResolveSecrets(
		fakeEnv(map[string]string{"MAIN_TOKEN": mainToken, "MAIN_WEBHOOK_SECRET": "", "US_WEBHOOK_SECRET": usWebhook}),
		fakeFiles(map[string]string{"/run/secrets/eu-token": "\n"}))
	errs := fieldErrors(t, err)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Path] = e.Msg
	}
	require.Equal(t, map[string]string{
		"stores[0].webhook_secret_env":  "store main: environment variable MAIN_WEBHOOK_SECRET is empty",
		"stores[1].token_file":          "store eu: file /run/secrets/eu-token is empty",
		"stores[1].webhook_secret_file": "store eu: cannot read /run/secrets/eu-webhook: file does not exist",
		"stores[2].token_env":           "store us: environment variable US_TOKEN is not set",
	}, got)
	require.ErrorIs(t, err, fs.ErrNotExist, "the file error is wrapped")
	for _, s := range allSecrets {
		require.NotContains(t, err.Error(), s)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(mainToken)
	type holder struct {
		Name   string
		Secret Secret
	}
	h := holder{"main", s}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		require.NotContains(t, fmt.Sprintf(format, s), mainToken, format)
		require.NotContains(t, fmt.Sprintf(format, h), mainToken, format)
		require.NotContains(t, fmt.Sprintf(format, &h), mainToken, format)
	}
	require.Equal(t, "[redacted]", s.String())
	require.Equal(t, "[redacted]", fmt.Sprint(s))

	b, err := json.Marshal(h)
	require.NoError(t, err)
	require.JSONEq(t, `{"Name": "main", "Secret": "[redacted]"}`, string(b))

	y, err := yaml.Marshal(h)
	require.NoError(t, err)
	require.NotContains(t, string(y), mainToken)
}

// Whatever a component logs about secrets, their errors and the stores, the
// JSON log holds none of the values.
func TestSecretsNeverInSlogOutput(t *testing.T) {
	cfg := parseBase(t)
	secrets, err := cfg.ResolveSecrets(
		fakeEnv(map[string]string{"MAIN_TOKEN": mainToken, "MAIN_WEBHOOK_SECRET": mainWebhook, "US_TOKEN": usToken, "US_WEBHOOK_SECRET": usWebhook}),
		fakeFiles(map[string]string{"/run/secrets/eu-token": euToken, "/run/secrets/eu-webhook": euWebhook}))
	require.NoError(t, err)
	_, resolveErr := cfg.ResolveSecrets(fakeEnv(map[string]string{"MAIN_TOKEN": mainToken}), fakeFiles(nil))
	require.Error(t, resolveErr)

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	main := secrets["main.myshopify.com"]
	log.Info("secrets", "all", secrets, "main", main, "token", main.Token, "ptr", &main.Token)
	log.Info("group", slog.Group("store", "domain", "main.myshopify.com", "secrets", main))
	log.Info("text", "token", fmt.Sprint(main.Token), "struct", fmt.Sprintf("%+v", main))
	log.Error("resolve failed", "err", resolveErr)
	log.With("store", cfg.Stores[0], "secrets", secrets).Debug("with")
	slog.New(slog.NewTextHandler(&buf, nil)).Info("text handler", "secrets", secrets, "main", main)

	out := buf.String()
	require.Contains(t, out, "[redacted]")
	for _, s := range allSecrets {
		require.NotContains(t, out, s)
	}
	// The JSON lines are valid JSON: the redaction did not break the encoding.
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		if bytes.HasPrefix(line, []byte("{")) {
			require.True(t, json.Valid(line), string(line))
		}
	}
	require.True(t, errors.Is(resolveErr, fs.ErrNotExist))
}
