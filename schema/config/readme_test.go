package config

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// README.md is the reference of the file: every key the loader accepts must
// be in it.
func TestReadmeDescribesEveryKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	var keys [][2]string // parent, key
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, parent string) {
		for f := range typ.Fields() {
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || f.Type == reflect.TypeFor[LiteralSecret]() {
				continue // refused keys
			}
			switch ft := f.Type; {
			case ft.Kind() == reflect.Struct && ft != reflect.TypeFor[PriceRule]():
				walk(ft, key) // documented as inventory.mode, ...
				continue
			case ft.Kind() == reflect.Struct:
				walk(ft, "") // price has a table of its own
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				walk(ft.Elem(), "")
			}
			keys = append(keys, [2]string{parent, key})
		}
	}
	walk(reflect.TypeFor[Config](), "")
	require.Greater(t, len(keys), 30)
	for _, k := range keys {
		plain, dotted := "`"+k[1]+"`", "`"+k[0]+"."+k[1]+"`"
		require.Truef(t, strings.Contains(string(readme), plain) || strings.Contains(string(readme), dotted),
			"README.md does not describe %s", strings.Trim(dotted, "`."))
	}
	for _, f := range Fields {
		require.Contains(t, string(readme), "`"+string(f)+"`")
	}
}
