package webhook_test

import (
	"bytes"
	"crypto/rand"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shopsync/shopify/webhook"
)

// The vector was computed independently of Go with:
//
//	printf '%s' '{"id":788032119674292922,"title":"Example T-Shirt"}' |
//	    openssl dgst -sha256 -hmac 'hush' -binary | base64
const (
	vectorSecret = "hush"
	vectorBody   = `{"id":788032119674292922,"title":"Example T-Shirt"}`
	vectorHMAC   = "PChQV/s9qVvLuYZx4s3CvtPkNn5M2k1OrvTkc0qHHSM="
)

func TestSignMatchesFixedOpenSSLVector(t *testing.T) {
	require.Equal(t, vectorHMAC, webhook.Sign([]byte(vectorSecret), []byte(vectorBody)))
	require.True(t, webhook.Verify([]byte(vectorBody), vectorHMAC, []byte(vectorSecret)))
}

// TestSignMatchesOpenSSL cross-checks random bodies and secrets against the
// openssl binary when it is installed; the fixed vector above covers
// machines without it.
func TestSignMatchesOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Log("openssl not installed: only the fixed vector was checked")
		return
	}
	for i := range 5 {
		body := make([]byte, 100+i*517)
		_, _ = rand.Read(body)
		secret := []byte("shpss_" + strings.Repeat("k", i+1))
		cmd := exec.Command(openssl, "dgst", "-sha256", "-hmac", string(secret), "-binary")
		cmd.Stdin = bytes.NewReader(body)
		raw, err := cmd.Output()
		require.NoError(t, err)
		b64 := exec.Command("base64", "-w0")
		b64.Stdin = bytes.NewReader(raw)
		want, err := b64.Output()
		require.NoError(t, err)
		require.Equal(t, strings.TrimSpace(string(want)), webhook.Sign(secret, body))
	}
}

func TestVerify(t *testing.T) {
	body := []byte(vectorBody)
	oldSecret, newSecret := []byte(vectorSecret), []byte("rotated")
	signedOld := webhook.Sign(oldSecret, body)
	signedNew := webhook.Sign(newSecret, body)

	cases := []struct {
		name    string
		body    []byte
		header  string
		secrets [][]byte
		want    bool
	}{
		{"right secret", body, signedOld, [][]byte{oldSecret}, true},
		{"rotation: old signature, new secret first", body, signedOld, [][]byte{newSecret, oldSecret}, true},
		{"rotation: new signature", body, signedNew, [][]byte{newSecret, oldSecret}, true},
		{"surrounding whitespace in the header", body, " " + signedOld + "\n", [][]byte{oldSecret}, true},
		{"wrong secret", body, signedOld, [][]byte{newSecret}, false},
		{"tampered body", []byte(strings.Replace(vectorBody, "T-Shirt", "T-Shirts", 1)), signedOld, [][]byte{oldSecret}, false},
		{"empty body", nil, webhook.Sign(oldSecret, nil), [][]byte{oldSecret}, false},
		{"missing header", body, "", [][]byte{oldSecret}, false},
		{"header not base64", body, "not*base64", [][]byte{oldSecret}, false},
		{"header is a hex digest", body, "3c28", [][]byte{oldSecret}, false},
		{"no secrets", body, signedOld, nil, false},
		{"empty secret never matches its own signature", body, webhook.Sign(nil, body), [][]byte{{}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, webhook.Verify(tc.body, tc.header, tc.secrets...))
		})
	}
}
