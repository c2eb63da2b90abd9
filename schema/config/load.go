package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
)

// MaxFileSize bounds the configuration file; a real one is a few kilobytes.
const MaxFileSize = 1 << 20

// Load reads, parses and validates the configuration file at path. A file
// that is not valid YAML or has an unknown key gives a *YAMLError; a file that
// parses but breaks a rule gives every *FieldError at once (errors.Join).
func Load(path string) (*Config, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("config %s: %d bytes is more than a configuration file has (limit %d)", path, info.Size(), MaxFileSize)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(src)
	if err != nil {
		var ye *YAMLError
		if errors.As(err, &ye) {
			ye.File = path
			return nil, ye
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse is Load for a file's content.
func Parse(src []byte) (*Config, error) {
	if len(src) > MaxFileSize {
		return nil, &YAMLError{Line: 1, Column: 1, Msg: fmt.Sprintf("%d bytes is more than a configuration file has (limit %d)", len(src), MaxFileSize)}
	}
	pos := findPositions(src)
	if pos.refused != nil {
		return nil, pos.refused
	}
	var cfg Config
	if err := decode(src, &cfg); err != nil {
		return nil, decodeError(err, pos)
	}
	pos.secrets = nil // not needed after decoding; not to be kept in the Config
	cfg.positions = pos
	cfg.normalize()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// decode unmarshals strictly. The YAML library panics on some malformed
// input (found by FuzzLoad); that is a file it cannot read, not a crash.
func decode(src []byte, cfg *Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &YAMLError{Line: 1, Column: 1, Msg: fmt.Sprintf("the YAML library cannot read this file (%v)", r)}
		}
	}()
	return yaml.UnmarshalWithOptions(src, cfg, yaml.Strict())
}

// UnmarshalYAML starts each store from DefaultStore, so that keys the file
// leaves out keep their defaults.
func (s *Store) UnmarshalYAML(unmarshal func(any) error) error {
	*s = DefaultStore()
	type plain Store // without this method
	return unmarshal((*plain)(s))
}

// UnmarshalYAML starts each link from DefaultLink.
func (l *Link) UnmarshalYAML(unmarshal func(any) error) error {
	*l = DefaultLink()
	type plain Link
	return unmarshal((*plain)(l))
}

// normalize puts what the file may spell several ways into the one spelling
// that Validate checks and Postgres stores.
func (c *Config) normalize() {
	for i := range c.Stores {
		c.Stores[i].Domain = strings.ToLower(strings.TrimSpace(c.Stores[i].Domain))
	}
	for i := range c.Links {
		l := &c.Links[i]
		l.Inventory.Mode = InventoryMode(underscored(string(l.Inventory.Mode)))
		if l.Fields == nil {
			l.Fields = map[Field]FieldPolicy{}
		}
		for f, p := range l.Fields {
			l.Fields[f] = FieldPolicy(underscored(string(p)))
		}
		for _, f := range Fields {
			if _, ok := l.Fields[f]; !ok {
				l.Fields[f] = PolicySync
			}
		}
	}
}

// decodeError turns the YAML library's errors into a YAMLError with a
// position and, where known, the path, and without the library's source
// excerpt: that excerpt would print the file's lines, which may hold a
// secret someone wrote inline.
func decodeError(err error, pos positions) error {
	var own *YAMLError
	if errors.As(err, &own) { // from an UnmarshalYAML of this package
		if own.Path == "" {
			own.Path = pos.byPos[position{own.Line, own.Column}]
		}
		own.Msg = pos.scrub(own.Msg)
		return own
	}
	out := &YAMLError{Line: 1, Column: 1, Msg: err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		out.Msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			out.Line, out.Column = tk.Position.Line, tk.Position.Column
			out.Path = pos.pathAt(tk)
		}
	}
	var unknown *yaml.UnknownFieldError
	var typeErr *yaml.TypeError
	switch {
	case errors.As(err, &unknown):
		out.Msg = strings.Replace(out.Msg, "unknown field", "unknown key", 1)
	case errors.As(err, &typeErr):
		out.Msg = fmt.Sprintf("expected %s, not %s", kindName(typeErr.DstType), kindName(typeErr.SrcType))
	}
	if isLiteralSecretPath(out.Path) {
		// Whatever went wrong there, the message could quote the value.
		out.Msg = literalSecretMsg(out.Path)
	}
	out.Msg = pos.scrub(out.Msg)
	return out
}

func kindName(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return "a value"
}

// literalSecretKeys are the keys under a store that would hold a secret.
var literalSecretKeys = map[string]bool{"token": true, "webhook_secret": true, "previous_webhook_secret": true}

func isLiteralSecretPath(path string) bool {
	prefixes := pathPrefixes(path)
	if len(prefixes) != 3 || !strings.HasPrefix(path, "stores[") {
		return false
	}
	return literalSecretKeys[strings.TrimPrefix(path, prefixes[1]+".")]
}

func literalSecretMsg(path string) string {
	key := path[strings.LastIndexByte(path, '.')+1:]
	return fmt.Sprintf("secrets must not be written in the configuration file: name an environment variable (%s_env) or a file (%s_file) instead", key, key)
}
