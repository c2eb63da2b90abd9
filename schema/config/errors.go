package config

import (
	"fmt"
	"regexp"
	"strconv"
)

// FieldError is one problem with one field of the configuration. Validate and
// ResolveSecrets return all of them at once, joined with errors.Join; use
// errors.As, or iterate with Problems, to get at them.
type FieldError struct {
	// Path names the field the way the file spells it, e.g.
	// links[1].price.round_to or links[0].inventory.location_map["Main hall"].
	Path string
	// Msg says what is wrong. It never contains a secret.
	Msg string
	// Line is the field's line in the file, 0 when unknown (a Config built
	// in Go, or a required key that is missing: then it is the line of the
	// nearest enclosing key that is there).
	Line int
	// Err is the underlying error, if any (e.g. reading a secret file).
	Err error
}

func (e *FieldError) Error() string {
	s := e.Path + ": " + e.Msg
	if e.Line > 0 {
		s += " (line " + strconv.Itoa(e.Line) + ")"
	}
	return s
}

func (e *FieldError) Unwrap() error { return e.Err }

// YAMLError is a file that is not well-formed YAML or does not have the
// configuration's shape: a syntax error, an unknown or repeated key, a list
// where a value belongs. It carries the position, and the field's path when
// the position is that of a key or value of the configuration.
type YAMLError struct {
	File   string // empty for Parse
	Line   int
	Column int
	Path   string // e.g. links[0].colour for an unknown key; may be empty
	Msg    string
}

func (e *YAMLError) Error() string {
	s := fmt.Sprintf("line %d column %d", e.Line, e.Column)
	if e.File != "" {
		s = fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
	}
	if e.Path != "" {
		s += ": " + e.Path
	}
	return s + ": " + e.Msg
}

// problems gathers FieldErrors, giving each the line of its field.
type problems struct {
	pos  positions
	errs []error
}

func (p *problems) add(path, format string, args ...any) {
	p.errs = append(p.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...), Line: p.pos.line(path)})
}

func (p *problems) addErr(path string, err error, format string, args ...any) {
	p.errs = append(p.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...), Line: p.pos.line(path), Err: err})
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// child is the path of key under parent: parent.key, or parent["key"] when
// the key is not a plain identifier (location names may hold anything).
func child(parent, key string) string {
	if plainKey.MatchString(key) {
		if parent == "" {
			return key
		}
		return parent + "." + key
	}
	return parent + "[" + strconv.Quote(key) + "]"
}

// index is the path of element i of the list at parent.
func index(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}
