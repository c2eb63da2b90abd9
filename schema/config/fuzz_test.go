package config

import (
	"errors"
	"os"
	"testing"
)

// Any input either loads into a valid Config or fails with position-bearing
// YAML errors or FieldErrors naming a field; it never panics.
func FuzzLoad(f *testing.F) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		base, string(example), "", "stores: [\n", "- 1\n", "stores:\n  - name: main\n    token: x\n",
		"links:\n  - price: {markup_percent: abc, round_to: 0.999}\n",
		"a: &a [*a, *a]\nstores: *a\n", "stores: !!map {}\n", "links:\n  - inventory: {location_map: {? [a]: b}}\n",
		"---\nstores: []\n---\nlinks: []\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse(src)
		if err == nil {
			if verr := cfg.Validate(); verr != nil {
				t.Fatalf("Parse accepted a config that Validate refuses: %v", verr)
			}
			return
		}
		var ye *YAMLError
		if errors.As(err, &ye) {
			if ye.Line < 1 || ye.Msg == "" {
				t.Fatalf("YAML error without a line or message: %#v", ye)
			}
			return
		}
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("%T is neither a YAMLError nor joined FieldErrors: %v", err, err)
		}
		for _, e := range joined.Unwrap() {
			var fe *FieldError
			if !errors.As(e, &fe) || fe.Path == "" || fe.Msg == "" {
				t.Fatalf("%T is not a FieldError naming a field: %v", e, e)
			}
		}
	})
}
