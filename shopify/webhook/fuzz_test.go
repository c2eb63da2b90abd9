package webhook

import (
	"testing"
)

// FuzzVerify: any body, header and secret; Verify never panics, accepts
// exactly the signature Sign makes under a configured non-empty secret, and
// refuses it once the body changes by one byte or the secret is another.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"id":1}`), "", []byte("secret"))
	f.Add([]byte{}, "=====", []byte{})
	f.Add([]byte("x"), "PChQV/s9qVvLuYZx4s3CvtPkNn5M2k1OrvTkc0qHHSM=", []byte("s"))
	f.Add([]byte("\x00\xff"), " \t", []byte("\x00"))
	f.Fuzz(func(t *testing.T, body []byte, header string, secret []byte) {
		_ = Verify(body, header, secret)
		_ = Verify(body, header)
		sig := Sign(secret, body)
		want := len(body) > 0 && len(secret) > 0
		if got := Verify(body, sig, secret); got != want {
			t.Fatalf("Verify(own signature) = %v, want %v (body %q, secret %q)", got, want, body, secret)
		}
		if Verify(body, sig, append(append([]byte(nil), secret...), 'x')) {
			t.Fatalf("accepted under another secret")
		}
		if len(body) > 0 {
			tampered := append([]byte(nil), body...)
			tampered[len(tampered)/2] ^= 1
			if Verify(tampered, sig, secret) {
				t.Fatalf("accepted a tampered body")
			}
		}
		if Verify(body, sig, []byte{}) {
			t.Fatalf("an empty secret accepted a signature")
		}
	})
}
